/** Route descriptions of first-boot secrets (docs/architecture.md, "REST API description").
 * Write-only: no answer holds a value. */
import { FIRSTBOOT_SECRET_MAX_LENGTH, FIRSTBOOT_SECRET_NAMES } from '../../shared/firstboot-secrets.ts';
import { bool, dateTime, empty, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

const status = obj(
  {
    name: oneOfStrings(FIRSTBOOT_SECRET_NAMES),
    set: bool,
    updatedBy: nullable(obj({ id: nullable(uuid), name: str() }, ['name'])),
    updatedAt: nullable(dateTime),
  },
  ['name', 'set', 'updatedBy', 'updatedAt'],
);

/** `PUT …/secrets/:name`: one line of text. A Wi-Fi passphrase's 8 to 63 characters are checked
 * after (the one rule that depends on the name). Refusals never repeat the value. */
export const SECRET_BODY = obj(
  { value: str({ minLength: 1, maxLength: FIRSTBOOT_SECRET_MAX_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'One line, no control characters.' }) },
  ['value'],
);

export const secretsApi: ApiSpec = {
  tag: 'secrets',
  description: 'First-boot secrets (root and user password, Wi-Fi passphrase): sealed at rest, set and cleared here, read only by the builder.',
  operations: {
    'GET /api/configs/:id/secrets': { summary: 'Which first-boot secrets are set, by whom and when (never the values)', access: { action: 'manageSecrets' }, responses: { 200: json(obj({ secrets: { type: 'array', items: status } }, ['secrets'])) } },
    'PUT /api/configs/:id/secrets/:name': {
      summary: 'Set or replace a first-boot secret',
      access: { action: 'manageSecrets' },
      body: SECRET_BODY,
      responses: { 200: json(obj({ secret: status }, ['secret'])) },
    },
    'DELETE /api/configs/:id/secrets/:name': { summary: 'Clear a first-boot secret', access: { action: 'manageSecrets' }, responses: { 204: empty('Cleared (or was not set)') } },
  },
};
