/**
 * Keeps every loaded room equal to what Postgres holds, whatever the bus lost: a peer killed
 * between its commit and its publication, a Redis outage on either side, a publisher that failed
 * while the subscriber did not notice. Rooms are caught up
 *   - at once when they ask (a gap in the stored rows a bus message covers, a catch-up hint from a
 *     peer whose publications failed, a subscription confirmed late, Yjs holding pending structs),
 *   - after the bus reconnects (all rooms),
 *   - and at a steady interval while anyone is connected (covers a peer's silent death).
 * Each run is ONE indexed query for every room at once (rows after what the room holds), so the
 * steady interval costs one small query per second per process, whatever the number of rooms.
 */
import type { Logger } from 'pino';
import type { DocStorage } from '../storage/types.ts';
import type { Room } from './room.ts';

/** Steady catch-up while clients are connected. The bound is "equal to Postgres within
 * 2 s of the cause ending": one interval plus one query leaves a second of margin. */
export const CATCH_UP_INTERVAL_MS = 1_000;
/** A room still holding pending Yjs structs after a catch-up reloads its whole stored state, at
 * most this often: the missing piece may be in a snapshot or below the settled floor, but pending
 * structs can also come from a client's own incomplete update, which no reload fixes. */
export const FULL_RELOAD_MIN_INTERVAL_MS = 10_000;
/** Rooms per catch-up query: bounds the statement's size on a process holding many rooms. */
const MAX_ROOMS_PER_QUERY = 500;

export type CatchUpReason = 'interval' | 'gap' | 'hint' | 'reconnect' | 'subscribed' | 'pending';

export interface CatchUpObserver {
  /** A room was caught up for `reason` and received `updates` rows (and a snapshot) of `bytes`. */
  caughtUp(reason: CatchUpReason, updates: number, bytes: number): void;
  /** A catch-up query ran (successfully or not). */
  queried(ok: boolean): void;
}

export class RoomCatchUp {
  private readonly wanted = new Map<Room, CatchUpReason>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private readonly lastFullReload = new WeakMap<Room, number>();

  constructor(
    private readonly deps: {
      storage: Pick<DocStorage, 'readTails' | 'loadConfigDoc'>;
      logger: Logger;
      rooms: () => Iterable<Room>;
      observer?: CatchUpObserver;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      for (const room of this.deps.rooms()) if (room.connections.size > 0 && !this.wanted.has(room)) this.wanted.set(room, 'interval');
      this.kick();
    }, this.deps.intervalMs ?? CATCH_UP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Catch `room` up as soon as possible (coalesced with whatever else is waiting). */
  request(room: Room, reason: CatchUpReason): void {
    const had = this.wanted.get(room);
    if (!had || had === 'interval') this.wanted.set(room, reason);
    this.kick();
  }

  requestAll(reason: CatchUpReason): void {
    for (const room of this.deps.rooms()) this.request(room, reason);
  }

  /** Resolves when nothing is waiting or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.wanted.size === 0) return;
    this.running = this.runAll().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async runAll(): Promise<void> {
    const batch = [...this.wanted].filter(([room]) => !room.doc.isDestroyed);
    this.wanted.clear();
    for (let i = 0; i < batch.length; i += MAX_ROOMS_PER_QUERY) await this.run(batch.slice(i, i + MAX_ROOMS_PER_QUERY));
  }

  private async run(batch: Array<[Room, CatchUpReason]>): Promise<void> {
    const startedAt = Date.now();
    let results;
    try {
      results = await this.deps.storage.readTails(
        batch.map(([room]) => ({
          doc: room.key,
          after: room.stored.settled,
          known: room.stored.known(),
          snapshotVersion: room.stored.snapshotVersion,
        })),
      );
      this.deps.observer?.queried(true);
      if (this.failing) this.deps.logger.info('catch-up from Postgres works again');
      this.failing = false;
    } catch (error) {
      this.deps.observer?.queried(false);
      // Postgres is away: keep the rooms waiting (the next tick tries again); say so once.
      for (const [room, reason] of batch) if (!this.wanted.has(room)) this.wanted.set(room, reason);
      if (!this.failing) this.deps.logger.warn({ err: error }, 'catch-up from Postgres failed; retrying every interval');
      this.failing = true;
      return;
    }
    for (const [room, reason] of batch) {
      if (room.doc.isDestroyed) continue;
      const found = results.get(room.key.id);
      if (found) {
        const bytes = room.applyStored(found.snapshot ?? null, found.updates);
        this.deps.observer?.caughtUp(reason, found.updates.length, bytes);
      }
      room.stored.settle(startedAt);
      if (room.hasPending()) await this.fullReload(room);
    }
  }

  /** Applies the whole stored state (snapshot and every row): fills a hole below the settled
   * floor, whatever caused it. Idempotent like every Yjs apply. */
  private async fullReload(room: Room): Promise<void> {
    const last = this.lastFullReload.get(room) ?? 0;
    if (Date.now() - last < FULL_RELOAD_MIN_INTERVAL_MS) return;
    this.lastFullReload.set(room, Date.now());
    try {
      const stored = await this.deps.storage.loadConfigDoc(room.key);
      if (!stored || room.doc.isDestroyed) return;
      const updates = stored.updates.map((update, i) => ({ id: stored.updateIds?.[i] ?? 0, update }));
      const snapshot = stored.snapshot ? { state: stored.snapshot, version: stored.snapshotVersion ?? 0 } : null;
      const bytes = room.applyStored(snapshot, updates);
      this.deps.observer?.caughtUp('pending', updates.length, bytes);
      if (room.hasPending()) this.deps.logger.warn({ doc: room.key.id }, 'document holds pending structs that storage cannot complete');
    } catch (error) {
      this.deps.logger.warn({ err: error, doc: room.key.id }, 'full reload from Postgres failed');
    }
  }
}
