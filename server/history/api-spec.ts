/** Route descriptions of history, versions and diffs (docs/architecture.md, "REST API description"). */
import { MAX_VERSION_LABEL_LENGTH } from './versions.ts';
import { anyObject, arrayOf, CONFIG_SCHEMA_REF, json, nullable, obj, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

/** `POST /api/configs/:id/versions`: what the route checks with (history/routes.ts). */
export const NEW_VERSION_BODY = obj({ label: str({ minLength: 1, maxLength: MAX_VERSION_LABEL_LENGTH, pattern: '\\S' }) }, ['label']);
/** `POST …/versions/:versionId/restore`: the whole version, or one path of it. */
export const RESTORE_BODY = obj({ path: nullable(str()) });

const digits = str({ pattern: '^[0-9]+$' });
const version = obj({ id: uuid }, ['id']);

export const historyApi: ApiSpec = {
  tag: 'history',
  description: 'Who changed what (the change log), named versions, diffs and restores.',
  operations: {
    'GET /api/configs/:id/history': {
      summary: 'The change log, newest first',
      access: { action: 'read' },
      query: { path: { schema: str(), description: 'Only changes under this JSON Pointer.' }, limit: { schema: digits }, before: { schema: str() } },
      responses: { 200: json(obj({ entries: arrayOf(anyObject), next: nullable(str({ description: 'Pass as `before` for the next page.' })) }, ['entries', 'next'])) },
    },
    'GET /api/configs/:id/history/last': { summary: 'The last change of every field, by JSON Pointer', access: { action: 'read' }, responses: { 200: json({ type: 'object', additionalProperties: anyObject }) } },
    'GET /api/configs/:id/versions': {
      summary: 'Versions, newest first',
      access: { action: 'read' },
      query: { limit: { schema: digits }, before: { schema: str() }, kind: { schema: str() } },
      responses: { 200: json(arrayOf(obj({ id: uuid, kind: str(), label: nullable(str()) }, ['id', 'kind']))) },
    },
    'POST /api/configs/:id/versions': { summary: 'Save the committed state as a named version', access: { action: 'edit' }, body: NEW_VERSION_BODY, responses: { 201: json(version, 'Saved') } },
    'GET /api/configs/:id/versions/:versionId': {
      summary: 'A version (with `state=1`, its Yjs state as base64)',
      access: { action: 'read' },
      query: { state: { schema: str() } },
      responses: { 200: json(obj({ id: uuid, configId: uuid, kind: str(), label: nullable(str()), contentHash: str(), data: CONFIG_SCHEMA_REF, yjsState: str({ description: 'With `state=1`: base64.' }) }, ['id', 'configId', 'kind', 'contentHash', 'data'])) },
    },
    'POST /api/configs/:id/versions/:versionId/restore': {
      summary: 'Restore a version, whole or one path (`#notes`, `#files/<path>`, a JSON Pointer)',
      access: { action: 'edit' },
      body: RESTORE_BODY,
      bodyOptional: true,
      responses: { 200: json(anyObject) },
    },
    'GET /api/configs/:id/diff': {
      summary: 'What changed between two versions (or `current`)',
      access: { action: 'read' },
      query: { from: { schema: str(), required: true }, to: { schema: str(), required: true } },
      responses: { 200: json(arrayOf(obj({ path: str(), op: str() }, ['path']))) },
    },
  },
};
