/**
 * Group commit: updates from every room are queued and written in one transaction per flush.
 * Only one flush is in flight at a time, so updates are committed in the order they arrived and
 * whatever arrives during a flush forms the next batch. A failed flush keeps its entries (in
 * order, in memory) and is retried with backoff: nothing is acknowledged or fanned out until it is
 * durable.
 */
import type { Logger } from 'pino';
import { Timeouts } from '../../shared/protocol.ts';
import type { DocStorage, PendingUpdate } from '../storage/types.ts';

/** Upper bound of one batch: keeps a single INSERT below Postgres' parameter limit (65,535 / 2). */
const MAX_BATCH_UPDATES = 5_000;

interface Entry extends PendingUpdate {
  onCommitted: () => void;
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
}

export class GroupCommitter {
  private queue: Entry[] = [];
  private flushing = false;
  private scheduled = false;
  private retryDelay = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Time the oldest queued entry arrived, for the "unsaved age" figure. */
  private oldestQueuedAt = 0;
  private closed = false;

  constructor(private readonly options: GroupCommitterOptions) {}

  /** Queues an update; `onCommitted` runs once it is durable. */
  enqueue(configId: string, update: Uint8Array, onCommitted: () => void): void {
    if (this.queue.length === 0) this.oldestQueuedAt = Date.now();
    this.queue.push({ configId, update, onCommitted });
    this.schedule();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Milliseconds the oldest unsaved update has waited (0 when everything is saved). */
  unsavedAgeMs(): number {
    return this.queue.length === 0 ? 0 : Date.now() - this.oldestQueuedAt;
  }

  /** Resolves when everything queued so far is committed (or rejects after `timeoutMs`). */
  flushed(timeoutMs = Infinity): Promise<void> {
    if (this.queue.length === 0 && !this.flushing) return Promise.resolve();
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
    if (this.scheduled || this.flushing || this.retryTimer || this.closed) return;
    this.scheduled = true;
    // setImmediate rather than a timer: every message already read from the sockets in this
    // event-loop turn joins the batch, without adding a fixed delay to each edit.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.slice(0, MAX_BATCH_UPDATES);
    const started = performance.now();
    try {
      await this.options.storage.appendUpdates(batch);
    } catch (error) {
      this.flushing = false;
      this.retryDelay = Math.min(
        this.retryDelay === 0 ? Timeouts.commitRetryBaseMs : this.retryDelay * 2,
        Timeouts.commitRetryMaxMs,
      );
      this.options.logger.error(
        { err: error, pending: this.queue.length, retryInMs: this.retryDelay },
        'commit failed; updates kept in memory, not acknowledged',
      );
      this.options.onFailure?.(error);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.flush();
        }, this.retryDelay);
      }
      return;
    }
    this.retryDelay = 0;
    this.queue.splice(0, batch.length);
    if (this.queue.length > 0) this.oldestQueuedAt = Date.now();
    this.flushing = false;
    this.options.onBatch?.({ batchSize: batch.length, durationMs: performance.now() - started });
    for (const entry of batch) {
      try {
        entry.onCommitted();
      } catch (error) {
        this.options.logger.error({ err: error, configId: entry.configId }, 'commit callback failed');
      }
    }
    if (this.queue.length > 0) this.schedule();
    else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
