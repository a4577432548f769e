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
import type { Accounts, Session } from './accounts.ts';
import { plausibleToken } from './tokens.ts';

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
  const session = credential && plausibleToken(credential.token) ? await accounts.sessionFor(credential.token) : null;
  return { session, shareToken: plausibleToken(creds.share) ? creds.share : null, via: session ? credential!.via : null };
}

export function bearerToken(c: Context): string | null {
  return bearerOf({ authorization: c.req.header('authorization'), token: c.req.query('token'), cookie: getCookie(c, SESSION_COOKIE) });
}

export function resolveActor(c: Context, accounts: Accounts): Promise<Actor> {
  return actorFrom(
    {
      authorization: c.req.header('authorization'),
      cookie: getCookie(c, SESSION_COOKIE),
      token: c.req.query('token'),
      share: c.req.query('share') ?? c.req.header('x-share-token'),
    },
    accounts,
  );
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

export function requireSession(actor: Actor): Session {
  if (!actor.session) throw new ApiError(401, 'unauthorized', 'sign in first');
  return actor.session;
}

export function sanitizeGuestName(raw: string | undefined): string {
  const cleaned = (raw ?? '').replace(/[\u0000-\u001f\u007f<>]/g, '').trim().slice(0, MAX_GUEST_NAME_LENGTH);
  return cleaned || 'Guest';
}
