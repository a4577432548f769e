/**
 * Who is calling, from whatever credential came with the request: the session cookie, a bearer
 * token (`Authorization: Bearer`, or `?token=` on the WebSocket), and/or a share token
 * (`?share=` or the `X-Share-Token` header). What they may do is the access policy's
 * (`server/access/`).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../http-errors.ts';
import { decodeComponent } from '../input-decode.ts';
import type { Accounts, Session, User } from './accounts.ts';
import type { TokenScope } from '../../shared/token-scopes.ts';
import { plausibleToken } from './tokens.ts';
import { isAccessTokenText } from '../tokens/token-secret.ts';
import type { ResolvedToken, TokenStore } from '../tokens/token-store.ts';

export const SESSION_COOKIE = 'br_session';
/** Guest names are shown to everyone; keep them short and printable. */
export const MAX_GUEST_NAME_LENGTH = 40;

/** Presence colours: distinguishable on light and dark backgrounds. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6', '#9a6324', '#800000', '#469990', '#000075', '#bf7f00'];

export function colorFor(id: string): string {
  const n = createHash('sha1').update(id).digest()[0];
  return PALETTE[n % PALETTE.length];
}

export interface Actor {
  session: Session | null;
  shareToken: string | null;
  /** Which credential the session came from: a cookie is sent by the browser to whatever page
   * asks, so cookie-authenticated writes must prove where they came from (request-trust/). */
  via: SessionSource | null;
  /** A personal access token (`Authorization: Bearer brt_…`, REST only), valid now. It excludes
   * a session and a share token: a script acts as the token and nothing else. */
  token: ResolvedToken | null;
}

export type SessionSource = 'authorization' | 'token' | 'cookie';

/** `clientAddress`: the caller's address as `TRUST_PROXY` allows us to believe it. */
export type AppEnv = { Variables: { actor: Actor; clientAddress: string } };

/** The credentials a request carries, whatever the transport (Hono request or raw upgrade). */
export interface Credentials {
  authorization?: string | null;
  /** Value of the session cookie. */
  cookie?: string | null;
  /** `?token=` */
  token?: string | null;
  /** `?share=` or `X-Share-Token` */
  share?: string | null;
}

/** The session credential a request offers, in order of precedence, and where it came from. */
export function sessionCredential(creds: Credentials): { token: string; via: SessionSource } | null {
  if (creds.authorization?.startsWith('Bearer ')) return { token: creds.authorization.slice(7).trim(), via: 'authorization' };
  if (creds.token) return { token: creds.token, via: 'token' };
  if (creds.cookie) return { token: creds.cookie, via: 'cookie' };
  return null;
}

export function bearerOf(creds: Credentials): string | null {
  return sessionCredential(creds)?.token ?? null;
}

export async function actorFrom(creds: Credentials, accounts: Accounts): Promise<Actor> {
  const credential = sessionCredential(creds);
  const session = credential && !isAccessTokenText(credential.token) && plausibleToken(credential.token) ? await accounts.sessionFor(credential.token) : null;
  return { session, shareToken: plausibleToken(creds.share) ? creds.share : null, via: session ? credential!.via : null, token: null };
}

const TOKEN_REFUSALS = {
  token_invalid: 'the access token is not valid',
  token_expired: 'the access token has expired; make a new one on your account page',
  token_revoked: 'the access token was revoked',
} as const;

/** Resolves a personal access token presented as `Authorization: Bearer brt_…`; 401 with
 * `token_invalid` / `token_expired` / `token_revoked` when it gives nothing. A token anywhere
 * else (`?token=`, a cookie) is refused: URLs end up in proxy logs and browser history. */
async function tokenActor(c: Context, creds: Credentials, tokens: TokenStore, address: string | null): Promise<Actor | null> {
  const credential = sessionCredential(creds);
  if (!credential || !isAccessTokenText(credential.token)) return null;
  if (credential.via !== 'authorization') throw new ApiError(401, 'token_invalid', 'send personal access tokens as Authorization: Bearer <token>');
  const resolved = await tokens.resolve(credential.token, address);
  if (!resolved.ok) {
    c.header('www-authenticate', `Bearer error="invalid_token"`);
    throw new ApiError(401, resolved.code, TOKEN_REFUSALS[resolved.code]);
  }
  return { session: null, shareToken: null, via: null, token: resolved.token };
}

export function bearerToken(c: Context): string | null {
  return bearerOf({ authorization: c.req.header('authorization'), token: c.req.query('token'), cookie: getCookie(c, SESSION_COOKIE) });
}

/** Who is calling a REST route. With `tokens`, personal access tokens are resolved too (under
 * `/api` only; the sync endpoint refuses them in sync-authorizer.ts). */
export async function resolveActor(c: Context, accounts: Accounts, tokens?: { store: TokenStore; address: string | null }): Promise<Actor> {
  const creds: Credentials = {
    authorization: c.req.header('authorization'),
    cookie: getCookie(c, SESSION_COOKIE),
    token: c.req.query('token'),
    share: c.req.query('share') ?? c.req.header('x-share-token'),
  };
  return (tokens && (await tokenActor(c, creds, tokens.store, tokens.address))) || actorFrom(creds, accounts);
}

/** Reads one cookie from a raw Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    // A malformed escape is no credential at all (and never a thrown URIError on the upgrade path).
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Account routes (tokens, sign-out, invitations, the layout…) are a signed-in person's: a
 * personal access token never reaches them (403 `token_not_allowed`). */
export function requireSession(actor: Actor): Session {
  refuseToken(actor);
  if (!actor.session) throw new ApiError(401, 'unauthorized', 'sign in first');
  return actor.session;
}

/** 403 `token_not_allowed` for a request made with a personal access token. */
export function refuseToken(actor: Actor): void {
  if (actor.token) throw new ApiError(403, 'token_not_allowed', 'personal access tokens cannot use this route; sign in');
}

/**
 * The account a route that is not about one configuration acts for (the configuration list,
 * creating and importing): a signed-in person, or a token's owner when the token holds `scope`.
 * `unrestricted`: a token limited to some configurations may not make new ones. `configIds` is
 * the token's restriction (null: none), for lists to filter by.
 */
export function requireAccount(actor: Actor, scope: TokenScope, options: { unrestricted?: boolean } = {}): { user: User; configIds: readonly string[] | null } {
  const token = actor.token;
  if (!token) return { user: requireSession(actor).user, configIds: null };
  if (!token.scopes.includes(scope)) {
    throw new ApiError(403, 'token_scope', `this token lacks the ${scope} scope`, { missingScope: scope });
  }
  if (options.unrestricted && token.configIds) throw new ApiError(403, 'token_scope', 'a token restricted to some configurations cannot create new ones', { missingScope: null });
  return { user: token.user, configIds: token.configIds };
}

/** The account a request acts for: the session's user or the token's owner (null for guests). */
export function actorUserId(actor: Actor): string | null {
  return actor.session?.user.id ?? actor.token?.user.id ?? null;
}

export function sanitizeGuestName(raw: string | undefined): string {
  const cleaned = (raw ?? '').replace(/[\u0000-\u001f\u007f<>]/g, '').trim().slice(0, MAX_GUEST_NAME_LENGTH);
  return cleaned || 'Guest';
}
