/**
 * Which comment threads a field shows, and how many: a field's badge counts the unresolved
 * threads anchored at it or inside it (`/extraPackages/2` counts for the packages field) that
 * still have their place in the configuration. Whether a thread is detached is worked out here
 * from the live document, with the server's own rule (`anchorStatus`), so a badge goes away the
 * moment its field is removed or stops applying, without waiting for the server.
 * Plain TypeScript: tests run it in Node.
 */
import { anchorStatus, type AnchorStatus } from '../../shared/comment-anchor.ts';
import type { ThreadView } from '../../shared/history-types.ts';
import { isFileAnchorPath } from '../../shared/files/file-line-anchor.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';

/** The form row a pointer belongs to: its top-level property ('' for the whole configuration). */
export function rowPointer(path: string): string {
  if (!path.startsWith('/')) return '';
  const end = path.indexOf('/', 1);
  return end === -1 ? path : path.slice(0, end);
}

/** The thread's anchor is `pointer` or something inside it. */
export function isAnchoredAt(thread: ThreadView, pointer: string): boolean {
  const path = thread.anchor?.path;
  return path !== undefined && (path === pointer || path.startsWith(pointer + '/'));
}

/** Detached or not, against the configuration as it is now; general threads never detach. */
export function liveAnchorStatus(thread: ThreadView, schema: ConfigSchema, config: Record<string, unknown>): AnchorStatus {
  if (!thread.anchor) return { detached: false };
  // A file-line thread's place is in the tree, not the form: the Files panel works it out
  // (shared/files/file-line-anchor.ts); here it counts as the server last said.
  if (isFileAnchorPath(thread.anchor.path)) return thread.detached ? { detached: true, reason: thread.detachedReason ?? 'removed' } : { detached: false };
  return anchorStatus(schema, config, thread.anchor.path);
}

/** Per form row (top-level pointer): how many unresolved, attached threads it has. */
export function openThreadCounts(threads: readonly ThreadView[], schema: ConfigSchema, config: Record<string, unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const thread of threads) {
    if (thread.resolved || !thread.anchor || isFileAnchorPath(thread.anchor.path)) continue;
    if (liveAnchorStatus(thread, schema, config).detached) continue;
    const row = rowPointer(thread.anchor.path);
    counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  return counts;
}

/** Adds a thread or replaces the copy with the same id (events and answers arrive in the order
 * the server made them); newest thread first. */
export function upsertThread(list: readonly ThreadView[], thread: ThreadView): ThreadView[] {
  const index = list.findIndex((t) => t.id === thread.id);
  const next = index === -1 ? [...list, thread] : list.map((t, i) => (i === index ? thread : t));
  return next.sort(newestFirst);
}

const newestFirst = (a: ThreadView, b: ThreadView) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? -1 : 1);

/**
 * The list just loaded, merged with the threads events brought while it loaded. The loaded copy
 * is the fresher one, except for a thread it does not have yet or one an event has seen more
 * comments of (the list was read before the reply was written).
 */
export function mergeThreads(loaded: readonly ThreadView[], arrived: readonly ThreadView[]): ThreadView[] {
  const byId = new Map(loaded.map((t) => [t.id, t]));
  for (const thread of arrived) {
    const held = byId.get(thread.id);
    if (!held || thread.comments.length > held.comments.length) byId.set(thread.id, thread);
  }
  return [...byId.values()].sort(newestFirst);
}
