/** Route descriptions of configurations and their data (docs/architecture.md, "REST API description").
 * The configuration's own shape is the JSON Schema at `/api/schema` (shared/schema/), referenced
 * here and validated with its generated validator (server/configs/config-rules.ts). */
import { Limits } from '../../shared/protocol.ts';
import { ACTIONS, ROLES } from '../../shared/roles.ts';
import { anyObject, arrayOf, CONFIG_SCHEMA_REF, empty, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

const summary = obj({ id: uuid, name: str(), orgId: nullable(uuid) }, ['id', 'name']);
/** Where a new configuration goes: an organisation the caller may create in, or none (personal). */
const orgIdField = nullable(str({ minLength: 1, description: 'An organisation you may create configurations in (its `config_creators` policy); absent or null: personal.' }));
const withData = obj({ id: uuid, name: str(), data: CONFIG_SCHEMA_REF }, ['id', 'data']);

/** A configuration's name (kept trimmed). */
const configName = str({ minLength: 1, maxLength: Limits.maxNameLength, pattern: '\\S' });

/** Configuration data a request sends. Only its shape is the server's to refuse here (wrong
 * types, unknown keys, over-size values: 422 naming each path, checked against `/api/schema`
 * after this schema); a configuration still missing required settings is accepted, as in the
 * editor, so the full schema (whose `required` would refuse it) is not the body's. */
export const CONFIG_DATA_BODY = {
  type: 'object',
  description: 'A configuration as `GET /api/schema` describes it; only its shape is checked (types, known keys, sizes), required settings may still be missing.',
};

/** `POST /api/configs`. */
export const NEW_CONFIG_BODY = obj({ name: configName, data: CONFIG_DATA_BODY, orgId: orgIdField }, ['name']);
/** `PATCH /api/configs/:id`: the new name. */
export const RENAME_BODY = obj({ name: configName }, ['name']);
/** `POST /api/configs/import` as JSON: `{ name, data }` (what `GET …/export` writes, its
 * `schemaVersion` included), or `{ conf, name? }` with the text of a `.conf` file or a
 * `./compile.sh` line (then the name defaults to the file's or the board's). */
export const IMPORT_BODY = obj(
  {
    name: configName,
    data: CONFIG_DATA_BODY,
    conf: str({ description: 'The text of an Armbian `.conf` file or a `./compile.sh` line (docs/conf-format.md); its length is limited by lines.' }),
    orgId: orgIdField,
    schemaVersion: { description: 'What the export writes; not read.' },
  },
  [],
  { if: { not: { required: ['conf'] } }, then: { required: ['name'] } },
);
/** `PUT /api/configs/:id/data`: the configuration, or the `{ data }` envelope `GET` answers. */
export const DATA_PUT_BODY = { ...CONFIG_DATA_BODY, description: `${CONFIG_DATA_BODY.description} The \`{ name?, data }\` envelope \`GET /api/configs/:id\` answers is taken too.` };

/** `PATCH /api/configs/:id/data`: top-level keys to set (`null` removes one); at least one. What
 * each value may be is the configuration schema's to say, on the merged result. */
export const DATA_PATCH_BODY = { type: 'object', minProperties: 1 };

export const configsApi: ApiSpec = {
  tag: 'configs',
  description: 'Configurations: list, make, read, rename, delete, and their data (the JSON the schema describes).',
  operations: {
    'GET /api/schema': { summary: 'The configuration\'s JSON Schema (draft 2020-12)', access: { public: true }, responses: { 200: json({ type: 'object' }, 'The schema') } },
    'GET /api/configs': {
      summary: 'Configurations I can open',
      access: { signedIn: true, token: 'read' },
      query: { org: { schema: str(), description: 'Only those of one organisation (its id), or `personal` for those of none.' } },
      responses: { 200: json(arrayOf(summary)) },
    },
    'POST /api/configs': {
      summary: 'Make a configuration',
      description: 'Tokens need the `write` scope and no configuration restriction.',
      access: { signedIn: true, token: 'write' },
      body: NEW_CONFIG_BODY,
      responses: { 201: json(summary, 'Made') },
    },
    'POST /api/configs/import': {
      summary: 'Make a configuration from JSON data or a `.conf` file\'s text',
      access: { signedIn: true, token: 'write' },
      query: { orgId: { schema: str(), description: 'The organisation, for the `text/plain` form.' } },
      body: IMPORT_BODY,
      responses: { 201: json(summary, 'Made') },
    },
    'GET /api/configs/:id': {
      summary: 'A configuration with its committed data',
      description: '`role` is the caller\'s role (a token\'s owner\'s); `actions` is what this caller may do here, a token\'s scopes applied.',
      access: { action: 'read' },
      responses: { 200: json({ allOf: [withData, obj({ role: oneOfStrings(ROLES), actions: arrayOf(oneOfStrings(ACTIONS)) }, ['role', 'actions'])] }) },
    },
    'PATCH /api/configs/:id': { summary: 'Rename a configuration', access: { action: 'edit' }, body: RENAME_BODY, responses: { 200: json(summary) } },
    'DELETE /api/configs/:id': { summary: 'Move a configuration to the trash', access: { action: 'delete' }, responses: { 204: empty('In the trash') } },
    'PUT /api/configs/:id/data': {
      summary: 'Replace the configuration\'s data',
      description: 'Written through the room like a person\'s edit; live clients see it at once. 422 `validation_failed` lists the schema\'s complaints.',
      access: { action: 'edit' },
      body: DATA_PUT_BODY,
      responses: { 200: json(withData) },
    },
    'PATCH /api/configs/:id/data': {
      summary: 'Change some top-level keys (JSON Merge Patch of the top level; `null` removes a key)',
      access: { action: 'edit' },
      body: DATA_PATCH_BODY,
      responses: { 200: json(withData) },
    },
    'GET /api/configs/:id/export': {
      summary: 'Download the configuration as JSON or as an Armbian `.conf` file',
      access: { action: 'read' },
      query: { format: { schema: oneOfStrings(['json', 'conf']), description: 'Default json.' } },
      responses: { 200: json(obj({ name: str(), schemaVersion: {}, data: CONFIG_SCHEMA_REF }, ['name', 'data']), 'JSON, or with `format=conf` the `.conf` text (text/plain)', 'text/plain') },
    },
  },
};
