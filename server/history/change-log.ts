/**
 * The change log: who changed which field, how, and when.
 *
 * Three parts, wired here:
 * - `burst-coalescer.ts` (pure): the burst rules, one entry per burst of one person on one field;
 *   text recorded as edits (`text-edits.ts`) so concurrent typists are kept apart;
 * - `change-writer.ts`: writes rows in ordered batches off the sync commit path, retried with
 *   backoff like the group committer;
 * - `change-reader.ts`: the REST listing, stored rows merged with what is not written yet.
 *
 * Every applied transaction is turned into field changes (`change-capture.ts`) and attributed to
 * its origin: the connection's person for live edits, the REST caller for writes and restores
 * (an `actor` origin), the server for repairs. Closed entries are written once; open ones are
 * checkpointed about once per CHECKPOINT_INTERVAL_MS (rewritten while their burst grows, spread
 * over the ticks of that second: `checkpoint-schedule.ts`), so a SIGKILL loses about a second of
 * the log at most, not a whole open burst. The document itself is never at stake:
 * this is an account of changes, not the changes; shutdown closes and writes everything.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import type { Db } from '../db/connect.ts';
import { originOf, type Room, type RoomHooks } from '../sync/room.ts';
import { BurstCoalescer, type Burst } from './burst-coalescer.ts';
import { FieldTracker, textAt } from './change-capture.ts';
import { burstRow, burstView, rowView, type ChangeRow, type ChangeView, type LastChange } from './change-entry.ts';
import { ChangeReader, type PendingView } from './change-reader.ts';
import { ChangeWriter, postgresStore } from './change-writer.ts';
import { CHECKPOINT_TICK_MS, dueCheckpoints } from './checkpoint-schedule.ts';
import { authorOfOrigin, type Person } from './people.ts';
import { changeLog } from '../../shared/node/db/review-schema.ts';

/** Path prefix of the change-log entries of first-boot secrets: `#secrets/rootPassword`. */
export const SECRETS_PATH_PREFIX = '#secrets/';

export { COALESCE_IDLE_MS, COALESCE_MAX_MS, MAX_AUTHOR_SWITCHES_PER_SECOND } from './burst-coalescer.ts';
export { MAX_LOGGED_VALUE_CHARS, type ChangeView, type LastChange } from './change-entry.ts';
export { authorsBetween, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from './change-reader.ts';

/** Shutdown waits this long for the last rows when Postgres does not answer. */
const SHUTDOWN_FLUSH_MS = 5_000;

export interface ChangeLogDeps {
  db: Db;
  logger: Logger;
  /** Sends a live event to the configuration's extension clients (`ExtPayloads`). */
  push: ExtPublisher;
}

export class ChangeLog {
  private readonly trackers = new WeakMap<Room, FieldTracker>();
  /** The room of each configuration seen, to read a text when an entry is settled. */
  private readonly rooms = new Map<string, WeakRef<Room>>();
  /** Forgets a room's entry once the room is collected. (Pruning on every tick walked every
   * loaded room four times a second, and allocated for it, on an idle server too.) */
  private readonly roomGone = new FinalizationRegistry<{ configId: string; ref: WeakRef<Room> }>(({ configId, ref }) => {
    if (this.rooms.get(configId) === ref) this.rooms.delete(configId);
  });
  private readonly coalescer = new BurstCoalescer({ newId: randomUUID });
  private readonly writer: ChangeWriter;
  private readonly reader: ChangeReader;
  /** `seq` and time of each open burst's last checkpoint. */
  private readonly checkpointed = new Map<string, { seq: number; at: number }>();
  /** Opened bursts whose "started" event waits for their change to be durable. */
  private readonly unannounced = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  readonly hooks: RoomHooks = {
    afterTransaction: (room, transaction) => this.onTransaction(room, transaction),
  };

  constructor(private readonly deps: ChangeLogDeps) {
    this.writer = new ChangeWriter({ store: postgresStore(deps.db), logger: deps.logger });
    this.reader = new ChangeReader(deps.db, { pending: (id) => this.pendingOf(id), removing: () => this.writer.pendingRemovals() });
    // Each tick closes what is due and checkpoints its share of what grew.
    this.timer = setInterval(() => this.tick(Date.now()), CHECKPOINT_TICK_MS);
    this.timer.unref();
  }

  private onTransaction(room: Room, transaction: Y.Transaction): void {
    const tracker = this.trackers.get(room);
    const origin = originOf(transaction.origin);
    if (origin.kind === 'load' || !tracker) {
      // The stored state is history already; from here on every field's value is known.
      this.trackers.set(room, new FieldTracker(room.doc));
      if (this.rooms.get(room.configId)?.deref() !== room) {
        const ref = new WeakRef(room);
        this.rooms.set(room.configId, ref);
        this.roomGone.register(room, { configId: room.configId, ref });
      }
      return;
    }
    if (transaction.changed.size === 0) return;
    const changes = tracker.changes(transaction);
    if (changes.length === 0) return;
    if (origin.kind === 'remote') {
      // Another server process committed it and logs it: here it only moves open bursts' edits.
      for (const c of changes) if (c.kind === 'text') this.coalescer.move(room.configId, c.path, c.ops);
      return;
    }
    const { author, source } = authorOfOrigin(transaction.origin);
    const { opened, closed } = this.coalescer.record(room.configId, author, source, changes, Date.now());
    for (const b of closed) this.finish(b);
    if (opened.length === 0) return;
    for (const b of opened) this.unannounced.add(b.id);
    // An entry reveals its change: like the change itself, it leaves only once that is durable.
    void room.whenSaved().then(() => {
      for (const b of opened) {
        if (!this.unannounced.delete(b.id)) continue;
        const entry = { id: b.id, seq: b.seq, path: b.path, author: b.author, source: b.source, startedAt: new Date(b.startedAt).toISOString() };
        this.deps.push(room.configId, 'change', { action: 'started', entry });
      }
    });
  }

  /** Reads a burst's text now (only if a replacement inside a word needs the rest of the word). */
  private textOf(b: Burst): () => string | undefined {
    return () => {
      const room = this.rooms.get(b.configId)?.deref();
      return room ? textAt(room.doc, b.path) : undefined;
    };
  }

  /** A closed burst: written once and announced, or taken back if it changed nothing. */
  private finish(b: Burst): void {
    const announced = !this.unannounced.delete(b.id);
    const row = burstRow(b, this.textOf(b));
    const wasCheckpointed = this.checkpointed.delete(b.id);
    if (row) {
      this.writer.put(row);
      this.deps.push(b.configId, 'change', { action: 'closed', entry: rowView(row) });
      return;
    }
    if (wasCheckpointed) this.writer.remove(b.id);
    if (announced) this.deps.push(b.configId, 'change', { action: 'retracted', id: b.id });
  }

  /** Closes what is due and checkpoints a share of what grew (all of it with `all`). */
  private tick(now: number, all = false): void {
    for (const b of this.coalescer.closeDue(now, all)) this.finish(b);
    const grown: Array<{ id: string; since: number; burst: Burst }> = [];
    for (const b of this.coalescer.openBursts()) {
      const last = this.checkpointed.get(b.id);
      if (last?.seq !== b.seq) grown.push({ id: b.id, since: last?.at ?? b.startedAt, burst: b });
    }
    for (const { burst: b } of dueCheckpoints(grown, now, all)) {
      const row = burstRow(b, this.textOf(b));
      if (row) {
        this.writer.put(row);
        this.checkpointed.set(b.id, { seq: b.seq, at: now });
      } else if (this.checkpointed.delete(b.id)) {
        // Typed back to nothing for now: its checkpoint must not stand as a change.
        this.writer.remove(b.id);
      }
    }
  }

  /**
   * "secret X changed by Y" (docs/security.md, "First-boot secrets"): one entry at the path
   * `#secrets/<name>` with op add (set), change (replaced) or remove (cleared), and never a
   * value (`before` and `after` are null). Written before it resolves, then announced live.
   */
  async recordSecretChange(configId: string, name: string, op: 'add' | 'change' | 'remove', author: Person): Promise<void> {
    const now = Date.now();
    const row: ChangeRow = {
      id: randomUUID(),
      configId,
      seq: this.coalescer.takeSeq(now),
      path: `${SECRETS_PATH_PREFIX}${name}`,
      op,
      before: null,
      after: null,
      textOffset: null,
      authorId: author.id,
      authorName: author.name,
      authorKind: author.kind,
      coauthors: null,
      source: 'rest',
      changes: 1,
      startedAt: new Date(now),
      at: new Date(now),
    };
    await this.deps.db.insert(changeLog).values(row);
    this.deps.push(configId, 'change', { action: 'closed', entry: rowView(row) });
  }

  /** Closes every open entry and writes everything (shutdown, tests). */
  async flush(): Promise<void> {
    this.tick(Date.now(), true);
    if (!(await this.writer.flushed(SHUTDOWN_FLUSH_MS))) this.deps.logger.error('change log rows not written at shutdown: Postgres did not answer');
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.writer.close();
  }

  /** Entries of a configuration not yet in Postgres (open, or queued), newest state of each. */
  private pendingOf(configId: string): PendingView[] {
    const byId = new Map<string, PendingView>();
    for (const row of this.writer.pendingRows(configId)) {
      const view = rowView(row);
      byId.set(row.id, { ...view, lastAuthor: view.author });
    }
    for (const b of this.coalescer.openBursts(configId)) {
      const view = burstView(b, this.textOf(b));
      if (view) byId.set(b.id, { ...view, lastAuthor: b.lastAuthor });
      else byId.delete(b.id);
    }
    return [...byId.values()];
  }

  /** The timeline of a configuration, newest first; `path` narrows it to one field. */
  list(configId: string, options: { path?: string; limit: number; before?: number }): Promise<{ entries: ChangeView[]; next: number | null }> {
    return this.reader.list(configId, options);
  }

  /** See ChangeReader.authorsBetween. */
  authorsBetween(configId: string, from: Date | null, to: Date): Promise<Set<string>> {
    return this.reader.authorsBetween(configId, from, to);
  }

  /** For each path, who changed it last and when (the form's hover). */
  lastByPath(configId: string): Promise<Record<string, LastChange>> {
    return this.reader.lastByPath(configId);
  }
}
