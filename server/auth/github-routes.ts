/**
 * Optional "Sign in with GitHub" (OAuth web flow). Enabled only when a client id and secret are
 * configured. The GitHub base URLs are settings so the flow can be exercised against a local
 * stand-in in tests (this machine has no route to github.com).
 *
 * A GitHub identity signs in to the account it is linked to, and nothing else. One not linked yet
 * makes a new account, unless its email belongs to an account already: then it is refused, never
 * linked by email (whoever signed up with an address first would otherwise share the account of
 * its real owner). Linking is the signed-in person's explicit act: `POST /api/auth/github/link`
 * starts the flow with its state bound to that session, and the callback links.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Accounts, User } from './accounts.ts';
import { refuseToken, requireSession, type AppEnv } from './actor.ts';
import { issueSessionCookie } from './session-cookie.ts';
import { ApiError } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { GITHUB_LINK_BODY } from './api-spec.ts';
import { safeNext } from '../../shared/safe-next.ts';

export interface GithubSettings {
  clientId: string;
  clientSecret: string;
  /** https://github.com unless testing. */
  oauthBase: string;
  /** https://api.github.com unless testing. */
  apiBase: string;
}

const STATE_COOKIE = 'br_oauth_state';
const NEXT_COOKIE = 'br_oauth_next';
/** Refusals the sign-in page explains (client/app/account-page.tsx); others answer JSON. */
export const BROWSER_ERROR_CODES = new Set(['oauth_state_mismatch', 'oauth_denied', 'github_no_email', 'github_email_taken', 'link_session_mismatch', 'github_already_linked']);
/** Present only for a linking flow: the id of the session that started it. */
const LINK_COOKIE = 'br_oauth_link';

/** The round trip through GitHub's consent page takes seconds; ten minutes is generous. */
const STATE_TTL_S = 600;
/** GitHub answers in well under a second; do not hold a sign-in open longer than this. */

/** Constant-time equality of two client-supplied strings. Compared as sha256 digests: equal
 * character counts can still be different byte counts (`ü`), and `timingSafeEqual` throws on
 * buffers of different lengths, which turned a crafted `state` into a 500. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
}

async function githubJson<T>(url: string, init: RequestInit, timeoutMs: number): Promise<T> {
  // A GitHub that does not answer is GitHub failing (502), not this server (500).
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new ApiError(502, 'github_failed', `GitHub did not answer within ${timeoutMs} ms`);
    throw error;
  });
  if (!res.ok) throw new ApiError(502, 'github_failed', `GitHub answered ${res.status}`);
  return (await res.json()) as T;
}

export function githubAuthRoutes(deps: {
  accounts: Accounts;
  settings: GithubSettings | null;
  publicUrl: () => string;
  secureCookies: boolean;
  /** One request to GitHub (`GITHUB_TIMEOUT_MS`, server/settings.ts). */
  timeoutMs: number;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const settings = (): GithubSettings => {
    if (!deps.settings) throw new ApiError(404, 'github_disabled', 'GitHub sign-in is not configured on this server');
    return deps.settings;
  };
  const callbackUrl = () => `${deps.publicUrl()}/api/auth/github/callback`;

  /** Sets the state (and where to return) for one round trip through GitHub; the URL to go to. */
  const begin = (c: Context, next: string, linkSession: string | null): string => {
    const s = settings();
    const state = randomBytes(24).toString('base64url');
    const cookie = { httpOnly: true, sameSite: 'Lax' as const, secure: deps.secureCookies, path: '/api/auth/github', maxAge: STATE_TTL_S };
    setCookie(c, STATE_COOKIE, state, cookie);
    setCookie(c, NEXT_COOKIE, safeNext(next), cookie);
    if (linkSession) setCookie(c, LINK_COOKIE, linkSession, cookie);
    else deleteCookie(c, LINK_COOKIE, { path: '/api/auth/github' });
    const url = new URL('/login/oauth/authorize', s.oauthBase);
    url.search = new URLSearchParams({ client_id: s.clientId, redirect_uri: callbackUrl(), state, scope: 'read:user user:email' }).toString();
    return url.toString();
  };

  // Signing in is for people: a request with a personal access token never starts or finishes it
  // (after the "not configured" answer, which is the same for everyone).
  app.get('/', (c) => {
    settings();
    refuseToken(c.get('actor'));
    return c.redirect(begin(c, c.req.query('next') ?? '/', null), 302);
  });

  const readLink = validatedBody<{ next?: string }>(GITHUB_LINK_BODY, { optional: true });
  /** Link GitHub to the signed-in account: a POST (a link or image elsewhere cannot start it),
   * answered with the URL to send the browser to. */
  app.post('/link', async (c) => {
    const session = requireSession(c.get('actor'));
    const body = await readLink(c);
    return c.json({ url: begin(c, body.next ?? '/', session.id) });
  });

  // A browser coming back from GitHub gets a page, not JSON: refusals send it to the sign-in page
  // with the error's code (a code, never text from the URL, so nobody can put words on our page).
  app.get('/callback', async (c) => {
    try {
      return await callback(c);
    } catch (error) {
      const browser = (c.req.header('accept') ?? '').includes('text/html');
      if (browser && error instanceof ApiError && BROWSER_ERROR_CODES.has(error.code)) {
        return c.redirect(`/login?error=${encodeURIComponent(error.code)}`, 302);
      }
      throw error;
    }
  });

  const callback = async (c: Context<AppEnv>) => {
    const s = settings();
    refuseToken(c.get('actor'));
    const expected = getCookie(c, STATE_COOKIE) ?? '';
    const state = c.req.query('state') ?? '';
    const next = safeNext(getCookie(c, NEXT_COOKIE));
    const linkSession = getCookie(c, LINK_COOKIE) ?? null;
    for (const name of [STATE_COOKIE, NEXT_COOKIE, LINK_COOKIE]) deleteCookie(c, name, { path: '/api/auth/github' });
    if (!expected || !sameSecret(expected, state)) {
      throw new ApiError(400, 'oauth_state_mismatch', 'sign-in link expired or was not started here; try again');
    }
    const code = c.req.query('code');
    if (!code) throw new ApiError(400, 'oauth_denied', 'GitHub did not grant access');
    const token = await githubJson<{ access_token?: string }>(new URL('/login/oauth/access_token', s.oauthBase).toString(), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: s.clientId, client_secret: s.clientSecret, code, redirect_uri: callbackUrl() }),
    }, deps.timeoutMs);
    if (!token.access_token) throw new ApiError(502, 'github_failed', 'GitHub gave no access token');
    const auth = { headers: { authorization: `Bearer ${token.access_token}`, accept: 'application/vnd.github+json' } };
    const profile = await githubJson<GithubUser>(new URL('/user', s.apiBase).toString(), auth, deps.timeoutMs);
    if (linkSession) {
      // Linking: only into the very session that asked for it, still signed in.
      const session = c.get('actor').session;
      if (!session || session.id !== linkSession) {
        throw new ApiError(400, 'link_session_mismatch', 'linking was started by another sign-in; sign in and start linking again from your account');
      }
      if ((await deps.accounts.linkGithub(session.user.id, String(profile.id))) === 'taken') {
        throw new ApiError(409, 'github_already_linked', 'this GitHub account is already linked to another Boardroom account');
      }
      return c.redirect(next, 302);
    }
    const user = await findOrCreate(deps.accounts, s, profile, auth, deps.timeoutMs);
    await issueSessionCookie(c, deps, user.id);
    return c.redirect(next, 302);
  };
  return app;
}

const emailTaken = () =>
  new ApiError(
    409,
    'github_email_taken',
    'An account with the email of this GitHub account already exists. Sign in to it (with its password) and link GitHub from your account menu.',
  );

async function findOrCreate(accounts: Accounts, s: GithubSettings, profile: GithubUser, auth: RequestInit, timeoutMs: number): Promise<User> {
  const githubId = String(profile.id);
  const known = await accounts.findByGithubId(githubId);
  if (known) return known;
  const emails = await githubJson<Array<{ email: string; primary: boolean; verified: boolean }>>(new URL('/user/emails', s.apiBase).toString(), auth, timeoutMs);
  const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
  if (!primary) throw new ApiError(403, 'github_no_email', 'your GitHub account has no verified email');
  // Never link by email: whoever registered the address first may not own it.
  if (await accounts.findByEmail(primary.email)) throw emailTaken();
  const created = await accounts.createUser({ email: primary.email, name: profile.name || profile.login, passwordHash: null, githubId });
  if (!created) throw emailTaken();
  return created;
}
