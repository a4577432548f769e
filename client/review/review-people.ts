/**
 * The people in a configuration as the Review panel shows them: the field each is on, whether
 * they let others follow them, and whom they follow. Read from awareness, where each client
 * publishes `followable: false` when it does not want to be followed and `following: { userId }`
 * while it follows someone. Several tabs of one person are one entry. Plain TypeScript.
 */
import type { Participant } from '../session/presence.ts';
import type { FollowCandidate } from './follow-state.ts';

export interface ReviewPerson extends FollowCandidate {
  isLocal: boolean;
  tabs: number;
  /** The user id of the person they follow, or null. */
  following: string | null;
}

function followingOf(state: Record<string, unknown> | undefined): string | null {
  const following = state?.following as { userId?: unknown } | null | undefined;
  return following && typeof following.userId === 'string' ? following.userId : null;
}

/** `stateOf`: the raw awareness state of a client (for the fields presence.ts does not read). */
export function reviewPeople(participants: readonly Participant[], stateOf: (clientId: number) => Record<string, unknown> | undefined): ReviewPerson[] {
  const byUser = new Map<string, ReviewPerson>();
  for (const p of participants) {
    const state = stateOf(p.clientId);
    const followable = state?.followable !== false;
    const known = byUser.get(p.userId);
    if (!known) {
      byUser.set(p.userId, {
        userId: p.userId,
        name: p.name,
        color: p.color,
        path: p.focusPath,
        followable,
        isLocal: p.isLocal,
        tabs: 1,
        following: followingOf(state),
      });
      continue;
    }
    known.tabs += 1;
    known.isLocal ||= p.isLocal;
    known.path ??= p.focusPath;
    // One tab that asks not to be followed speaks for the person.
    known.followable &&= followable;
    known.following ??= followingOf(state);
  }
  return [...byUser.values()];
}

/** Everyone but you. */
export function followCandidates(people: readonly ReviewPerson[]): FollowCandidate[] {
  return people.filter((p) => !p.isLocal);
}
