/**
 * Following someone through the form, as a state machine. While you follow a person, your form
 * scrolls to and highlights the field they are on, each time they move. It ends when you edit the
 * form yourself, when you stop it (Stop, Escape), when they leave or hide, or when they turn off
 * being followed. Putting the caret in a field, clicking or tabbing around does not end it: a
 * follower reads along with the keyboard, selects text to copy, opens a field's comments — and
 * screen-reader and keyboard users cannot look at the form without focusing it (issue 14).
 * Pure: the caller feeds it presence and actions and carries out the scroll it asks for. Tests
 * run it in Node.
 */

/** A person one could follow, read from awareness (all their tabs together). */
export interface FollowCandidate {
  userId: string;
  name: string;
  color: string;
  /** JSON Pointer of the field they are on, or null. */
  path: string | null;
  /** False when they turned off being followed. */
  followable: boolean;
}

export type FollowEndReason = 'stopped' | 'you-acted' | 'left' | 'not-followable';

export type FollowState =
  | { kind: 'idle'; ended?: { name: string; reason: FollowEndReason } }
  | { kind: 'following'; userId: string; name: string; color: string; path: string | null };

export type FollowEvent =
  | { type: 'follow'; userId: string; people: readonly FollowCandidate[] }
  | { type: 'stop' }
  /** You edited the form (typed, picked, ticked): you took over. */
  | { type: 'local-action' }
  /** Presence changed: everyone one could follow, as they are now. */
  | { type: 'presence'; people: readonly FollowCandidate[] };

export interface FollowStep {
  state: FollowState;
  /** Bring this field into view and highlight it. */
  scrollTo?: string;
}

export const IDLE: FollowState = { kind: 'idle' };

export function followStep(state: FollowState, event: FollowEvent): FollowStep {
  switch (event.type) {
    case 'follow': {
      const target = event.people.find((p) => p.userId === event.userId);
      if (!target) return { state: { kind: 'idle', ended: { name: '', reason: 'left' } } };
      if (!target.followable) return { state: { kind: 'idle', ended: { name: target.name, reason: 'not-followable' } } };
      const next: FollowState = { kind: 'following', userId: target.userId, name: target.name, color: target.color, path: target.path };
      return target.path ? { state: next, scrollTo: target.path } : { state: next };
    }
    case 'stop':
      return state.kind === 'following' ? { state: { kind: 'idle', ended: { name: state.name, reason: 'stopped' } } } : { state };
    case 'local-action':
      return state.kind === 'following' ? { state: { kind: 'idle', ended: { name: state.name, reason: 'you-acted' } } } : { state };
    case 'presence': {
      if (state.kind !== 'following') return { state };
      const target = event.people.find((p) => p.userId === state.userId);
      if (!target) return { state: { kind: 'idle', ended: { name: state.name, reason: 'left' } } };
      if (!target.followable) return { state: { kind: 'idle', ended: { name: target.name, reason: 'not-followable' } } };
      if (target.path === state.path && target.name === state.name && target.color === state.color) return { state };
      const next: FollowState = { ...state, name: target.name, color: target.color, path: target.path };
      // Leaving the form (path null) keeps the last field in view: nothing to scroll to.
      return target.path && target.path !== state.path ? { state: next, scrollTo: target.path } : { state: next };
    }
  }
}

/** What a DOM event in the form means for following (the fields of an Event that matter). */
export interface FormEventFacts {
  type: string;
  isTrusted: boolean;
  key?: string;
  /** Escape that a widget already used (closing the board list) is not meant for following. */
  defaultPrevented: boolean;
}

/**
 * Which of your own events in the form end following: an edit (an `input` event: typing, a pick,
 * a tick) ends it as "you took over", Escape stops it. Focus, clicks, Tab and arrow keys do not:
 * they are how you look at a form, not how you change it. Script-made events never count.
 */
export function followEventFor(event: FormEventFacts): FollowEvent | null {
  if (!event.isTrusted) return null;
  if (event.type === 'input') return { type: 'local-action' };
  if (event.type === 'keydown' && event.key === 'Escape' && !event.defaultPrevented) return { type: 'stop' };
  return null;
}

/** Why following ended, in words for the form's notice. */
export function endedWords(ended: { name: string; reason: FollowEndReason }): string {
  const who = ended.name || 'They';
  switch (ended.reason) {
    case 'stopped':
      return `Stopped following ${ended.name}.`;
    case 'you-acted':
      return `Stopped following ${ended.name}: you took over.`;
    case 'left':
      return ended.name ? `Stopped following ${ended.name}: they left or hid their presence.` : 'That person is no longer here.';
    case 'not-followable':
      return `${who} turned off being followed.`;
  }
}
