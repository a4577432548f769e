/**
 * `authorize(principal, configId, action)`: the policy (`policy.ts`) fed with what Postgres says
 * now. Every REST route and the WebSocket admission ask here; live connections are re-decided by
 * the same `grantFor`/`decide` in `auth/access-revalidation.ts`.
 */
import type { AccessStore, ShareLink } from '../auth/access-store.ts';
import type { Actor } from '../auth/actor.ts';
import type { Session } from '../auth/accounts.ts';
import { ApiError } from '../http-errors.ts';
import { requestOf } from '../request-context.ts';
import {
  decide,
  decideFor,
  denialResponse,
  linkFacts,
  memberPrincipal,
  personIdOf,
  type AccessFacts,
  type Action,
  type Decision,
  type DecisionContext,
  type Denial,
  type Grant,
  type MemberPrincipal,
  type Principal,
  type Role,
  type ShareLinkGuestPrincipal,
  type TokenPrincipal,
} from './policy.ts';

export interface AuthorizeDeps {
  access: AccessStore;
}

/** An allowed request: who, what they hold, and (for code that records people) session and link. */
export interface Access {
  principal: MemberPrincipal | ShareLinkGuestPrincipal | TokenPrincipal;
  grant: Grant;
  role: Role;
  session: Session | null;
  /** The link that grants the role, when it is a link (see `Grant.linkId`). */
  share: ShareLink | null;
}

/** Who the credentials of a request name. A share token is resolved here, once per request. */
export async function principalOf(deps: AuthorizeDeps, actor: Actor, guest?: { id: string; name: string }): Promise<Principal> {
  if (actor.token) return tokenPrincipal(actor);
  const link = actor.shareToken ? await deps.access.resolveShare(actor.shareToken) : null;
  if (actor.session) return memberPrincipal(actor.session, link);
  if (link) return { kind: 'shareLinkGuest', link, guestId: guest?.id ?? null, guestName: guest?.name ?? null };
  return { kind: 'anonymous', presented: actor.shareToken !== null };
}

function tokenPrincipal(actor: Actor): TokenPrincipal {
  const { id, user, scopes, configIds, expiresAt } = actor.token!;
  return { kind: 'token', tokenId: id, userId: user.id, name: user.name, isAdmin: user.isAdmin, scopes, configIds, expiresAt: expiresAt.getTime(), link: null };
}

/** What Postgres says about `principal` on `configId` (the member's role; the link and session
 * were read when the principal was resolved). */
async function factsFor(deps: AuthorizeDeps, principal: Principal, configId: string): Promise<AccessFacts> {
  const link = principal.kind === 'anonymous' ? null : principal.link;
  return {
    configGone: false,
    memberRole:
      principal.kind === 'member' || principal.kind === 'token' ? await deps.access.memberRole(configId, { id: principal.userId, isAdmin: principal.isAdmin }) : null,
    session: principal.kind === 'member' ? { expiresAt: principal.sessionExpiresAt, revoked: false } : null,
    link: link ? linkFacts(link) : null,
  };
}

/** May `principal` do `action` on `configId` now? An instance admin let in only by being admin
 * (ADMIN_POWERS.ownEveryConfiguration) is logged: their own role, as owner or member, is decided
 * too, and when it would not allow the action the use of the power is recorded. */
export async function authorize(deps: AuthorizeDeps, principal: Principal, configId: string, action: Action, context?: DecisionContext): Promise<Decision> {
  const now = Date.now();
  const facts = await factsFor(deps, principal, configId);
  const decision = decideFor(principal, configId, action, facts, now, context);
  if (decision.ok && (principal.kind === 'member' || principal.kind === 'token') && principal.isAdmin) {
    const own = await factsFor(deps, { ...principal, isAdmin: false }, configId);
    if (!decideFor({ ...principal, isAdmin: false }, configId, action, own, now, context).ok) {
      deps.access.adminPowerUsed({ power: 'ownEveryConfiguration', adminId: principal.userId, configId, action, ...requestOf() });
    }
  }
  return decision;
}

export function denialError(denial: Denial): ApiError {
  const { status, code, message, details } = denialResponse(denial);
  return new ApiError(status, code, message, details);
}

function accessOf(principal: MemberPrincipal | ShareLinkGuestPrincipal | TokenPrincipal, grant: Grant, session: Session | null): Access {
  const link = principal.link;
  return { principal, grant, role: grant.role, session, share: link && grant.linkId === link.id ? link : null };
}

/** The caller's access to `configId` for `action`, or the ApiError the policy maps the denial to
 * (401 no credential, 404 not theirs or no such configuration, 403 role too low). */
export async function requireAction(deps: AuthorizeDeps, actor: Actor, configId: string, action: Action, context?: DecisionContext): Promise<Access> {
  const principal = await principalOf(deps, actor);
  const decision = await authorize(deps, principal, configId, action, context);
  if (!decision.ok) throw denialError(decision.denial);
  return accessOf(principal as MemberPrincipal | ShareLinkGuestPrincipal | TokenPrincipal, decision.grant, actor.session);
}

/** A further action by a caller already let in (e.g. `editOwnComment` once the comment is
 * known); throws the mapped ApiError. */
export function requireAlso(access: Access, action: Action, context?: DecisionContext): void {
  const decision = decide(access.grant, action, context);
  if (!decision.ok) throw denialError(decision.denial);
}

/** The person id a REST caller is recorded under (history, comments, reviews). */
export const actorIdOf = (access: Access): string => personIdOf(access.principal);

/** The account an allowed request acts for (a member, or a token's owner); null for a guest. */
export const accountIdOf = (access: Access): string | null => (access.principal.kind === 'shareLinkGuest' ? null : access.principal.userId);
