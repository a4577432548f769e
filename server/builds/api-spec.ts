/** Route descriptions of builds and build matrices (docs/architecture.md, "REST API description"). */
import { IMAGE_TYPE_NAMES } from '../../shared/builds/matrix-targets.ts';
import { configSchema } from '../../shared/schema/index.ts';
import { anyObject, arrayOf, bool, json, media, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

/** Longest targets.yaml accepted, in characters: Armbian's own largest target files are ~40 KB. */
export const MAX_TARGETS_YAML_CHARS = 256 * 1024;

/** `POST /api/configs/:id/builds`: optional; `force` builds again what an identical build made. */
export const BUILD_BODY = obj({ force: bool });

/** `POST /api/configs/:id/matrices`: exactly one way of naming the targets. Whether a board
 * exists and whether each cell gives a buildable configuration are checked after (the board list
 * is the schema's `x-boards`, too long to repeat here). */
export const MATRIX_BODY = obj(
  {
    pick: obj(
      { boards: arrayOf(str()), branches: arrayOf(str()), releases: arrayOf(str()), images: arrayOf(oneOfStrings(IMAGE_TYPE_NAMES)) },
      [],
      { additionalProperties: false, description: 'Boards × branches × releases × image types; pairs a board does not offer are skipped.' },
    ),
    targets: arrayOf(
      { type: 'object', propertyNames: { enum: Object.keys(configSchema.properties) }, additionalProperties: str(), description: 'Settings (names from `/api/schema`) that override the configuration in one cell.' },
    ),
    targetsYaml: str({ maxLength: MAX_TARGETS_YAML_CHARS, description: 'The text of an Armbian `userpatches/targets.yaml`.' }),
  },
  [],
  { oneOf: [{ required: ['pick'] }, { required: ['targets'] }, { required: ['targetsYaml'] }] },
);

const build = obj({ id: uuid, configId: uuid, status: str() }, ['id', 'status']);
const matrix = obj({ id: uuid }, ['id']);

export const buildsApi: ApiSpec = {
  tag: 'builds',
  description: 'Builds of a configuration\'s frozen state, their logs and artifacts; build matrices (one build per target).',
  operations: {
    'POST /api/configs/:id/builds': {
      summary: 'Build the configuration as it is now',
      access: { action: 'build' },
      body: BUILD_BODY,
      bodyOptional: true,
      responses: { 202: json({ allOf: [build, obj({ deduplicated: bool })] }, 'Queued (or the identical build already queued)') },
    },
    'GET /api/configs/:id/builds': { summary: 'The configuration\'s builds', access: { action: 'read' }, responses: { 200: json(arrayOf(build)) } },
    'GET /api/builds/:buildId': { summary: 'A build', access: { action: 'read' }, responses: { 200: json(build) } },
    'GET /api/builds/:buildId/snapshot': {
      summary: 'The frozen configuration a build ran on',
      access: { action: 'read' },
      responses: { 200: json(obj({ configJson: anyObject, contentHash: str(), schemaVersion: {}, builderVersion: {} }, ['configJson', 'contentHash'])) },
    },
    'GET /api/builds/:buildId/logs': {
      summary: 'A build\'s log lines',
      access: { action: 'read' },
      query: { after: { schema: str({ pattern: '^[0-9]+$' }), description: 'Only lines after this sequence number.' } },
      responses: { 200: json(arrayOf(obj({ seq: {}, line: str() }))) },
    },
    'POST /api/builds/:buildId/cancel': { summary: 'Cancel a build', access: { action: 'build' }, responses: { 200: json(anyObject) } },
    'POST /api/builds/:buildId/retry': { summary: 'Run a finished build again', access: { action: 'build' }, responses: { 202: json(build, 'Queued') } },
    'GET /api/builds/:buildId/artifacts/:name': { summary: 'Download an artifact (checksummed; `SHA256SUMS` lists them)', access: { action: 'read' }, responses: { 200: media('application/octet-stream', 'The artifact\'s bytes') } },
    'POST /api/configs/:id/matrices': {
      summary: 'Build several targets (each a set of overrides) at once',
      access: { action: 'build' },
      body: MATRIX_BODY,
      responses: { 202: json(matrix, 'Queued') },
    },
    'GET /api/configs/:id/matrices': { summary: 'The configuration\'s build matrices', access: { action: 'read' }, responses: { 200: json(arrayOf(matrix)) } },
    'GET /api/matrices/:matrixId': { summary: 'A build matrix and its cells', access: { action: 'read' }, responses: { 200: json(matrix) } },
    'POST /api/matrices/:matrixId/cancel': { summary: 'Cancel every running cell', access: { action: 'build' }, responses: { 200: json(anyObject) } },
    'POST /api/matrices/:matrixId/retry': { summary: 'Retry the failed cells', access: { action: 'build' }, responses: { 202: json(anyObject, 'Queued') } },
    'POST /api/matrices/:matrixId/cells/:position/cancel': { summary: 'Cancel one cell', access: { action: 'build' }, responses: { 200: json(anyObject) } },
    'POST /api/matrices/:matrixId/cells/:position/retry': { summary: 'Retry one cell', access: { action: 'build' }, responses: { 202: json(anyObject, 'Queued') } },
  },
};
