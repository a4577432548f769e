/**
 * The change log's writer (server/history/change-writer.ts), driven through its storage seam (an
 * in-memory table standing in for `change_log`; the SQL itself runs in the change-log tests
 * against Postgres): rows arrive in order with the newest state of each, a write that fails stays
 * at the head of the line and is retried until it succeeds, and a row the database refuses for
 * its content is isolated and dropped without holding up the others.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChangeRow } from '../server/history/change-entry.ts';
import { ChangeWriter, type StoreBatch } from '../server/history/change-writer.ts';

const row = (id: string, seq: number, configId = 'cfg'): ChangeRow => ({
  id,
  configId,
  seq,
  path: '/VENDOR',
  op: 'edit',
  before: null,
  after: { $edits: [{ at: 0, insert: `v${seq}` }] },
  authorName: 'Ada',
  authorKind: 'user',
  source: 'sync',
  startedAt: new Date(0),
  at: new Date(seq),
});

function table(fail: (batch: Parameters<StoreBatch>[0], attempt: number) => Error | null = () => null) {
  const rows = new Map<string, ChangeRow>();
  const log: string[] = [];
  let attempt = 0;
  const store: StoreBatch = async (batch) => {
    const error = fail(batch, ++attempt);
    if (error) throw error;
    for (const r of batch.puts) rows.set(r.id, r);
    for (const id of batch.removes) rows.delete(id);
    log.push([...batch.puts.map((r) => `${r.id}@${r.seq}`), ...batch.removes.map((id) => `-${id}`)].join(' '));
  };
  return { rows, log, store, attempts: () => attempt };
}

const logger = pino({ level: 'silent' });

describe('change log writer', () => {
  it('writes in order, one batch at a time, the newest state of each row', async () => {
    const t = table();
    const writer = new ChangeWriter({ store: t.store, logger });
    writer.put(row('a', 1));
    writer.put(row('b', 2));
    writer.put(row('a', 3));
    expect(writer.pendingRows('cfg').map((r) => `${r.id}@${r.seq}`)).toEqual(['a@3', 'b@2']);
    await writer.flushed();
    writer.remove('b');
    await writer.flushed();
    expect(t.log).toEqual(['a@3 b@2', '-b']);
    expect([...t.rows.keys()]).toEqual(['a']);
    expect(writer.pendingRows('cfg')).toEqual([]);
  });

  it('keeps a failed batch at the head of the line and retries it until Postgres answers', async () => {
    const t = table((_, attempt) => (attempt <= 3 ? new Error('connection refused') : null));
    const writer = new ChangeWriter({ store: t.store, logger, retryBaseMs: 5, retryMaxMs: 20 });
    writer.put(row('a', 1));
    await new Promise((r) => setTimeout(r, 1));
    // Queued while the first batch is failing: it waits behind it, and is still listed meanwhile.
    writer.put(row('b', 2));
    expect(writer.pendingRows('cfg').map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(await writer.flushed(5_000)).toBe(true);
    expect(t.attempts()).toBe(5);
    expect(t.log).toEqual(['a@1', 'b@2']);
  });

  it('drops only the row the database refuses for its content', async () => {
    const refused = Object.assign(new Error('violates foreign key constraint'), { code: '23503' });
    const t = table((batch) => (batch.puts.some((r) => r.configId === 'purged') ? refused : null));
    const writer = new ChangeWriter({ store: t.store, logger });
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) writer.put(row(id, i + 1, id === 'c' ? 'purged' : 'cfg'));
    expect(await writer.flushed(5_000)).toBe(true);
    expect([...t.rows.keys()].sort()).toEqual(['a', 'b', 'd', 'e']);
  });
});
