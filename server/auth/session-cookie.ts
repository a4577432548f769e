/**
 * Signing someone in on this browser: a new session and its cookie, the same way for every sign-in
 * method (password sign-up and sign-in in `server/auth/routes.ts`, GitHub in
 * `server/auth/github-routes.ts`). HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site subrequests), Secure behind HTTPS, and living as long as the session.
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Accounts } from './accounts.ts';
import { SESSION_COOKIE } from './actor.ts';

/** Creates a session for `userId`, sets its cookie on the response, and gives its token (API
 * clients use it as a bearer). */
export async function issueSessionCookie(c: Context, deps: { accounts: Accounts; secureCookies: boolean }, userId: string): Promise<string> {
  const { token } = await deps.accounts.createSession(userId);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.secureCookies,
    path: '/',
    maxAge: Math.floor(deps.accounts.sessionTtlMs / 1000),
  });
  return token;
}

/** Removes the session cookie from this browser (the session itself is revoked by the caller). */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}
