/**
 * `/api/auth`: sign-up, sign-in, sign-out and "who am I". Sessions are an HttpOnly SameSite cookie
 * for the browser and the same token as a bearer for API clients.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { normalizeEmail, SESSION_TTL_MS, type Accounts, type User } from '../auth/accounts.ts';
import { colorFor, requireSession, SESSION_COOKIE, type AppEnv } from '../auth/actor.ts';
import { dummyVerify, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../auth/passwords.ts';
import { FixedWindowLimiter } from '../auth/rate-limit.ts';
import { ApiError, readJsonObject } from '../http-errors.ts';

/** Failed sign-ins allowed per email and per client address in one window. */
export const LOGIN_FAILURES_PER_WINDOW = 10;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_USER_NAME_LENGTH = 100;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AuthRouteDeps {
  accounts: Accounts;
  /** Which optional sign-in methods this server offers (the sign-in page shows only those). */
  providers: { github: boolean };
  /** Set the cookie's Secure flag (behind HTTPS). */
  secureCookies: boolean;
  onSessionRevoked: (sessionId: string) => void;
}

const publicUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, color: colorFor(u.id) });

function field(body: Record<string, unknown>, name: string, max: number, min = 1): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim().length < min || value.length > max) {
    throw new ApiError(422, 'validation_failed', `${name} is missing or invalid`, [
      { path: `/${name}`, message: `${name} must be ${min}–${max} characters`, keyword: 'length' },
    ]);
  }
  return value;
}

export function authRoutes(deps: AuthRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const byEmail = new FixedWindowLimiter(LOGIN_FAILURES_PER_WINDOW, LOGIN_WINDOW_MS);
  const byAddress = new FixedWindowLimiter(LOGIN_FAILURES_PER_WINDOW * 5, LOGIN_WINDOW_MS);

  const startSession = async (c: Context, user: User, status: 200 | 201) => {
    const { token } = await deps.accounts.createSession(user.id);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.secureCookies,
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.json({ user: publicUser(user), token }, status);
  };

  app.post('/signup', async (c) => {
    const body = await readJsonObject(c);
    const email = normalizeEmail(field(body, 'email', MAX_EMAIL_LENGTH, 3));
    if (!EMAIL_RE.test(email)) {
      throw new ApiError(422, 'validation_failed', 'email is not an address', [{ path: '/email', message: 'expected name@domain', keyword: 'format' }]);
    }
    const name = field(body, 'name', MAX_USER_NAME_LENGTH).trim();
    const password = field(body, 'password', PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH);
    const user = await deps.accounts.createUser({ email, name, passwordHash: await hashPassword(password) });
    if (!user) throw new ApiError(409, 'email_taken', 'an account with this email exists; sign in instead');
    return startSession(c, user, 201);
  });

  app.post('/login', async (c) => {
    const body = await readJsonObject(c);
    const email = normalizeEmail(field(body, 'email', MAX_EMAIL_LENGTH, 3));
    const password = field(body, 'password', PASSWORD_MAX_LENGTH);
    const address = getConnInfo(c).remote.address ?? 'unknown';
    for (const decision of [byEmail.check(email), byAddress.check(address)]) {
      if (!decision.allowed) {
        c.header('retry-after', String(decision.retryAfterS));
        throw new ApiError(429, 'rate_limited', `too many failed sign-ins; try again in ${decision.retryAfterS} s`);
      }
    }
    const user = await deps.accounts.findByEmail(email);
    const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : (await dummyVerify(password), false);
    if (!user || !ok) {
      byEmail.hit(email);
      byAddress.hit(address);
      throw new ApiError(401, 'invalid_credentials', 'wrong email or password');
    }
    byEmail.reset(email);
    return startSession(c, user, 200);
  });

  app.post('/logout', async (c) => {
    const session = c.get('actor').session;
    if (session) {
      await deps.accounts.revokeSession(session.id);
      deps.onSessionRevoked(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/providers', (c) => c.json(deps.providers));

  app.get('/me', (c) => c.json({ user: publicUser(requireSession(c.get('actor')).user) }));
  return app;
}
