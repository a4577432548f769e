/**
 * `/api/tokens`: a signed-in person's personal access tokens (list, make, revoke). Session only:
 * a token can neither see nor make nor revoke tokens (403 `token_not_allowed`), so a leaked one
 * cannot mint itself a successor (security.md, "Personal access tokens").
 */
import { Hono } from 'hono';
import { isTokenScope, TOKEN_SCOPES, type TokenScope } from '../../shared/token-scopes.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import { ApiError, notFound, readJsonObject, type ErrorDetail } from '../http-errors.ts';
import type { ServerLimits } from '../settings.ts';
import { TokenLimitReached, type TokenStore } from './token-store.ts';

export const MAX_TOKEN_NAME_LENGTH = 100;
/** Configurations one token may be restricted to; more is what "all" is for. */
export const MAX_TOKEN_CONFIGS = 50;
const DAY_MS = 24 * 3600 * 1000;

export interface TokenRouteDeps {
  tokens: TokenStore;
  access: AccessStore;
  settings: Pick<ServerLimits, 'tokenMaxLifetimeDays'>;
}

const invalid = (details: ErrorDetail[]) => new ApiError(422, 'validation_failed', details.map((d) => d.message).join('; '), details);

export function tokenRoutes(deps: TokenRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const session = requireSession(c.get('actor'));
    return c.json(await deps.tokens.list(session.user.id));
  });

  app.post('/', async (c) => {
    const session = requireSession(c.get('actor'));
    const body = await readJsonObject(c);
    const problems: ErrorDetail[] = [];
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > MAX_TOKEN_NAME_LENGTH) problems.push({ path: '/name', message: `name must be 1–${MAX_TOKEN_NAME_LENGTH} characters`, keyword: 'length' });
    const scopes = Array.isArray(body.scopes) ? body.scopes : null;
    if (!scopes || scopes.length === 0 || !scopes.every(isTokenScope)) {
      problems.push({ path: '/scopes', message: `scopes must be a non-empty list of ${TOKEN_SCOPES.join(', ')}`, keyword: 'enum' });
    }
    // null or absent: every configuration the owner can reach (now and later).
    const configIds = body.configIds === undefined || body.configIds === null ? null : Array.isArray(body.configIds) ? body.configIds : undefined;
    if (configIds === undefined || (configIds && (configIds.length === 0 || configIds.length > MAX_TOKEN_CONFIGS || !configIds.every((id) => typeof id === 'string' && isUuid(id))))) {
      problems.push({ path: '/configIds', message: `configIds must be null (all) or a list of 1–${MAX_TOKEN_CONFIGS} configuration ids`, keyword: 'type' });
    }
    const maxDays = deps.settings.tokenMaxLifetimeDays;
    const expiresAt = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : null;
    if (!expiresAt || Number.isNaN(expiresAt.getTime())) problems.push({ path: '/expiresAt', message: 'expiresAt is required: an ISO date-time', keyword: 'format' });
    else if (expiresAt.getTime() <= Date.now()) problems.push({ path: '/expiresAt', message: 'expiresAt must be in the future', keyword: 'minimum' });
    else if (expiresAt.getTime() - Date.now() > maxDays * DAY_MS) problems.push({ path: '/expiresAt', message: `a token may live at most ${maxDays} days (TOKEN_MAX_LIFETIME_DAYS)`, keyword: 'maximum' });
    if (problems.length > 0) throw invalid(problems);
    const ids = configIds ? [...new Set(configIds as string[])] : null;
    // Only configurations the owner can read: a restriction naming anything else would say which
    // ids exist, and would mean nothing.
    for (const [i, id] of (ids ?? []).entries()) {
      if (!(await deps.access.memberRole(id, session.user))) throw invalid([{ path: `/configIds/${i}`, message: 'unknown configuration', keyword: 'enum' }]);
    }
    try {
      const made = await deps.tokens.create(session.user.id, { name, scopes: [...new Set(scopes as TokenScope[])], configIds: ids, expiresAt: expiresAt! });
      // The only time the secret is ever sent: it is not stored, so it cannot be shown again.
      return c.json({ ...made.view, token: made.token }, 201);
    } catch (error) {
      if (error instanceof TokenLimitReached) throw new ApiError(409, 'too_many_tokens', error.message);
      throw error;
    }
  });

  app.delete('/:tokenId', async (c) => {
    const session = requireSession(c.get('actor'));
    // Another person's token is "unknown", like one that does not exist.
    if (!(await deps.tokens.revoke(session.user.id, c.req.param('tokenId')))) throw notFound('token');
    return c.body(null, 204);
  });

  return app;
}
