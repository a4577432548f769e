/**
 * What you show of yourself: whether others may follow you, whom you follow, and whether you
 * are visible at all. Hiding clears your awareness state (`setLocalState(null)`), so the server
 * tells everyone you left and nothing about you is sent until you show yourself again; the state
 * you had comes back then, without the field you were on (you may have moved since).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { Awareness } from 'y-protocols/awareness';

export interface PresenceControls {
  hidden: Accessor<boolean>;
  setHidden(hidden: boolean): void;
  followable: Accessor<boolean>;
  setFollowable(followable: boolean): void;
  /** Publishes whom you follow (null: nobody), so they can see it. */
  setFollowing(userId: string | null): void;
}

export function createPresenceControls(awareness: Awareness): PresenceControls {
  const [hidden, setHiddenSignal] = createSignal(false);
  const [followable, setFollowableSignal] = createSignal(true);
  let following: string | null = null;
  let saved: Record<string, unknown> | null = null;

  const publish = (field: string, value: unknown): void => {
    // While hidden there is no state to add to; the value goes out when you show yourself.
    if (awareness.getLocalState() !== null) awareness.setLocalStateField(field, value);
  };

  return {
    hidden,
    setHidden(next) {
      if (next === hidden()) return;
      if (next) {
        saved = awareness.getLocalState();
        awareness.setLocalState(null);
      } else {
        awareness.setLocalState({ ...saved, focus: null, followable: followable(), following: following ? { userId: following } : null });
        saved = null;
      }
      setHiddenSignal(next);
    },
    followable,
    setFollowable(next) {
      setFollowableSignal(next);
      publish('followable', next);
    },
    setFollowing(userId) {
      if (userId === following) return;
      following = userId;
      publish('following', userId ? { userId } : null);
    },
  };
}
