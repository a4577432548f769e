/**
 * Who may open `GET /sync/:configId` (or another document of it, `/sync/:configId/:docName`: the
 * same decision, access is the configuration's), with which role and which stamped identity. Works on the raw
 * upgrade request (no framework objects are kept alive per connection).
 */
import { randomUUID } from 'node:crypto';
import { CloseCode } from '../../shared/protocol.ts';
import type { AuthorizeSync } from '../ws-transport.ts';
import type { AccessStore } from './access-store.ts';
import type { Accounts } from './accounts.ts';
import type { OriginPolicy } from '../request-trust/origin-policy.ts';
import { isAccessTokenText } from '../tokens/token-secret.ts';
import { authorize, principalOf } from '../access/authorize.ts';
import { runInRequest } from '../request-context.ts';
import { admissionClose, personIdOf, type Grant, type MemberPrincipal, type ShareLinkGuestPrincipal } from '../access/policy.ts';
import type { ConnectionPrincipal } from '../sync/connection.ts';
import { actorFrom, colorFor, cookieValue, sanitizeGuestName, SESSION_COOKIE, sessionCredential, type Credentials } from './actor.ts';

export interface SyncAuthorizerDeps {
  access: AccessStore;
  accounts: Accounts;
  /** Origins whose pages may open a socket with the session cookie. */
  originPolicy?: OriginPolicy;
}

/** The close for a personal access token on the sync endpoint: 4401 (what the stock provider
 * treats as "no credential"), with a reason that says why. */
export const TOKEN_REFUSED = { code: CloseCode.unauthorized.code, reason: 'personal access tokens are for the REST API; sign in to sync' };

export function createSyncAuthorizer(deps: SyncAuthorizerDeps): AuthorizeSync {
  const colors = memberColors();
  return async (request) => {
    const { url, headers, configId } = request;
    const credentials: Credentials = {
      authorization: headers.authorization,
      cookie: cookieValue(headers.cookie, SESSION_COOKIE),
      token: url.searchParams.get('token'),
      share: url.searchParams.get('share') ?? (headers['x-share-token'] as string | undefined),
    };
    // Browsers send Origin on every WebSocket handshake and attach the cookie whatever page opens
    // the socket; a socket the cookie would sign in must come from one of our pages. Clients
    // without an Origin (scripts, the stock provider in Node) are not browsers acting for
    // someone else, and a bearer or share token cannot be attached by another page.
    const origin = headers.origin;
    if (deps.originPolicy && origin && sessionCredential(credentials)?.via === 'cookie' && !deps.originPolicy.allows(origin)) {
      return { ok: false, close: CloseCode.crossOrigin };
    }
    // Personal access tokens are for REST: a socket outlives the per-request check that makes a
    // revoke or an expiry take effect at once, and `?token=` lands in proxy logs.
    const presented = sessionCredential(credentials);
    if (presented && isAccessTokenText(presented.token)) return { ok: false, close: TOKEN_REFUSED };
    const actor = await actorFrom(credentials, deps.accounts);
    // Only a link guest (no session) gets a made-up id and a chosen name.
    const guest = actor.session ? undefined : { id: randomUUID(), name: sanitizeGuestName(url.searchParams.get('name') ?? undefined) };
    const who = await principalOf(deps, actor, guest);
    // An admin's power is logged here, once per socket: never per message (admin-powers.ts).
    const decision = await runInRequest({ reqId: null, route: `WS ${url.pathname}` }, () => authorize(deps, who, configId, 'read'));
    // "No such configuration" and "not yours" get the same close code, as REST answers 404 for
    // both: a different answer would tell a stranger which configuration ids exist.
    if (!decision.ok) return { ok: false, close: admissionClose(decision.denial) };
    const admitted = who as MemberPrincipal | ShareLinkGuestPrincipal;
    if (decision.grant.linkId && admitted.link) await deps.access.recordShareUse(admitted.link, true);
    const principal = connectionPrincipal(admitted, decision.grant, colors);
    return { ok: true, principal };
  };
}

/** Members' presence colours remembered past this many people start over (bounding memory). */
const MEMBER_COLORS_MAX = 10_000;

/** A member's colour (a hash of the id) worked out once per person rather than once per socket:
 * a storm of sockets is a few people with many tabs each. Guests' ids are new on every socket,
 * so they are never kept. */
function memberColors(): (who: MemberPrincipal | ShareLinkGuestPrincipal, userId: string) => string {
  const known = new Map<string, string>();
  return (who, userId) => {
    if (who.kind !== 'member') return colorFor(userId);
    let color = known.get(userId);
    if (color === undefined) {
      if (known.size >= MEMBER_COLORS_MAX) known.clear();
      known.set(userId, (color = colorFor(userId)));
    }
    return color;
  };
}

/** The identity stamped on presence and the change log, with the grant it was admitted with. */
export function connectionPrincipal(
  who: MemberPrincipal | ShareLinkGuestPrincipal,
  grant: Grant,
  colorOf: (who: MemberPrincipal | ShareLinkGuestPrincipal, userId: string) => string = (_who, userId) => colorFor(userId),
): ConnectionPrincipal {
  const userId = personIdOf(who);
  const name = who.kind === 'member' ? who.name : `${who.guestName ?? 'Guest'} (guest)`;
  return { who, userId, name, color: colorOf(who, userId), role: grant.role, linkId: grant.linkId, expiresAt: grant.expiresAt };
}
