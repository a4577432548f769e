/**
 * Group commit with pipelining: updates from every room are queued and written in batches, one
 * INSERT (its own transaction) per batch. A batch is what arrived in one event-loop turn, from
 * every connection, and is sent at the end of that turn without waiting for the batch before it:
 * up to MAX_IN_FLIGHT batches travel to Postgres at once on the one commit connection, which runs
 * them in order. Past that, updates gather into the next batch, so under load many updates still
 * share one commit.
 *
 * Acknowledgement stays strictly ordered: a batch's callbacks run only after every batch sent
 * before it is durable too, so "committed up to N" keeps meaning what it says. A failed batch
 * stays at its place in the line and is retried with backoff; batches behind it that did commit
 * wait for it (Yjs updates commute, so rows stored out of order load to the same document). While
 * a retry is pending nothing new is sent: nothing is acknowledged or fanned out until it is
 * durable.
 */
import type { Logger } from 'pino';
import { Timeouts } from '../../shared/protocol.ts';
import type { DocKey, DocStorage, PendingUpdate } from '../storage/types.ts';

/** Upper bound of one batch: keeps a single INSERT below Postgres' parameter limit (65,535 / 2). */
const MAX_BATCH_UPDATES = 5_000;
/** Batches on their way to Postgres at once. One would make an update that arrives during a commit
 * wait for that commit's whole round trip before its own starts (the tail of fan-out latency);
 * a few cover that, and more would only split bursts that group commit should merge. */
export const MAX_IN_FLIGHT = 4;

interface Entry extends PendingUpdate {
  /** Receives the update's log row id (rooms track which stored rows they hold). */
  onCommitted: (id: number) => void;
}

interface Batch {
  entries: Entry[];
  state: 'sending' | 'done' | 'failed';
  /** Log row ids, in the order of `entries`, once done. */
  ids: number[];
  startedAt: number;
  /** Date.now() when the batch's oldest update was queued (for the "unsaved age" figure). */
  queuedSince: number;
}

export interface CommitStats {
  batchSize: number;
  durationMs: number;
}

export interface GroupCommitterOptions {
  storage: Pick<DocStorage, 'appendUpdates'>;
  logger: Logger;
  onBatch?: (stats: CommitStats) => void;
  onFailure?: (error: unknown) => void;
  /** Batches in flight at once (default MAX_IN_FLIGHT; 1 is the classic one-flush-at-a-time). */
  maxInFlight?: number;
}

export class GroupCommitter {
  /** Updates not yet sent. */
  private queue: Entry[] = [];
  /** Sent batches in the order they were sent, until acknowledged. */
  private inFlight: Batch[] = [];
  private scheduled = false;
  private retryDelay = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Date.now() when the oldest update still in `queue` arrived. */
  private queueSince = 0;
  private closed = false;
  private readonly maxInFlight: number;
  /** The current run of failures (logged once when it starts and once when it ends). */
  private failing: { since: number; failures: number } | null = null;

  constructor(private readonly options: GroupCommitterOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? MAX_IN_FLIGHT);
  }

  /** Queues an update; `onCommitted` runs once it, and everything queued before it, is durable. */
  enqueue(doc: DocKey, update: Uint8Array, onCommitted: (id: number) => void): void {
    if (this.queue.length === 0) this.queueSince = Date.now();
    this.queue.push({ doc, update, onCommitted });
    this.schedule();
  }

  /** Updates not yet acknowledged (queued or on their way). */
  get pending(): number {
    let n = this.queue.length;
    for (const b of this.inFlight) n += b.entries.length;
    return n;
  }

  /** Milliseconds the oldest unsaved update has waited (0 when everything is saved). */
  unsavedAgeMs(): number {
    const since = this.inFlight.length > 0 ? this.inFlight[0].queuedSince : this.queue.length > 0 ? this.queueSince : 0;
    return since === 0 ? 0 : Date.now() - since;
  }

  /** Resolves when everything queued so far is committed (or rejects after `timeoutMs`). */
  flushed(timeoutMs = Infinity): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === Infinity
          ? null
          : setTimeout(() => reject(new Error(`unsaved updates remain after ${timeoutMs} ms`)), timeoutMs);
      this.idleWaiters.push(() => {
        if (timer) clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // setImmediate: it runs once the event loop has handled every socket read that was ready in
    // this turn, so updates from many connections share one INSERT and one fsync. A microtask
    // would run after each read's callback and send one INSERT per connection that spoke: at
    // 1,000 updates/s that was about one commit per update, each waiting behind the fsync of the
    // one before it on the commit connection (docs/benchmarks.md,
    // "Capacity under real load", 2026-12-04).
    // No timer: nothing waits longer than the turn it arrived in.
    setImmediate(() => {
      this.scheduled = false;
      this.sendNext();
    });
  }

  private sendNext(): void {
    while (!this.closed && !this.retryTimer && this.queue.length > 0 && this.inFlight.length < this.maxInFlight) {
      const entries = this.queue.splice(0, MAX_BATCH_UPDATES);
      const batch: Batch = { entries, ids: [], state: 'sending', startedAt: performance.now(), queuedSince: this.queueSince };
      // What stays queued arrived later; "now" is close enough for a figure read in seconds.
      if (this.queue.length > 0) this.queueSince = Date.now();
      this.inFlight.push(batch);
      this.send(batch);
    }
  }

  private send(batch: Batch): void {
    batch.state = 'sending';
    this.options.storage.appendUpdates(batch.entries).then(
      (ids) => {
        batch.ids = ids ?? [];
        batch.state = 'done';
        this.retryDelay = 0;
        if (this.failing) {
          this.options.logger.info(
            { failures: this.failing.failures, outageMs: Date.now() - this.failing.since },
            'commits succeed again; unsaved updates are being stored',
          );
          this.failing = null;
        }
        this.options.onBatch?.({ batchSize: batch.entries.length, durationMs: performance.now() - batch.startedAt });
        this.acknowledge();
        this.sendNext();
      },
      (error: unknown) => {
        batch.state = 'failed';
        this.onFailed(batch, error);
      },
    );
  }

  private onFailed(batch: Batch, error: unknown): void {
    this.retryDelay = Math.min(
      this.retryDelay === 0 ? Timeouts.commitRetryBaseMs : this.retryDelay * 2,
      Timeouts.commitRetryMaxMs,
    );
    // One line when commits start failing and one when they recover (above); the failures in
    // between are counted (boardroom_commit_failures_total), not logged one by one.
    if (!this.failing) {
      this.failing = { since: Date.now(), failures: 0 };
      this.options.logger.error(
        { err: error, pending: this.pending, retryInMs: this.retryDelay },
        'commit failed; updates kept in memory, not acknowledged, retried until Postgres answers',
      );
    }
    this.failing.failures += 1;
    this.options.onFailure?.(error);
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // Every failed batch goes again, in its place; batches still on their way are left alone.
      for (const b of this.inFlight) {
        if (b.state === 'failed') {
          b.startedAt = performance.now();
          this.send(b);
        }
      }
      this.sendNext();
    }, this.retryDelay);
  }

  /** Runs the callbacks of every durable batch at the head of the line, in order. */
  private acknowledge(): void {
    while (this.inFlight.length > 0 && this.inFlight[0].state === 'done') {
      const batch = this.inFlight.shift()!;
      for (const [i, entry] of batch.entries.entries()) {
        try {
          // 0 when an engine could not say (rooms then simply read that row once more).
          entry.onCommitted(batch.ids[i] ?? 0);
        } catch (error) {
          this.options.logger.error({ err: error, doc: entry.doc.id }, 'commit callback failed');
        }
      }
    }
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
