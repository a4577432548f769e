/** Route descriptions of personal access tokens (docs/architecture.md, "REST API description"). */
import { TOKEN_SCOPES } from '../../shared/token-scopes.ts';
import { arrayOf, dateTime, empty, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

export const MAX_TOKEN_NAME_LENGTH = 100;
/** Configurations one token may be restricted to; more is what "all" is for. */
export const MAX_TOKEN_CONFIGS = 50;

const tokenView = obj({ id: uuid, name: str(), scopes: arrayOf(oneOfStrings(TOKEN_SCOPES)), configIds: nullable(arrayOf(uuid)), expiresAt: dateTime }, ['id', 'name', 'scopes']);

/** `POST /api/tokens`: what the route checks with (server/tokens/routes.ts); the expiry's range
 * (future, at most TOKEN_MAX_LIFETIME_DAYS) and the restriction's membership are checked after. */
export const NEW_TOKEN_BODY = obj(
  {
    name: str({ minLength: 1, maxLength: MAX_TOKEN_NAME_LENGTH, pattern: '\\S' }),
    scopes: arrayOf(oneOfStrings(TOKEN_SCOPES), { minItems: 1 }),
    configIds: nullable(arrayOf(uuid, { minItems: 1, maxItems: MAX_TOKEN_CONFIGS })),
    expiresAt: str({ format: 'date-time' }),
  },
  ['name', 'scopes', 'expiresAt'],
);

export const tokensApi: ApiSpec = {
  tag: 'tokens',
  description: 'Personal access tokens (`brt_…`) for scripts: a session\'s own; a token can neither see, make nor revoke tokens.',
  operations: {
    'GET /api/tokens': { summary: 'My tokens', access: { signedIn: true }, responses: { 200: json(arrayOf(tokenView)) } },
    'POST /api/tokens': {
      summary: 'Make a token (its secret is in this answer only)',
      access: { signedIn: true },
      body: NEW_TOKEN_BODY,
      responses: { 201: json({ allOf: [tokenView, obj({ token: str({ pattern: '^brt_' }) }, ['token'])] }, 'Made') },
    },
    'DELETE /api/tokens/:tokenId': { summary: 'Revoke a token', access: { signedIn: true }, responses: { 204: empty('Revoked') } },
  },
};
