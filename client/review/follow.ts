/**
 * Following, wired to the session: the state machine of `follow-state.ts` fed with live presence,
 * whom you follow published to awareness, and each move of the followed person turned into a
 * scroll request the form carries out.
 */
import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { ConfigSession } from '../session/config-session.ts';
import { rowPointer } from '../comments/thread-counts.ts';
import { followEventFor, followStep, IDLE, type FollowEvent, type FollowState, type FormEventFacts } from './follow-state.ts';
import type { PresenceControls } from './presence-controls.ts';
import { followCandidates, reviewPeople, type ReviewPerson } from './review-people.ts';

export interface ScrollRequest {
  path: string;
  /** Increments, so that the same field asked for again scrolls again. */
  serial: number;
}

export interface Follow {
  /** Everyone here, you included, with the field each is on. */
  people: Accessor<ReviewPerson[]>;
  state: Accessor<FollowState>;
  follow(userId: string): void;
  stop(): void;
  /** An event of yours in the form; ends following when it is an edit or Escape (`followEventFor`). */
  formEvent(event: FormEventFacts): void;
  scrollRequest: Accessor<ScrollRequest | null>;
  /** The form row of the field the followed person is on (top-level pointer), or null. */
  followedRow: Accessor<string | null>;
}

/** Call inside a reactive root (the review center's). */
export function createFollow(session: ConfigSession, presence: PresenceControls): Follow {
  const people = createMemo(() =>
    reviewPeople(session.participants(), (clientId) => session.awareness.getStates().get(clientId) as Record<string, unknown> | undefined),
  );
  const [state, setState] = createSignal<FollowState>(IDLE);
  const [scrollRequest, setScrollRequest] = createSignal<ScrollRequest | null>(null);
  let serial = 0;

  const dispatch = (event: FollowEvent): void => {
    const step = followStep(state(), event);
    if (step.state !== state()) setState(step.state);
    if (step.scrollTo) setScrollRequest({ path: step.scrollTo, serial: ++serial });
    presence.setFollowing(step.state.kind === 'following' ? step.state.userId : null);
  };

  createEffect(on(people, (list) => dispatch({ type: 'presence', people: followCandidates(list) }), { defer: true }));

  return {
    people,
    state,
    follow: (userId) => dispatch({ type: 'follow', userId, people: followCandidates(people()) }),
    stop: () => dispatch({ type: 'stop' }),
    formEvent(event) {
      if (state().kind !== 'following') return;
      const followEvent = followEventFor(event);
      if (followEvent) dispatch(followEvent);
    },
    scrollRequest,
    followedRow: () => {
      const current = state();
      return current.kind === 'following' && current.path ? rowPointer(current.path) : null;
    },
  };
}
