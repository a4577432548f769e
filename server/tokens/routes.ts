/**
 * `/api/tokens`: a signed-in person's personal access tokens (list, make, revoke). Session only:
 * a token can neither see nor make nor revoke tokens (403 `token_not_allowed`), so a leaked one
 * cannot mint itself a successor (security.md, "Personal access tokens").
 */
import { Hono } from 'hono';
import type { TokenScope } from '../../shared/token-scopes.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import { ApiError, notFound, type ErrorDetail } from '../http-errors.ts';
import type { ServerLimits } from '../settings.ts';
import { TokenLimitReached, type TokenStore } from './token-store.ts';

import { NEW_TOKEN_BODY } from './api-spec.ts';

export { MAX_TOKEN_CONFIGS, MAX_TOKEN_NAME_LENGTH } from './api-spec.ts';
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

  // The shape is the schema the API description declares (tokens/api-spec.ts); what a schema
  // cannot say (the expiry's range, the restriction's membership) is checked here.
  const readNewToken = validatedBody<{ name: string; scopes: TokenScope[]; configIds?: string[] | null; expiresAt: string }>(NEW_TOKEN_BODY);
  app.post('/', async (c) => {
    const session = requireSession(c.get('actor'));
    const body = await readNewToken(c);
    const problems: ErrorDetail[] = [];
    const name = body.name.trim();
    // null or absent: every configuration the owner can reach (now and later).
    const configIds = body.configIds ?? null;
    const maxDays = deps.settings.tokenMaxLifetimeDays;
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt.getTime() <= Date.now()) problems.push({ path: '/expiresAt', message: 'expiresAt must be in the future', keyword: 'minimum' });
    else if (expiresAt.getTime() - Date.now() > maxDays * DAY_MS) problems.push({ path: '/expiresAt', message: `a token may live at most ${maxDays} days (TOKEN_MAX_LIFETIME_DAYS)`, keyword: 'maximum' });
    if (problems.length > 0) throw invalid(problems);
    const ids = configIds ? [...new Set(configIds)] : null;
    // Only configurations the owner can read: a restriction naming anything else would say which
    // ids exist, and would mean nothing.
    for (const [i, id] of (ids ?? []).entries()) {
      if (!(await deps.access.memberRole(id, session.user))) throw invalid([{ path: `/configIds/${i}`, message: 'unknown configuration', keyword: 'enum' }]);
    }
    try {
      const made = await deps.tokens.create(session.user.id, { name, scopes: [...new Set(body.scopes)], configIds: ids, expiresAt });
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
