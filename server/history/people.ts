/**
 * Who did something, as history and review record it: the id and the name shown at the time.
 * A user is their user id; a guest who came through a share link is `share:<link id>` over REST
 * and `guest:<connection id>` over sync (made by `personIdOf` in server/access/policy.ts from the
 * typed principal); the server itself (shape repairs) has no id.
 */
import type { Access } from '../access/authorize.ts';
import { isGuestPersonId, personIdOf } from '../access/policy.ts';
import { actorOrigin, originOf, type ActorOrigin, type ActorSource } from '../sync/room.ts';
import type { Person, PersonKind } from '../../shared/history-types.ts';

export type { Person, PersonKind };

export const SERVER_PERSON: Person = { id: null, name: 'Boardroom', kind: 'server' };

/** The person behind a REST request. */
export function personOf(access: Access): Person {
  const { principal } = access;
  const id = personIdOf(principal);
  if (principal.kind === 'member' || principal.kind === 'token') return { id, name: principal.name, kind: 'user' };
  return { id, name: principal.link.label ? `Guest (${principal.link.label})` : 'Guest', kind: 'guest' };
}

/** A server transaction made for the REST caller, credited to them in the change log. */
export function actingOrigin(access: Access, source: ActorSource): ActorOrigin {
  const person = personOf(access);
  return actorOrigin({ userId: person.id ?? 'guest', name: person.name }, source);
}

/** Who made a document transaction, and how (sync, rest, restore, server). */
export function authorOfOrigin(transactionOrigin: unknown): { author: Person; source: string } {
  const origin = originOf(transactionOrigin);
  if (origin.kind === 'client') {
    const p = origin.connection.principal;
    const guest = p.who.kind === 'shareLinkGuest';
    return { author: { id: p.userId, name: p.name, kind: guest ? 'guest' : 'user' }, source: 'sync' };
  }
  if (origin.kind === 'actor') {
    const { userId, name } = origin.actor;
    const guest = isGuestPersonId(userId);
    return { author: { id: userId, name, kind: guest ? 'guest' : 'user' }, source: origin.source };
  }
  // The server's own changes (repairs); load and remote transactions are not logged as changes.
  return { author: SERVER_PERSON, source: 'server' };
}

/** The JSON form of a recorded person. */
export const personView = (id: string | null, name: string, kind?: string): Person => ({
  id,
  name,
  kind: (kind as PersonKind | undefined) ?? (id === null ? 'server' : isGuestPersonId(id) ? 'guest' : 'user'),
});
