/**
 * The group committer pipelines batches (several INSERTs on their way at once) but acknowledges
 * strictly in order: nobody is told "saved", and nothing is fanned out, before every update queued
 * before it is durable too. The storage here is a hand-driven stand-in so the test decides which
 * commit finishes (or fails) first; the real Postgres path is covered by the sync, crash and
 * degraded-dependency tests.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../server/sync/group-committer.ts';
import type { PendingUpdate } from '../server/storage/types.ts';
import { Timeouts } from '../shared/protocol.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

interface Call {
  batch: PendingUpdate[];
  resolve: () => void;
  reject: (error: Error) => void;
}

function drivenStorage() {
  const calls: Call[] = [];
  return {
    calls,
    appendUpdates(batch: PendingUpdate[]) {
      return new Promise<number[]>((resolve, reject) =>
        calls.push({ batch: [...batch], resolve: () => resolve(batch.map((_, i) => i + 1)), reject }),
      );
    },
  };
}

const bytes = (n: number) => new Uint8Array([n]);
const turn = () => new Promise((r) => setImmediate(r));

describe('group commit pipeline', () => {
  it('merges updates queued in one turn into one batch and sends the next without waiting', async () => {
    const storage = drivenStorage();
    const committer = new GroupCommitter({ storage, logger: testLogger() });
    const acked: number[] = [];
    committer.enqueue(mainDoc('a'), bytes(1), () => acked.push(1));
    committer.enqueue(mainDoc('b'), bytes(2), () => acked.push(2));
    await turn();
    expect(storage.calls.map((c) => c.batch.length)).toEqual([2]);
    // A second update while the first commit is still on its way goes out at once.
    committer.enqueue(mainDoc('a'), bytes(3), () => acked.push(3));
    await turn();
    expect(storage.calls.length).toBe(2);
    expect(committer.pending).toBe(3);
    storage.calls[0].resolve();
    storage.calls[1].resolve();
    await eventually(() => expect(acked).toEqual([1, 2, 3]));
    expect(committer.pending).toBe(0);
  });

  it('puts the updates of separate callbacks of one event-loop turn into one batch', async () => {
    // Each callback stands for one connection's socket read: the loop runs them all in one
    // phase, and a batch per callback (one INSERT and one fsync each) is what this prevents.
    const storage = drivenStorage();
    const committer = new GroupCommitter({ storage, logger: testLogger() });
    await new Promise<void>((resolve) => {
      for (const n of [1, 2, 3]) setImmediate(() => committer.enqueue(mainDoc(`c${n}`), bytes(n), () => {}));
      setImmediate(resolve);
    });
    await turn();
    expect(storage.calls.map((c) => c.batch.map((u) => u.update[0]))).toEqual([[1, 2, 3]]);
    for (const c of storage.calls) c.resolve();
    await committer.flushed();
  });

  it('acknowledges in order when a later commit finishes first', async () => {
    const storage = drivenStorage();
    const committer = new GroupCommitter({ storage, logger: testLogger() });
    const acked: number[] = [];
    for (const n of [1, 2, 3]) {
      committer.enqueue(mainDoc('a'), bytes(n), () => acked.push(n));
      await turn();
    }
    expect(storage.calls.length).toBe(3);
    storage.calls[2].resolve();
    storage.calls[1].resolve();
    await turn();
    expect(acked).toEqual([]);
    storage.calls[0].resolve();
    await eventually(() => expect(acked).toEqual([1, 2, 3]));
  });

  it('holds later acknowledgements behind a failed commit, retries it in place, and sends nothing new meanwhile', async () => {
    const storage = drivenStorage();
    const failures: unknown[] = [];
    const committer = new GroupCommitter({ storage, logger: testLogger(), onFailure: (e) => failures.push(e) });
    const acked: number[] = [];
    committer.enqueue(mainDoc('a'), bytes(1), () => acked.push(1));
    await turn();
    committer.enqueue(mainDoc('a'), bytes(2), () => acked.push(2));
    await turn();
    storage.calls[0].reject(new Error('connection lost'));
    storage.calls[1].resolve();
    await eventually(() => expect(failures.length).toBe(1));
    // While the retry is pending a new update is queued, not sent.
    committer.enqueue(mainDoc('a'), bytes(3), () => acked.push(3));
    await turn();
    expect(storage.calls.length).toBe(2);
    expect(acked).toEqual([]);
    const saved = committer.flushed();
    // The retry sends the failed batch again (same update), then the queued one.
    await eventually(() => expect(storage.calls.length).toBe(4), { timeoutMs: Timeouts.commitRetryBaseMs * 20 });
    expect(storage.calls[2].batch.map((u) => u.update[0])).toEqual([1]);
    expect(storage.calls[3].batch.map((u) => u.update[0])).toEqual([3]);
    storage.calls[3].resolve();
    await turn();
    expect(acked).toEqual([]);
    storage.calls[2].resolve();
    await saved;
    expect(acked).toEqual([1, 2, 3]);
  });

  it('keeps at most the configured number of batches in flight and gathers the rest into one', async () => {
    const storage = drivenStorage();
    const committer = new GroupCommitter({ storage, logger: testLogger(), maxInFlight: 2 });
    const acked: number[] = [];
    for (let n = 0; n < 6; n++) {
      committer.enqueue(mainDoc('a'), bytes(n), () => acked.push(n));
      await turn();
    }
    expect(storage.calls.length).toBe(2);
    storage.calls[0].resolve();
    await eventually(() => expect(storage.calls.length).toBe(3));
    // Everything that waited goes in one batch.
    expect(storage.calls[2].batch.map((u) => u.update[0])).toEqual([2, 3, 4, 5]);
    storage.calls[1].resolve();
    storage.calls[2].resolve();
    await committer.flushed();
    expect(acked).toEqual([0, 1, 2, 3, 4, 5]);
    expect(committer.unsavedAgeMs()).toBe(0);
  });
});
