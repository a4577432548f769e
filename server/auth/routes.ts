/**
 * `/api/auth`: sign-up, sign-in, sign-out and "who am I". Sessions are an HttpOnly SameSite cookie
 * for the browser and the same token as a bearer for API clients.
 */
import { Hono, type Context } from 'hono';
import { normalizeEmail, type Accounts, type User } from './accounts.ts';
import { colorFor, refuseToken, requireSession, type AppEnv } from './actor.ts';
import type { InstanceAdmins } from './instance-admins.ts';
import { clearSessionCookie, issueSessionCookie } from './session-cookie.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { HasherBusyError, type PasswordHasher } from './password-hasher.ts';
import { LOGIN_BODY, SIGNUP_BODY } from './api-spec.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { FixedWindowLimiter } from './rate-limit.ts';
import { addressKey } from '../request-trust/client-address.ts';
import { ApiError } from '../http-errors.ts';

export { MAX_EMAIL_LENGTH, MAX_USER_NAME_LENGTH } from './api-spec.ts';
/** What a turned-away sign-up is told: about the time the waiting queue takes to drain. */
const BUSY_RETRY_AFTER_S = 5;
/** A proof token is about 100 characters; anything much longer is not one. */
const MAX_PROOF_TOKEN_LENGTH = 200;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AuthRouteDeps {
  accounts: Accounts;
  /** Which optional sign-in methods this server offers (the sign-in page shows only those). */
  providers: { github: boolean };
  /** Set the cookie's Secure flag (behind HTTPS). */
  secureCookies: boolean;
  /** Resolves once this process's connections of the session are closed. */
  onSessionRevoked: (sessionId: string) => Promise<void>;
  /** Failed sign-ins per (email, address), growing delays (server/auth/login-throttle.ts). */
  throttle: LoginThrottle;
  /** scrypt behind a concurrency cap, sign-ins first (server/auth/password-hasher.ts). */
  hasher: PasswordHasher;
  /** Sign-ups allowed per client address and window. */
  signupLimit: { perAddress: number; windowMs: number };
  /** ADMIN_EMAILS and its proof links (instance-admins.ts). */
  admins: InstanceAdmins;
}

const publicUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, color: colorFor(u.id) });

export function authRoutes(deps: AuthRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const signups = new FixedWindowLimiter(deps.signupLimit.perAddress, deps.signupLimit.windowMs);
  const refuse = (c: Context, retryAfterS: number, what: string): never => {
    c.header('retry-after', String(retryAfterS));
    throw new ApiError(429, 'rate_limited', `too many ${what}; try again in ${retryAfterS} s`);
  };

  const startSession = async (c: Context, user: User, status: 200 | 201) => {
    const token = await issueSessionCookie(c, deps, user.id);
    return c.json({ user: publicUser(user), token }, status);
  };

  // Bodies are checked with the schemas the API description declares (auth/api-spec.ts).
  const readSignup = validatedBody<{ email: string; name: string; password: string }>(SIGNUP_BODY);
  const readLogin = validatedBody<{ email: string; password: string }>(LOGIN_BODY);

  // Sessions are made and ended by people, not scripts: a request carrying a personal access
  // token never signs up, signs in or out (security.md, "Personal access tokens").
  app.post('/signup', async (c) => {
    refuseToken(c.get('actor'));
    const body = await readSignup(c);
    const email = normalizeEmail(body.email);
    if (!EMAIL_RE.test(email)) {
      throw new ApiError(422, 'validation_failed', 'email is not an address', [{ path: '/email', message: 'expected name@domain', keyword: 'format' }]);
    }
    const name = body.name.trim();
    const password = body.password;
    // Counted before the hash: the hash is the cost a flood of sign-ups would make us pay.
    const address = addressKey(c.get('clientAddress'));
    const decision = signups.check(address);
    if (!decision.allowed) refuse(c, decision.retryAfterS, 'sign-ups from your address');
    signups.hit(address);
    const passwordHash = await deps.hasher.hash(password).catch((error: unknown) => {
      if (!(error instanceof HasherBusyError)) throw error;
      c.header('retry-after', String(BUSY_RETRY_AFTER_S));
      throw new ApiError(503, 'busy', error.message);
    });
    const user = await deps.accounts.createUser({ email, name, passwordHash });
    if (!user) throw new ApiError(409, 'email_taken', 'an account with this email exists; sign in instead');
    return startSession(c, user, 201);
  });

  app.post('/login', async (c) => {
    refuseToken(c.get('actor'));
    const body = await readLogin(c);
    const email = normalizeEmail(body.email);
    const password = body.password;
    const address = addressKey(c.get('clientAddress'));
    const decision = deps.throttle.check(email, address);
    if (!decision.allowed) refuse(c, decision.retryAfterS, 'failed sign-ins');
    const user = await deps.accounts.findByEmail(email);
    const ok = user?.passwordHash ? await deps.hasher.verify(password, user.passwordHash) : (await deps.hasher.dummyVerify(password), false);
    if (!user || !ok) {
      deps.throttle.failed(email, address);
      throw new ApiError(401, 'invalid_credentials', 'wrong email or password');
    }
    deps.throttle.succeeded(email, address);
    return startSession(c, user, 200);
  });

  app.post('/logout', async (c) => {
    // A token has no session to end; revoking it is the account page's (DELETE /api/tokens/:id).
    refuseToken(c.get('actor'));
    const session = c.get('actor').session;
    if (session) {
      await deps.accounts.revokeSession(session.id);
      await deps.onSessionRevoked(session.id);
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/providers', (c) => c.json(deps.providers));

  // Also for a personal access token: a script asks whose token it holds and what it may do
  // (`boardroom whoami`); nothing here is more than the token's own holder already knows.
  app.get('/me', (c) => {
    const { token } = c.get('actor');
    if (token) {
      return c.json({ user: publicUser(token.user), token: { id: token.id, scopes: token.scopes, configIds: token.configIds, expiresAt: token.expiresAt.toISOString() } });
    }
    return c.json({ user: publicUser(requireSession(c.get('actor')).user) });
  });

  // The proof link of an ADMIN_EMAILS address (instance-admins.ts). A GET, so it opens from a mail
  // or a log line; it changes only the standing of the signed-in account the link was made for,
  // and its token cannot be made without the secrets key, so another page linking here does nothing.
  app.get('/admin-proof', async (c) => {
    const session = requireSession(c.get('actor'));
    const token = c.req.query('token');
    if (!token || token.length > MAX_PROOF_TOKEN_LENGTH) throw new ApiError(400, 'bad_request', 'the link has no token; open the link exactly as sent');
    const outcome = await deps.admins.prove(session.user, token);
    if (outcome === 'invalid') {
      throw new ApiError(404, 'admin_proof_invalid', 'this link is unknown, expired, or for another account: sign in as the listed address and open its latest link');
    }
    if (outcome === 'not_listed') throw new ApiError(403, 'admin_not_listed', 'your address is not in ADMIN_EMAILS (any more)');
    return c.redirect('/', 303);
  });
  return app;
}
