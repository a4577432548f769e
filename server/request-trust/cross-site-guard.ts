/**
 * Cross-site request refusal for REST. A browser attaches the session cookie to requests any page
 * makes (SameSite=Lax still sends it from another port of the same host, and from top-level form
 * posts of some browsers), so a state-changing call authenticated by that cookie must prove it
 * came from one of our own pages:
 *
 * 1. Provenance: `Origin` (every current browser sends it on POST/PUT/PATCH/DELETE) must be an
 *    allowed origin; without it, `Sec-Fetch-Site` must say `same-origin`; without that, the
 *    `Referer`'s origin must be allowed. A cookie request carrying none of the three is refused:
 *    no browser we support sends such a request, and scripts should use a bearer token.
 * 2. `Content-Type: application/json`, even without a body: a page on another origin can only send
 *    `text/plain`, form or multipart bodies without a CORS preflight, which this server never
 *    answers, so this second check holds even if the first were fooled.
 *
 * Bearer-token and share-token calls are not cookie-authenticated and pass unchanged: a page on
 * another origin cannot read or attach those tokens.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../auth/actor.ts';
import { errorBody, isJsonContentType } from '../http-errors.ts';
import type { OriginPolicy } from './origin-policy.ts';
import { originOf } from './origin-policy.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Provenance = { ok: true } | { ok: false; why: string };

/** Where a cookie-carrying request says it came from, judged against `policy`. */
export function provenance(headers: { origin?: string | null; secFetchSite?: string | null; referer?: string | null }, policy: OriginPolicy): Provenance {
  if (headers.origin) {
    return policy.allows(headers.origin) ? { ok: true } : { ok: false, why: `origin ${headers.origin} is not allowed` };
  }
  if (headers.secFetchSite) {
    return headers.secFetchSite === 'same-origin' ? { ok: true } : { ok: false, why: `Sec-Fetch-Site is ${headers.secFetchSite}` };
  }
  if (headers.referer) {
    const origin = originOf(headers.referer);
    return origin && policy.allows(origin) ? { ok: true } : { ok: false, why: 'the referring page is on another origin' };
  }
  return { ok: false, why: 'the request does not say which page sent it (send Origin, or use a bearer token)' };
}

export function crossSiteGuard(policy: OriginPolicy): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method) || c.get('actor').via !== 'cookie') return next();
    const from = provenance({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site'), referer: c.req.header('referer') }, policy);
    if (!from.ok) return c.json(errorBody('cross_origin', `cross-site request refused: ${from.why}`), 403);
    if (!isJsonContentType(c.req.header('content-type'))) {
      return c.json(errorBody('unsupported_media_type', 'requests signed in with the session cookie must send Content-Type: application/json'), 415);
    }
    return next();
  };
}
