/**
 * History, comments and review for the open configuration, shared by the form (comment badges,
 * "last changed by" on hover, following someone), the History panel and the Review panel. One per
 * configuration session, fed by the server's live events (`MessageType.event`); `destroy` ends it.
 *
 * For the Build button: `approval.approval()` is the server's answer to "may this state be
 * built?" and `approval.blockedReason()` the sentence to show when it may not.
 */
import { createEffect, createRoot, createSignal, on, type Accessor } from 'solid-js';
import type { HistoryEvent } from '../../shared/history-types.ts';
import type { Api } from '../app/api.ts';
import { createCommentStore, type CommentStore } from '../comments/comment-store.ts';
import { createLastChangeStore, type LastChangeStore } from '../history/last-changes.ts';
import type { ConfigSession, LiveEvent } from '../session/config-session.ts';
import { createApprovalState, type ApprovalState } from './approval-state.ts';
import { createFollow, type Follow } from './follow.ts';
import { createPresenceControls, type PresenceControls } from './presence-controls.ts';
import { createReviewStore, type ReviewStore } from './review-store.ts';

/** Reviews, the approval and an open comparison are read again this long after the last edit:
 * the server's answer (content hash, changes since the review) moves with every keystroke, and
 * one request per pause in typing keeps it current without a request per key. */
export const REFRESH_AFTER_EDIT_MS = 600;
/** Relative times ("3 min ago") have minute resolution: redraw them twice a minute. */
export const CLOCK_TICK_MS = 30_000;

export interface ReviewCenter {
  readonly session: ConfigSession;
  comments: CommentStore;
  reviews: ReviewStore;
  approval: ApprovalState;
  lastChanges: LastChangeStore;
  presence: PresenceControls;
  follow: Follow;
  /** The latest "show the history of this field" (a field's history button): the History panel
   * it names (`target`, a workspace panel id) switches to that field; each History panel keeps
   * its own field otherwise (its componentState). */
  historyRequest: Accessor<HistoryRequest | null>;
  showHistory(path: string | null, target: string | null): void;
  /** History events (`change`, `version`) for the History panel; returns unsubscribe. */
  onHistoryEvent(listener: (event: HistoryEvent) => void): () => void;
  /** Called a moment after edits stop (anyone's), to read server-side comparisons again. */
  onEditsSettled(listener: () => void): () => void;
  /** Increments with every change to the configuration. */
  version: Accessor<number>;
  /** The time, ticking every CLOCK_TICK_MS, for relative times. */
  now: Accessor<number>;
  /** Increments after a reconnect: views that keep their own copies (History) read them again. */
  resyncs: Accessor<number>;
  destroy(): void;
}

export interface HistoryRequest {
  path: string | null;
  /** The History panel asked; null: every History panel. */
  target: string | null;
  /** Increments, so that asking for the same field again still reaches the panel. */
  serial: number;
}

const HISTORY_EVENT_TYPES = new Set(['change', 'version', 'comment', 'review', 'settings']);

export function createReviewCenter(api: Api, session: ConfigSession): ReviewCenter {
  return createRoot((dispose) => {
    let destroyed = false;
    const isDestroyed = () => destroyed;
    const configId = session.configId;
    const [version, setVersion] = createSignal(0);
    const [now, setNow] = createSignal(Date.now());
    const [historyRequest, setHistoryRequest] = createSignal<HistoryRequest | null>(null);
    let historySerial = 0;
    const [resyncs, setResyncs] = createSignal(0);
    const historyListeners = new Set<(event: HistoryEvent) => void>();
    const settledListeners = new Set<() => void>();

    const comments = createCommentStore(api.review, session, version, isDestroyed);
    const reviews = createReviewStore(api.review, configId, isDestroyed);
    const approval = createApprovalState(api.review, configId, isDestroyed);
    const lastChanges = createLastChangeStore(api.history, configId, isDestroyed);
    const presence = createPresenceControls(session.awareness);
    const follow = createFollow(session, presence);

    const refreshAll = (): void => {
      void comments.refresh();
      void reviews.refresh();
      void approval.refresh();
      void lastChanges.refresh();
    };

    const offEvents = session.onEvent((raw: LiveEvent) => {
      if (!HISTORY_EVENT_TYPES.has(raw.type)) return;
      const event = raw as unknown as HistoryEvent;
      switch (event.type) {
        case 'change':
          lastChanges.apply(event);
          break;
        case 'comment':
          comments.apply(event.thread);
          break;
        case 'review':
          reviews.apply(event.review);
          void approval.refresh();
          break;
        case 'settings':
          reviews.applySettings(event.requireApproval, event.requiredApprovals, event.organisation);
          void approval.refresh();
          break;
        case 'version':
          break;
      }
      for (const listener of [...historyListeners]) listener(event);
    });

    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    const settled = (): void => {
      if (reviews.reviews().length > 0) void reviews.refreshReviews();
      if (reviews.requireApproval()) void approval.refresh();
      for (const listener of [...settledListeners]) listener();
    };
    const offFields = session.fields.onChange(() => {
      setVersion((v) => v + 1);
      clearTimeout(settleTimer);
      settleTimer = setTimeout(settled, REFRESH_AFTER_EDIT_MS);
    });
    const clock = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);

    // Events sent while the connection was down are lost: read everything again on reconnect.
    let wasConnected = false;
    createEffect(
      on(session.connection, (state) => {
        if (state !== 'connected') return;
        if (wasConnected) {
          refreshAll();
          setResyncs((n) => n + 1);
        }
        wasConnected = true;
      }),
    );
    refreshAll();

    return {
      session,
      comments,
      reviews,
      approval,
      lastChanges,
      presence,
      follow,
      historyRequest,
      showHistory(path, target) {
        setHistoryRequest({ path, target, serial: ++historySerial });
      },
      onHistoryEvent(listener) {
        historyListeners.add(listener);
        return () => historyListeners.delete(listener);
      },
      onEditsSettled(listener) {
        settledListeners.add(listener);
        return () => settledListeners.delete(listener);
      },
      version,
      now,
      resyncs,
      destroy() {
        destroyed = true;
        offEvents();
        offFields();
        clearTimeout(settleTimer);
        clearInterval(clock);
        historyListeners.clear();
        settledListeners.clear();
        dispose();
      },
    };
  });
}
