/**
 * The comment count badges of the form (client/comments/thread-counts.ts): unresolved threads
 * that still have their field, counted on the field's row (threads on a list entry count for the
 * list), worked out live against the document; and thread lists kept current from events.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadView } from '../shared/history-types.ts';
import { configSchema } from '../shared/validation/index.ts';
import { isAnchoredAt, liveAnchorStatus, mergeThreads, openThreadCounts, rowPointer, upsertThread } from '../client/comments/thread-counts.ts';

let serial = 0;
function thread(path: string | null, options: { resolved?: boolean; comments?: number; createdAt?: string } = {}): ThreadView {
  const id = `t${++serial}`;
  const createdAt = options.createdAt ?? new Date(Date.UTC(2025, 0, 1, 0, 0, serial)).toISOString();
  return {
    id,
    anchor: path === null ? null : { path, schemaVersion: '1' },
    reviewId: null,
    detached: false,
    resolved: !!options.resolved,
    resolvedBy: null,
    resolvedAt: options.resolved ? createdAt : null,
    createdAt,
    updatedAt: createdAt,
    comments: Array.from({ length: options.comments ?? 1 }, (_, i) => ({
      id: i === 0 ? id : `${id}-${i}`,
      author: { id: 'u1', name: 'Ada', kind: 'user' as const },
      body: `comment ${i}`,
      createdAt,
      editedAt: null,
    })),
  };
}

const config = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'no', extraPackages: ['htop', 'vim'] };

describe('comment badges', () => {
  it('counts unresolved threads per field row, list entries on their list', () => {
    const threads = [
      thread('/BOARD'),
      thread('/BOARD'),
      thread('/BOARD', { resolved: true }),
      thread('/extraPackages/1'),
      thread('/extraPackages'),
      thread(null),
    ];
    const counts = openThreadCounts(threads, configSchema, config);
    expect(Object.fromEntries(counts)).toEqual({ '/BOARD': 2, '/extraPackages': 2 });
  });

  it('keeps counting a field that is empty but still in the form', () => {
    expect(openThreadCounts([thread('/VENDOR')], configSchema, config).get('/VENDOR')).toBe(1);
  });

  it('drops threads whose list entry was removed or whose field stopped applying, and marks them', () => {
    const gone = thread('/extraPackages/5');
    const desktop = thread('/DESKTOP_ENVIRONMENT');
    const withDesktop = { ...config, BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce' };
    expect(openThreadCounts([gone, desktop], configSchema, withDesktop).get('/DESKTOP_ENVIRONMENT')).toBe(1);
    // Switching the desktop off: the environment no longer applies, its badge goes.
    const off = { ...withDesktop, BUILD_DESKTOP: 'no' };
    expect(openThreadCounts([gone, desktop], configSchema, off).size).toBe(0);
    expect(liveAnchorStatus(desktop, configSchema, off)).toEqual({ detached: true, reason: 'not_applicable' });
    expect(liveAnchorStatus(gone, configSchema, off)).toEqual({ detached: true, reason: 'removed' });
    expect(liveAnchorStatus(thread(null), configSchema, off)).toEqual({ detached: false });
  });

  it('finds a row from any pointer inside it', () => {
    expect(rowPointer('/extraPackages/3')).toBe('/extraPackages');
    expect(rowPointer('/BOARD')).toBe('/BOARD');
    expect(isAnchoredAt(thread('/extraPackages/3'), '/extraPackages')).toBe(true);
    expect(isAnchoredAt(thread('/extraPackagesMore'), '/extraPackages')).toBe(false);
  });
});

describe('threads kept current', () => {
  it('adds new threads newest first and replaces a thread when it changes', () => {
    const first = thread('/BOARD');
    const second = thread('/RELEASE');
    let list = upsertThread([], first);
    list = upsertThread(list, second);
    expect(list.map((t) => t.id)).toEqual([second.id, first.id]);
    const resolved = { ...first, resolved: true };
    list = upsertThread(list, resolved);
    expect(list.find((t) => t.id === first.id)?.resolved).toBe(true);
    expect(list).toHaveLength(2);
  });

  it('merges a loaded list with replies that events brought while it loaded', () => {
    const a = thread('/BOARD', { comments: 1 });
    const b = thread('/RELEASE');
    const aWithReply = { ...a, comments: [...a.comments, { ...a.comments[0], id: 'reply', body: 'reply' }] };
    const fresh = thread('/timezone');
    const merged = mergeThreads([a, b], [aWithReply, fresh]);
    expect(merged.map((t) => t.id)).toEqual([fresh.id, b.id, a.id]);
    expect(merged.find((t) => t.id === a.id)?.comments).toHaveLength(2);
    // A stale event copy does not undo what the list says (resolved meanwhile).
    const resolvedB = { ...b, resolved: true };
    expect(mergeThreads([resolvedB], [b])[0].resolved).toBe(true);
  });
});
