/**
 * May the configuration as it is now be built, as far as reviews go (`GET …/approval`)? The
 * answer, with its reason, for the Build button's tooltip. Asked again when a review is opened or
 * decided, when the setting changes, and after edits while approval is required (an edit moves
 * the content away from what was approved).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { ApprovalView, ReviewApi } from './review-api.ts';

export interface ApprovalState {
  /** null until the first answer. */
  approval: Accessor<ApprovalView | null>;
  /** Why the current state may not be built yet, or null when it may (or is not known yet). */
  blockedReason: Accessor<string | null>;
  refresh(): Promise<void>;
}

export function createApprovalState(api: ReviewApi, configId: string, isDestroyed: () => boolean): ApprovalState {
  const [approval, setApproval] = createSignal<ApprovalView | null>(null);
  // Answers can overtake each other; only the last request's answer counts.
  let latest = 0;
  return {
    approval,
    blockedReason: () => {
      const current = approval();
      return current && !current.ok ? (current.reason ?? 'This state needs an approved review before it is built.') : null;
    },
    async refresh() {
      const request = ++latest;
      try {
        const answer = await api.approval(configId);
        if (!isDestroyed() && request === latest) setApproval(answer);
      } catch (error) {
        // The server checks again when a build is requested; the button just knows less.
        console.warn('build approval unavailable', error);
      }
    },
  };
}
