/**
 * Who an audit entry names as its actor, from the credentials of the request that made the
 * change: a signed-in person by account; a personal access token by its owner, with
 * `via: 'token brt_…'` (the token's public prefix, never its secret); a share-link guest by no
 * account and the label `share link <id>` (the link's id, never its token).
 */
import type { Access } from '../access/authorize.ts';
import type { Actor } from '../auth/actor.ts';
import type { AuditEntry } from './audit-log.ts';

export type AuditActor = Pick<AuditEntry, 'actorId' | 'actorLabel' | 'via'>;

/** `link`: the share link the request came through, when it has no account behind it. */
export function auditActor(actor: Actor, link?: { id: string } | null): AuditActor {
  if (actor.token) return { actorId: actor.token.user.id, via: `token ${actor.token.prefix}` };
  if (actor.session) return { actorId: actor.session.user.id };
  if (link) return { actorId: null, actorLabel: `share link ${link.id}` };
  // Routes that record a change have let the caller in; a caller with nothing is not one of them.
  return { actorId: null, actorLabel: 'unknown' };
}

/** The same, for a request `requireAction` let in. */
export function auditActorOf(actor: Actor, access: Pick<Access, 'principal'>): AuditActor {
  return auditActor(actor, access.principal.kind === 'shareLinkGuest' ? access.principal.link : null);
}
