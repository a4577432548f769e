/**
 * Writes change-log rows to Postgres off the sync commit path, built like the group committer
 * (`server/sync/group-committer.ts`): what is queued is written in batches, one statement pair per
 * batch, in order, and a failed batch stays at the head of the line and is retried with backoff
 * while new work gathers behind it.
 *
 * Two kinds of work: `put` (upsert a row: a closed entry once, an open entry's checkpoint again
 * each time it grew) and `remove` (a checkpointed burst that ended as no change). One batch is in
 * flight at a time: a removal must never overtake the checkpoint it takes back, and the log is an
 * account written every second, not a latency path. Queued puts of one entry collapse to the
 * newest.
 *
 * A batch Postgres refuses for what it holds (a constraint or data error, e.g. its configuration
 * was deleted meanwhile) is split in halves until the offending row is alone, and that row is
 * dropped and logged; any other failure (Postgres away) is retried until it answers, with at most
 * MAX_UNWRITTEN_ROWS waiting (the oldest dropped beyond that, rather than memory without bound).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { changeLog } from '../../shared/node/db/review-schema.ts';
import type { Db } from '../db/connect.ts';
import type { ChangeRow } from './change-entry.ts';

/** Rows per INSERT: 17,000 parameters, far below Postgres' limit of 65,535. */
export const MAX_BATCH_ROWS = 1_000;
/** At most this many rows wait in memory while Postgres is away. */
export const MAX_UNWRITTEN_ROWS = 50_000;
/** First retry after this long, doubling up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 250;
export const RETRY_MAX_MS = 10_000;

interface Batch {
  puts: ChangeRow[];
  removes: string[];
}

/** Stores one batch: upserts, then deletes. Injected so the writer can be driven without Postgres. */
export type StoreBatch = (batch: Batch) => Promise<void>;

/** The SQL of a batch, in one transaction. A checkpoint never overwrites a newer state of its row. */
export function postgresStore(db: Db): StoreBatch {
  return async ({ puts, removes }) => {
    await db.transaction(async (tx) => {
      if (puts.length > 0) {
        await tx
          .insert(changeLog)
          .values(puts)
          .onConflictDoUpdate({
            target: changeLog.id,
            set: {
              seq: sql`excluded.seq`,
              op: sql`excluded.op`,
              before: sql`excluded.before`,
              after: sql`excluded.after`,
              textOffset: sql`excluded.text_offset`,
              coauthors: sql`excluded.coauthors`,
              changes: sql`excluded.changes`,
              at: sql`excluded.at`,
            },
            setWhere: sql`${changeLog.seq} <= excluded.seq`,
          });
      }
      if (removes.length > 0) await tx.delete(changeLog).where(inArray(changeLog.id, removes));
    });
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the rows are at fault. */
function refusedForContent(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export interface ChangeWriterOptions {
  store: StoreBatch;
  logger: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class ChangeWriter {
  /** Puts not yet sent, by row id (the newest state of each row). */
  private puts = new Map<string, ChangeRow>();
  private removes = new Set<string>();
  /** Batches split off a refused one, written before anything new. */
  private split: Batch[] = [];
  private inFlight: { batch: Batch; promise: Promise<void> } | null = null;
  private retryDelay = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private failing: { since: number; failures: number } | null = null;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: ChangeWriterOptions) {}

  /** Queues the current state of a row (insert, or update of an earlier checkpoint). */
  put(row: ChangeRow): void {
    this.puts.set(row.id, row);
    this.removes.delete(row.id);
    this.bound();
    this.schedule();
  }

  /** Queues the removal of a row that may have been stored. */
  remove(id: string): void {
    this.puts.delete(id);
    this.removes.add(id);
    this.schedule();
  }

  /** Rows queued or on their way (what a reader must add to what Postgres holds). */
  pendingRows(configId: string): ChangeRow[] {
    const rows: ChangeRow[] = [];
    const batches = [...(this.inFlight ? [this.inFlight.batch] : []), ...this.split];
    for (const b of batches) for (const r of b.puts) if (r.configId === configId) rows.push(r);
    for (const r of this.puts.values()) if (r.configId === configId) rows.push(r);
    return rows;
  }

  /** Ids queued for removal or being removed (a reader hides their stored rows). */
  pendingRemovals(): Set<string> {
    const ids = new Set(this.removes);
    for (const b of [...(this.inFlight ? [this.inFlight.batch] : []), ...this.split]) for (const id of b.removes) ids.add(id);
    return ids;
  }

  private get idle(): boolean {
    return !this.inFlight && this.split.length === 0 && this.puts.size === 0 && this.removes.size === 0;
  }

  /** Resolves once everything queued so far is written, or given up after `timeoutMs`
   * (Postgres away at shutdown: the log is an account, the document itself is already safe). */
  flushed(timeoutMs = Infinity): Promise<boolean> {
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === Infinity ? null : setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        if (timer) clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private bound(): void {
    const over = this.puts.size - MAX_UNWRITTEN_ROWS;
    if (over <= 0) return;
    let dropped = 0;
    for (const id of this.puts.keys()) {
      if (dropped >= over) break;
      this.puts.delete(id);
      dropped++;
    }
    this.options.logger.error({ dropped }, 'change log backlog too long: oldest entries dropped');
  }

  private schedule(): void {
    // A microtask: everything queued in this turn (a tick's closed entries and checkpoints) joins one batch.
    queueMicrotask(() => this.sendNext());
  }

  private nextBatch(): Batch | null {
    if (this.split.length > 0) return this.split.shift()!;
    if (this.puts.size === 0 && this.removes.size === 0) return null;
    const puts = [...this.puts.values()].slice(0, MAX_BATCH_ROWS);
    for (const r of puts) this.puts.delete(r.id);
    // A removal's own put is never queued (remove() dropped it) and at most in flight before it.
    const removes = [...this.removes];
    this.removes.clear();
    return { puts, removes };
  }

  private sendNext(): void {
    if (this.inFlight || this.retryTimer || this.closed) return;
    const batch = this.nextBatch();
    if (!batch) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.send(batch);
  }

  private send(batch: Batch): void {
    const promise = this.options.store(batch).then(
      () => {
        this.inFlight = null;
        this.retryDelay = 0;
        if (this.failing) {
          this.options.logger.info({ failures: this.failing.failures, outageMs: Date.now() - this.failing.since }, 'change log writes succeed again');
          this.failing = null;
        }
        this.sendNext();
      },
      (error: unknown) => {
        this.inFlight = null;
        this.onFailed(batch, error);
      },
    );
    this.inFlight = { batch, promise };
  }

  private onFailed(batch: Batch, error: unknown): void {
    if (refusedForContent(error)) {
      const size = batch.puts.length + batch.removes.length;
      if (size <= 1 || batch.puts.length === 0) {
        this.options.logger.error({ err: error, ids: [...batch.puts.map((r) => r.id), ...batch.removes] }, 'change log row refused: dropped');
      } else {
        const half = Math.ceil(batch.puts.length / 2);
        const halves: Batch[] =
          batch.puts.length > 1
            ? [{ puts: batch.puts.slice(0, half), removes: [] }, { puts: batch.puts.slice(half), removes: batch.removes }]
            : [{ puts: batch.puts, removes: [] }, { puts: [], removes: batch.removes }];
        this.split.unshift(...halves.filter((b) => b.puts.length + b.removes.length > 0));
      }
      this.sendNext();
      return;
    }
    this.retryDelay = Math.min(this.retryDelay === 0 ? (this.options.retryBaseMs ?? RETRY_BASE_MS) : this.retryDelay * 2, this.options.retryMaxMs ?? RETRY_MAX_MS);
    if (!this.failing) {
      this.failing = { since: Date.now(), failures: 0 };
      this.options.logger.error({ err: error, rows: batch.puts.length, retryInMs: this.retryDelay }, 'change log write failed; kept in memory and retried');
    }
    this.failing.failures += 1;
    // The batch keeps its place at the head of the line.
    this.split.unshift(batch);
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.sendNext();
    }, this.retryDelay);
    this.retryTimer.unref();
  }
}
