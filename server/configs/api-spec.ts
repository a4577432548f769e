/** Route descriptions of configurations and their data (docs/architecture.md, "REST API description").
 * The configuration's own shape is the JSON Schema at `/api/schema` (shared/schema/), referenced
 * here and validated with its generated validator (server/configs/config-rules.ts). */
import { ACTIONS, ROLES } from '../../shared/roles.ts';
import { anyObject, arrayOf, CONFIG_SCHEMA_REF, empty, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

const summary = obj({ id: uuid, name: str(), orgId: nullable(uuid) }, ['id', 'name']);
/** Where a new configuration goes: an organisation the caller may create in, or none (personal). */
const orgIdField = nullable(str({ description: 'An organisation you may create configurations in (its `config_creators` policy); absent or null: personal.' }));
const withData = obj({ id: uuid, name: str(), data: CONFIG_SCHEMA_REF }, ['id', 'data']);

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
      body: obj({ name: str(), data: CONFIG_SCHEMA_REF, orgId: orgIdField }),
      responses: { 201: json(summary, 'Made') },
    },
    'POST /api/configs/import': {
      summary: 'Make a configuration from JSON data or a `.conf` file\'s text',
      access: { signedIn: true, token: 'write' },
      query: { orgId: { schema: str(), description: 'The organisation, for the `text/plain` form.' } },
      body: obj({ name: str(), data: CONFIG_SCHEMA_REF, conf: str({ description: 'docs/conf-format.md' }), orgId: orgIdField }),
      responses: { 201: json(summary, 'Made') },
    },
    'GET /api/configs/:id': {
      summary: 'A configuration with its committed data',
      description: '`role` is the caller\'s role (a token\'s owner\'s); `actions` is what this caller may do here, a token\'s scopes applied.',
      access: { action: 'read' },
      responses: { 200: json({ allOf: [withData, obj({ role: oneOfStrings(ROLES), actions: arrayOf(oneOfStrings(ACTIONS)) }, ['role', 'actions'])] }) },
    },
    'PATCH /api/configs/:id': { summary: 'Rename a configuration', access: { action: 'edit' }, body: obj({ name: str() }, ['name']), responses: { 200: json(summary) } },
    'DELETE /api/configs/:id': { summary: 'Move a configuration to the trash', access: { action: 'delete' }, responses: { 204: empty('In the trash') } },
    'PUT /api/configs/:id/data': {
      summary: 'Replace the configuration\'s data',
      description: 'Written through the room like a person\'s edit; live clients see it at once. 422 `validation_failed` lists the schema\'s complaints.',
      access: { action: 'edit' },
      body: CONFIG_SCHEMA_REF,
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
