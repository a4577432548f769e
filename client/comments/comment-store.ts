/**
 * The comment threads of the open configuration: loaded once, kept current from `comment`
 * events, and the per-field counts the form's badges show (recomputed against the live document,
 * so a thread detaches the moment its field goes).
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import type { ThreadView } from '../../shared/history-types.ts';
import type { CommentAnchor } from '../../shared/comment-anchor.ts';
import { ApiRequestError } from '../app/api.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { ReviewApi } from '../review/review-api.ts';
import { mergeThreads, openThreadCounts, upsertThread } from './thread-counts.ts';

export interface CommentStore {
  threads: Accessor<ThreadView[]>;
  loaded: Accessor<boolean>;
  error: Accessor<string | null>;
  /** Per form row (top-level pointer): unresolved threads still attached to it. */
  counts: Accessor<ReadonlyMap<string, number>>;
  /** The configuration now, for working out which threads are detached. */
  config: Accessor<Record<string, unknown>>;
  apply(thread: ThreadView): void;
  /** A new thread on a field (`path`) or, with null, on the whole configuration. */
  start(body: string, path: string | null, reviewId?: string): Promise<ThreadView>;
  /** A new thread on a line of a file (`anchor.path` `#files/<path>`, shared/files/file-line-anchor.ts). */
  startOnLine(body: string, anchor: CommentAnchor): Promise<ThreadView>;
  /** Moves a file-line thread (after its file was renamed). */
  move(threadId: string, anchor: CommentAnchor): Promise<ThreadView>;
  reply(threadId: string, body: string): Promise<ThreadView>;
  setResolved(threadId: string, resolved: boolean): Promise<ThreadView>;
  refresh(): Promise<void>;
}

const NO_COUNTS: ReadonlyMap<string, number> = new Map();

/** A file-line anchor names characters of the file: the server checks it against what it has
 * stored, which trails this tab's typing by a moment (the sync and the group commit). An anchor
 * it does not know yet is asked for again a few times before the error is shown. */
export const ANCHOR_RETRIES = 8;
export const ANCHOR_RETRY_DELAY_MS = 250;

async function whenServerHasIt<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const unknownYet = error instanceof ApiRequestError && error.status === 422 && error.details.some((d) => d.keyword === 'anchor');
      if (!unknownYet || attempt >= ANCHOR_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, ANCHOR_RETRY_DELAY_MS));
    }
  }
}

/** Call inside a reactive root; `version` changes with every change to the document. */
export function createCommentStore(api: ReviewApi, session: ConfigSession, version: Accessor<number>, isDestroyed: () => boolean): CommentStore {
  const id = session.configId;
  const [threads, setThreads] = createSignal<ThreadView[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const config = createMemo(() => {
    version();
    return session.fields.snapshot();
  });
  // Without threads there is nothing to count: no need to follow every keystroke.
  const counts = createMemo(() => (threads().length === 0 ? NO_COUNTS : openThreadCounts(threads(), session.schema, config())));
  const apply = (thread: ThreadView): void => {
    setThreads((list) => upsertThread(list, thread));
  };
  const applied = async (request: Promise<ThreadView>): Promise<ThreadView> => {
    const thread = await request;
    if (!isDestroyed()) apply(thread);
    return thread;
  };

  return {
    threads,
    loaded,
    error,
    counts,
    config,
    apply,
    start: (body, path, reviewId) =>
      applied(api.comment(id, { body, anchor: path === null ? null : { path, schemaVersion: SCHEMA_VERSION }, ...(reviewId ? { reviewId } : {}) })),
    startOnLine: (body, anchor) => applied(whenServerHasIt(() => api.comment(id, { body, anchor }))),
    move: (threadId, anchor) => applied(whenServerHasIt(() => api.updateComment(id, threadId, { anchor }))),
    reply: (threadId, body) => applied(api.comment(id, { body, threadId })),
    setResolved: (threadId, resolved) => applied(api.updateComment(id, threadId, { resolved })),
    async refresh() {
      try {
        const list = await api.threads(id);
        if (isDestroyed()) return;
        setThreads((held) => mergeThreads(list, held));
        setError(null);
      } catch (e) {
        if (!isDestroyed()) setError(e instanceof Error ? e.message : String(e));
      } finally {
        if (!isDestroyed()) setLoaded(true);
      }
    },
  };
}
