/**
 * The access policy: who is asking (`Principal`), what they hold on a configuration (`Grant`),
 * and whether that allows an action (`decide`). Pure: no database, no clock of its own; the
 * facts come from `authorize.ts` (a request) or `access-revalidation.ts` (live connections), so
 * admission, every REST route, the WebSocket and the live re-checks decide by the same rules
 * (architecture.md, "Access").
 */
import { CloseCode } from '../../shared/protocol.ts';
import { ACTIONS, can, PERSON_ONLY_ACTIONS, roleRank, type Action, type Role } from '../../shared/roles.ts';
import { SCOPE_OF_ACTION, type TokenScope } from '../../shared/token-scopes.ts';
import type { ShareLink } from '../auth/access-store.ts';
import type { Session } from '../auth/accounts.ts';

export type { Action, Role };

/** Who is asking, from the credentials they presented (resolved, never a prefixed string). */
export type Principal = MemberPrincipal | ShareLinkGuestPrincipal | TokenPrincipal | AnonymousPrincipal;

/** A signed-in account; `link` is a live link it also presented (the stronger role counts). */
export interface MemberPrincipal {
  kind: 'member';
  userId: string;
  name: string;
  /** An instance admin: owner of every configuration (ADMIN_POWERS in admin-powers.ts). */
  isAdmin: boolean;
  sessionId: string;
  /** Epoch ms when the session ends. */
  sessionExpiresAt: number;
  link: ShareLink | null;
}

/** Someone without an account, holding a share link. */
export interface ShareLinkGuestPrincipal {
  kind: 'shareLinkGuest';
  link: ShareLink;
  /** A WebSocket guest's made-up id (one per connection); absent over REST. */
  guestId: string | null;
  /** The name a guest chose (sanitized), absent over REST. */
  guestName: string | null;
}

/** A script with a personal access token (REST only). It acts as its owner, capped by the
 * owner's role, the token's scopes and its configuration restriction. Validity (revoked,
 * expired) was checked when the request presented it (server/tokens/token-store.ts). */
export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  userId: string;
  name: string;
  isAdmin: boolean;
  scopes: readonly TokenScope[];
  /** null: every configuration the owner can reach. */
  configIds: readonly string[] | null;
  /** Epoch ms. */
  expiresAt: number;
  link: null;
}

/** No usable credential. `presented`: a credential came but gives nothing (an unknown, expired or
 * revoked link): that is answered like "not yours" (404), never as "sign in" (401). */
export interface AnonymousPrincipal {
  kind: 'anonymous';
  presented: boolean;
}

export function memberPrincipal(session: Session, link: ShareLink | null): MemberPrincipal {
  const { user } = session;
  return { kind: 'member', userId: user.id, name: user.name, isAdmin: user.isAdmin, sessionId: session.id, sessionExpiresAt: session.expiresAt.getTime(), link };
}

/**
 * The id history, review and presence record for a principal: the user id for a member; for a
 * guest `guest:<id>` on a connection and `share:<link id>` over REST. These strings are stored
 * and sent to clients, so their format stays; this is the one place that makes them.
 */
export function personIdOf(principal: MemberPrincipal | ShareLinkGuestPrincipal | TokenPrincipal): string {
  // A token's work is its owner's: history and reviews credit the person.
  if (principal.kind === 'member' || principal.kind === 'token') return principal.userId;
  return principal.guestId ? `guest:${principal.guestId}` : `share:${principal.link.id}`;
}

/** Whether a stored person id names a guest (see `personIdOf`). */
export function isGuestPersonId(id: string): boolean {
  return id === 'guest' || id.startsWith('guest:') || id.startsWith('share:');
}

/** What the database says about a principal and one configuration, at one moment. */
export interface AccessFacts {
  /** The configuration is known to be gone (deleted or in the trash). A request cannot tell a
   * missing configuration from one it has no role on, and answers both alike. */
  configGone: boolean;
  /** Role through ownership, membership or being an admin (admins own every configuration). */
  memberRole: Role | null;
  /** The member's session as stored now; null when it no longer exists. */
  session: { expiresAt: number; revoked: boolean } | null;
  /** The presented link as stored now; null when it no longer exists. */
  link: { id: string; configId: string; role: Role; kind: string; expiresAt: number | null; revoked: boolean } | null;
}

export function linkFacts(link: ShareLink): NonNullable<AccessFacts['link']> {
  return { id: link.id, configId: link.configId, role: link.role, kind: link.kind, expiresAt: link.expiresAt?.getTime() ?? null, revoked: link.revokedAt !== null };
}

/** What a principal holds on a configuration now. */
export interface Grant {
  role: Role;
  /** The link that grants the role (stronger than the membership, or no membership at all):
   * revoking it ends the access. Null when the membership is at least as strong. */
  linkId: string | null;
  /** Epoch ms when this grant ends by itself: the earliest of the session's and, when the link
   * grants the role, the link's expiry. */
  expiresAt: number | undefined;
  /** A token's scopes: each action also needs its scope (shared/token-scopes.ts). Absent for
   * people and links, whose role alone decides. */
  scopes?: readonly TokenScope[];
}

/** Why an action is refused. Statuses and close codes for each are below, in one place. */
export type Denial =
  /** No credential at all. */
  | { reason: 'unauthenticated' }
  /** The configuration does not exist for this principal (missing, or no role on it). */
  | { reason: 'noAccess' }
  /** The configuration is deleted (known only to live re-checks). */
  | { reason: 'configGone' }
  /** The session that admitted a connection ended (signed out, revoked, expired). */
  | { reason: 'sessionEnded' }
  | { reason: 'roleTooLow'; role: Role; action: Action }
  /** A token without the scope the action needs (`scope` null: no scope grants it). */
  | { reason: 'tokenScope'; action: Action; scope: TokenScope | null }
  /** `editOwnComment` by someone other than the comment's author. */
  | { reason: 'notAuthor' }
  /** The role comes from a share link, and the action is for people only (`PERSON_ONLY_ACTIONS`). */
  | { reason: 'personOnly'; action: Action };

export type Decision = { ok: true; grant: Grant } | { ok: false; denial: Denial };
/** A grant, or why there is none. */
export type GrantResult = Decision;

/** Conditions an action needs beyond the role. */
export interface DecisionContext {
  /** `editOwnComment`: the stored author id of the comment, and the caller's person id. */
  comment?: { authorId: string | null; actorId: string };
}

const active = (link: NonNullable<AccessFacts['link']>, configId: string, now: number) =>
  !link.revoked && (link.expiresAt === null || link.expiresAt > now) && link.kind === 'live' && link.configId === configId;

/** The grant `facts` give `principal` on `configId` at `now`: the stronger of membership and link. */
export function grantFor(principal: Principal, configId: string, facts: AccessFacts, now: number): GrantResult {
  if (principal.kind === 'anonymous') return deny(principal.presented ? { reason: 'noAccess' } : { reason: 'unauthenticated' });
  if (facts.configGone) return deny({ reason: 'configGone' });
  if (principal.kind === 'token') {
    // Outside the token's restriction is answered like any configuration it has no role on.
    if (principal.configIds && !principal.configIds.includes(configId)) return deny({ reason: 'noAccess' });
    if (!facts.memberRole || principal.expiresAt <= now) return deny({ reason: 'noAccess' });
    return { ok: true, grant: { role: facts.memberRole, linkId: null, expiresAt: principal.expiresAt, scopes: principal.scopes } };
  }
  let memberRole: Role | null = null;
  let sessionExpiry: number | undefined;
  if (principal.kind === 'member') {
    const session = facts.session;
    if (!session || session.revoked || session.expiresAt <= now) return deny({ reason: 'sessionEnded' });
    sessionExpiry = session.expiresAt;
    memberRole = facts.memberRole;
  }
  const link = facts.link && active(facts.link, configId, now) ? facts.link : null;
  const viaLink = link && (!memberRole || roleRank(link.role) > roleRank(memberRole)) ? link : null;
  const role = viaLink ? viaLink.role : memberRole;
  if (!role) return deny({ reason: 'noAccess' });
  const expiries = [sessionExpiry, viaLink?.expiresAt ?? undefined].filter((t): t is number => t !== undefined);
  return { ok: true, grant: { role, linkId: viaLink?.id ?? null, expiresAt: expiries.length > 0 ? Math.min(...expiries) : undefined } };
}

/** Whether the grant's role (and a token's scopes) allow `action`: the tables alone, fast, for
 * every sync message. */
export function allows(grant: { role: Role; scopes?: readonly TokenScope[] } | null | undefined, action: Action): boolean {
  return can(grant?.role, action) && scopeAllows(grant?.scopes, action);
}

function scopeAllows(scopes: readonly TokenScope[] | undefined, action: Action): boolean {
  if (!scopes) return true;
  const needed = SCOPE_OF_ACTION[action];
  return needed !== null && scopes.includes(needed);
}

/** May the holder of `grant` do `action`? */
export function decide(grant: Grant, action: Action, context: DecisionContext = {}): Decision {
  if (!can(grant.role, action)) return deny({ reason: 'roleTooLow', role: grant.role, action });
  if (!scopeAllows(grant.scopes, action)) return deny({ reason: 'tokenScope', action, scope: SCOPE_OF_ACTION[action] });
  if (PERSON_ONLY_ACTIONS.has(action) && grant.linkId !== null) return deny({ reason: 'personOnly', action });
  if (action === 'editOwnComment') {
    const comment = context.comment;
    if (!comment || comment.authorId !== comment.actorId) return deny({ reason: 'notAuthor' });
  }
  return { ok: true, grant };
}

/** `grantFor` then `decide`: the whole decision for one principal, configuration and action. */
export function decideFor(principal: Principal, configId: string, action: Action, facts: AccessFacts, now: number, context?: DecisionContext): Decision {
  const granted = grantFor(principal, configId, facts, now);
  return granted.ok ? decide(granted.grant, action, context) : granted;
}

function deny(denial: Denial): { ok: false; denial: Denial } {
  return { ok: false, denial };
}

/** The REST answer to a denial. 404 for "not yours" is deliberate: the same answer as for an id
 * that does not exist, so ids are no oracle for what exists. */
export function denialResponse(denial: Denial): { status: 401 | 403 | 404; code: string; message: string; details?: unknown } {
  switch (denial.reason) {
    case 'unauthenticated':
      return { status: 401, code: 'unauthorized', message: 'sign in or use a share link' };
    case 'noAccess':
    case 'configGone':
    case 'sessionEnded':
      return { status: 404, code: 'not_found', message: 'unknown configuration' };
    case 'roleTooLow':
      return { status: 403, code: 'forbidden', message: `your role (${denial.role}) may not ${describe(denial.action)} this configuration` };
    case 'notAuthor':
      return { status: 403, code: 'forbidden', message: 'only its author may edit a comment' };
    case 'personOnly':
      return { status: 403, code: 'forbidden', message: `a share link may not ${describe(denial.action)} this configuration; sign in as a member` };
    case 'tokenScope':
      return denial.scope
        ? { status: 403, code: 'token_scope', message: `this token lacks the ${denial.scope} scope (needed to ${describe(denial.action)} this configuration)`, details: { missingScope: denial.scope, action: denial.action } }
        : { status: 403, code: 'token_scope', message: `no token may ${describe(denial.action)} a configuration; sign in to do that`, details: { missingScope: null, action: denial.action } };
  }
}

const describe = (action: Action): string => (action === 'editOwnComment' ? 'edit comments on' : action);

/** The close code for a WebSocket refused at the door: "no such configuration" and "not yours"
 * alike, as REST answers 404 for both. */
export function admissionClose(denial: Denial): { code: number; reason: string } {
  return denial.reason === 'unauthenticated' ? CloseCode.unauthorized : CloseCode.notFound;
}

/** The close code for a live connection whose access ended. A lower role is not a close: the
 * connection stays, its edits are dropped. */
export function liveClose(denial: Denial): { code: number; reason: string } {
  return denial.reason === 'configGone' ? CloseCode.notFound : CloseCode.accessRevoked;
}

/** Every action, for tables and tests. */
export const ALL_ACTIONS: readonly Action[] = ACTIONS;
