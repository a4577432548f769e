/**
 * Following someone through the form (client/review/follow-state.ts and review-people.ts): the
 * follower's form is asked to scroll to each new field of the followed person, and following ends
 * when the follower acts, stops, or the followed person leaves, hides or turns following off.
 */
import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createPresenceControls } from '../client/review/presence-controls.ts';
import { endedWords, followEventFor, followStep, IDLE, type FollowCandidate, type FollowState, type FormEventFacts } from '../client/review/follow-state.ts';
import { followCandidates, reviewPeople } from '../client/review/review-people.ts';
import type { Participant } from '../client/session/presence.ts';

const ada = (path: string | null, followable = true): FollowCandidate => ({ userId: 'u-ada', name: 'Ada', color: '#c2255c', path, followable });
const bob: FollowCandidate = { userId: 'u-bob', name: 'Bob', color: '#2b8a3e', path: '/VENDOR', followable: true };

function follow(people: FollowCandidate[]): FollowState {
  return followStep(IDLE, { type: 'follow', userId: 'u-ada', people }).state;
}

describe('following someone', () => {
  it('scrolls to the field the followed person is on, and to every field they move to', () => {
    const start = followStep(IDLE, { type: 'follow', userId: 'u-ada', people: [ada('/BOARD'), bob] });
    expect(start.state).toMatchObject({ kind: 'following', userId: 'u-ada', path: '/BOARD' });
    expect(start.scrollTo).toBe('/BOARD');

    const moved = followStep(start.state, { type: 'presence', people: [ada('/RELEASE'), bob] });
    expect(moved.scrollTo).toBe('/RELEASE');
    const listItem = followStep(moved.state, { type: 'presence', people: [ada('/extraPackages/2'), bob] });
    expect(listItem.scrollTo).toBe('/extraPackages/2');
  });

  it('does not scroll again when someone else moves, or when they leave the form for a moment', () => {
    const state = follow([ada('/BOARD'), bob]);
    const otherMoved = followStep(state, { type: 'presence', people: [ada('/BOARD'), { ...bob, path: '/timezone' }] });
    expect(otherMoved.state).toBe(state);
    expect(otherMoved.scrollTo).toBeUndefined();
    const away = followStep(state, { type: 'presence', people: [ada(null), bob] });
    expect(away.state).toMatchObject({ kind: 'following', path: null });
    expect(away.scrollTo).toBeUndefined();
    // Back on the same field: it is a move again (the follower may have scrolled away).
    expect(followStep(away.state, { type: 'presence', people: [ada('/BOARD'), bob] }).scrollTo).toBe('/BOARD');
  });

  it('ends when you act in the form yourself, and says so', () => {
    const step = followStep(follow([ada('/BOARD')]), { type: 'local-action' });
    expect(step.state).toEqual({ kind: 'idle', ended: { name: 'Ada', reason: 'you-acted' } });
    expect(endedWords((step.state as { ended: { name: string; reason: 'you-acted' } }).ended)).toBe('Stopped following Ada: you took over.');
    // Acting while not following changes nothing.
    expect(followStep(IDLE, { type: 'local-action' }).state).toBe(IDLE);
  });

  it('keeps following while you focus, click and move around the form; an edit or Escape ends it', () => {
    const state = follow([ada('/BOARD')]);
    const run = (event: FormEventFacts) => {
      const followEvent = followEventFor(event);
      return followEvent ? followStep(state, followEvent).state : state;
    };
    const looking: FormEventFacts[] = [
      { type: 'focusin', isTrusted: true, defaultPrevented: false },
      { type: 'pointerdown', isTrusted: true, defaultPrevented: false },
      ...['Tab', 'ArrowDown', 'ArrowLeft', 'Home', 'Shift', 'F10'].map((key) => ({ type: 'keydown', key, isTrusted: true, defaultPrevented: false })),
      // Escape that closed the board list was the list's, not a wish to stop following.
      { type: 'keydown', key: 'Escape', isTrusted: true, defaultPrevented: true },
      // A script's input event is not your hand.
      { type: 'input', isTrusted: false, defaultPrevented: false },
    ];
    for (const event of looking) expect(run(event), JSON.stringify(event)).toBe(state);

    expect(run({ type: 'input', isTrusted: true, defaultPrevented: false })).toEqual({ kind: 'idle', ended: { name: 'Ada', reason: 'you-acted' } });
    expect(run({ type: 'keydown', key: 'Escape', isTrusted: true, defaultPrevented: false })).toEqual({ kind: 'idle', ended: { name: 'Ada', reason: 'stopped' } });
  });

  it('ends when the followed person leaves or hides, or turns off being followed', () => {
    const state = follow([ada('/BOARD'), bob]);
    expect(followStep(state, { type: 'presence', people: [bob] }).state).toEqual({ kind: 'idle', ended: { name: 'Ada', reason: 'left' } });
    expect(followStep(state, { type: 'presence', people: [ada('/BOARD', false), bob] }).state).toEqual({
      kind: 'idle',
      ended: { name: 'Ada', reason: 'not-followable' },
    });
  });

  it('refuses to start following someone who turned it off, or who is gone', () => {
    expect(follow([ada('/BOARD', false)])).toEqual({ kind: 'idle', ended: { name: 'Ada', reason: 'not-followable' } });
    expect(follow([bob]).kind).toBe('idle');
  });

  it('switches to another person when you follow them instead', () => {
    const state = follow([ada('/BOARD'), bob]);
    const next = followStep(state, { type: 'follow', userId: 'u-bob', people: [ada('/BOARD'), bob] });
    expect(next.state).toMatchObject({ kind: 'following', userId: 'u-bob' });
    expect(next.scrollTo).toBe('/VENDOR');
  });
});

describe('people one can follow, from awareness', () => {
  const participant = (clientId: number, userId: string, name: string, focusPath: string | null, isLocal = false): Participant => ({
    clientId,
    userId,
    name,
    color: '#1971c2',
    focusPath,
    inNotes: false,
    isLocal,
  });

  it('merges the tabs of one person: a field from any tab, not followable if any tab says so', () => {
    const states: Record<number, Record<string, unknown>> = {
      1: {},
      2: { followable: true },
      3: { followable: false, following: { userId: 'u-me' } },
    };
    const people = reviewPeople(
      [participant(1, 'u-me', 'Me', null, true), participant(2, 'u-ada', 'Ada', null), participant(3, 'u-ada', 'Ada', '/BOARD')],
      (id) => states[id],
    );
    expect(people).toEqual([
      expect.objectContaining({ userId: 'u-me', isLocal: true, followable: true, tabs: 1, following: null }),
      expect.objectContaining({ userId: 'u-ada', path: '/BOARD', followable: false, tabs: 2, following: 'u-me' }),
    ]);
    expect(followCandidates(people).map((p) => p.userId)).toEqual(['u-ada']);
  });
});

describe('what you show of yourself', () => {
  it('clears your presence while hidden and brings it back, without the field you were on', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({ user: { name: 'Me', color: '#1971c2' }, focus: { path: '/BOARD' } });
    const controls = createPresenceControls(awareness);
    controls.setFollowable(false);
    expect(awareness.getLocalState()).toMatchObject({ followable: false });

    controls.setHidden(true);
    expect(awareness.getLocalState()).toBeNull();
    // Changes while hidden are kept for later, not published.
    controls.setFollowing('u-ada');
    expect(awareness.getLocalState()).toBeNull();

    controls.setHidden(false);
    expect(awareness.getLocalState()).toEqual({
      user: { name: 'Me', color: '#1971c2' },
      focus: null,
      followable: false,
      following: { userId: 'u-ada' },
    });
  });
});
