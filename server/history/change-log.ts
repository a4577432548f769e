/**
 * The change log: who changed which field, from what to what, and when.
 *
 * Every applied transaction is turned into field changes (`change-capture.ts`) and attributed to
 * its origin: the connection's person for live edits, the REST caller for writes and restores
 * (an ActingOrigin), the server for repairs. A burst of changes to one field by one person is
 * coalesced into one entry (typing a word is one change, not one per key) while it stays open;
 * entries are written in batches off the sync commit path, like the group committer does for
 * updates: closed ones once, open ones as checkpoints that are rewritten (upserted) while their
 * burst grows. Reads merge the entries still in memory, so the log is current on this process.
 *
 * Trade-off: what changed since the last write (at most about FLUSH_INTERVAL_MS) is lost if the
 * process is killed. The document itself is not: this is an account of changes, not the changes;
 * shutdown flushes everything.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { changeLog } from '../../shared/db/review-schema.ts';
import type { HistoryEvent } from '../../shared/history-types.ts';
import { toPointer } from '../../shared/json-pointer.ts';
import type { Db } from '../db/connect.ts';
import { REMOTE_ORIGIN, type Room, type RoomHooks } from '../sync/room.ts';
import { FieldTracker, NOTES_PATH } from './change-capture.ts';
import { entryView, rowView, stored, type ChangeEntry, type ChangeView, type LastChange } from './change-entry.ts';
import { authorOfOrigin, personView, type Person } from './people.ts';

export { MAX_LOGGED_VALUE_CHARS, textExcerpt, type ChangeEntry, type ChangeView, type LastChange } from './change-entry.ts';

/** A burst ends after this long without a change to its field: a pause in typing longer than a
 * breath starts a new entry, so the log shows the separate edits a person would remember. */
export const COALESCE_IDLE_MS = 5_000;
/** …and is closed after this long whatever happens, so a long typing session is not one entry and
 * nothing waits in memory for long. */
export const COALESCE_MAX_MS = 60_000;
/** More changes of hands than this per second on one field is people typing into it at the same
 * time (or a bot): from then on their bursts are one entry with co-authors, because cutting an
 * entry at every change of hands would read the whole field each time and flood the log. */
export const MAX_AUTHOR_SWITCHES_PER_SECOND = 10;
/** Closed entries are written this often: one INSERT per second at most, whatever the edit rate. */
export const FLUSH_INTERVAL_MS = 1_000;
/** Rows per INSERT: 17,000 parameters, far below Postgres' limit of 65,535. */
const MAX_BATCH_ROWS = 1_000;
/** If Postgres is away, at most this many entries wait in memory; the oldest are dropped (and
 * logged) beyond it, rather than growing memory without bound. */
export const MAX_UNWRITTEN_ENTRIES = 50_000;
/** A batch that keeps failing (e.g. its configuration was purged) is dropped after this many tries. */
const MAX_WRITE_ATTEMPTS = 5;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;

export interface ChangeLogDeps {
  db: Db;
  logger: Logger;
  /** Sends a live event to the `?ext=1` clients of a loaded configuration. */
  push: (configId: string, event: HistoryEvent) => void;
}

export class ChangeLog {
  private readonly trackers = new WeakMap<Room, FieldTracker>();
  /** The open entry of each (configuration, path). */
  private readonly open = new Map<string, ChangeEntry>();
  private closed: ChangeEntry[] = [];
  /** Ids of checkpointed entries whose burst ended as no change: their rows are deleted. */
  private retracted: string[] = [];
  /** The batch being written, and its promise. */
  private writing: ChangeEntry[] = [];
  private inFlight: Promise<boolean> | null = null;
  private lastSeq = 0;
  /** Changes of hands per field in the current second. */
  private readonly switches = new Map<string, { since: number; count: number }>();
  private readonly timer: NodeJS.Timeout;

  readonly hooks: RoomHooks = {
    afterTransaction: (room, transaction) => this.onTransaction(room, transaction),
  };

  constructor(private readonly deps: ChangeLogDeps) {
    this.timer = setInterval(() => void this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  private onTransaction(room: Room, transaction: Y.Transaction): void {
    let tracker = this.trackers.get(room);
    if (transaction.origin === 'load' || !tracker) {
      // The stored state is history already; from here on every field's value is known.
      this.trackers.set(room, new FieldTracker(room.doc));
      return;
    }
    if (transaction.changed.size === 0) return;
    const { fields, notes } = tracker.touched(transaction);
    if (transaction.origin === REMOTE_ORIGIN) {
      // Another server process committed it and logged it: here it only moves the tracker along.
      for (const key of fields) tracker.advance(key);
      return;
    }
    const { author, source } = authorOfOrigin(transaction.origin);
    const now = Date.now();
    const opened: ChangeEntry[] = [];
    for (const key of fields) {
      const entry = this.record(room.configId, tracker, key, transaction, author, source, now);
      if (entry) opened.push(entry);
    }
    if (notes) {
      const entry = this.recordNotes(room.configId, author, source, now);
      if (entry) opened.push(entry);
    }
    if (opened.length === 0) return;
    // An entry reveals its change: like the change itself, it leaves only once that is durable.
    // Without values: a text field is read when its burst ends ('closed' carries them).
    void room.whenSaved().then(() => {
      for (const e of opened) {
        const entry = { id: e.id, seq: e.seq, path: e.path, author: e.author, source: e.source, startedAt: new Date(e.startedAt).toISOString() };
        this.deps.push(room.configId, { type: 'change', action: 'started', entry });
      }
    });
  }

  private nextSeq(now: number): number {
    this.lastSeq = Math.max(now * 1000, this.lastSeq + 1);
    return this.lastSeq;
  }

  /** The open entry of a field that this change continues: same person, same way, in the window;
   * or anyone's, when hands change faster than MAX_AUTHOR_SWITCHES_PER_SECOND (people typing at
   * once, or the server repairing every keystroke of an over-long text). */
  private continued(key: string, author: Person, source: string, now: number): ChangeEntry | null {
    const current = this.open.get(key);
    if (!current || now - current.at > COALESCE_IDLE_MS || now - current.startedAt > COALESCE_MAX_MS) return null;
    const same = (p: Person) => p.id === author.id && p.name === author.name;
    if (!same(current.lastAuthor) || current.source !== source) {
      if (!this.handsChangeFast(key, now)) return null;
      if (!same(current.author) && !current.coauthors.some(same)) current.coauthors.push(author);
    }
    current.at = now;
    current.seq = this.nextSeq(now);
    current.changes += 1;
    current.lastAuthor = author;
    return current;
  }

  /** Counts a change of hands on a field; true once they change too fast to cut entries. */
  private handsChangeFast(key: string, now: number): boolean {
    let window = this.switches.get(key);
    if (!window || now - window.since > 1_000) this.switches.set(key, (window = { since: now, count: 0 }));
    window.count += 1;
    return window.count > MAX_AUTHOR_SWITCHES_PER_SECOND;
  }

  /** Folds a field's change into its open entry, or opens a new entry (returned). */
  private record(configId: string, tracker: FieldTracker, field: string, transaction: Y.Transaction, author: Person, source: string, now: number): ChangeEntry | null {
    const path = toPointer([field]);
    const key = `${configId}\u0000${path}`;
    // Multi-line text is read when the burst ends (or someone looks), never per keystroke.
    const follow = (entry: ChangeEntry) => {
      if (tracker.isText(field)) {
        entry.text = true;
        entry.readAfter ??= () => {
          const value = tracker.current(field);
          tracker.settle(field, value);
          return value;
        };
      } else {
        entry.readAfter = null;
        entry.after = tracker.current(field);
      }
    };
    const continuing = this.continued(key, author, source, now);
    if (continuing) {
      tracker.advance(field);
      follow(continuing);
      return null;
    }
    const before = tracker.before(field, transaction);
    // Another person (or another way of changing) ends the burst, so the order of authors stays true.
    const previous = this.open.get(key);
    if (previous) {
      previous.readAfter = null;
      previous.after = before;
      this.closeEntry(key, previous);
    }
    tracker.advance(field);
    const entry: ChangeEntry = {
      id: randomUUID(),
      configId,
      seq: this.nextSeq(now),
      path,
      before,
      after: undefined,
      readAfter: null,
      text: false,
      author,
      coauthors: [],
      lastAuthor: author,
      source,
      changes: 1,
      startedAt: now,
      at: now,
      attempts: 0,
      checkpointedSeq: 0,
      mayBeStored: false,
    };
    follow(entry);
    this.open.set(key, entry);
    return entry;
  }

  private recordNotes(configId: string, author: Person, source: string, now: number): ChangeEntry | null {
    const key = `${configId}\u0000${NOTES_PATH}`;
    if (this.continued(key, author, source, now)) return null;
    const previous = this.open.get(key);
    if (previous) this.closeEntry(key, previous);
    const entry: ChangeEntry = {
      id: randomUUID(),
      configId,
      seq: this.nextSeq(now),
      path: NOTES_PATH,
      before: undefined,
      after: undefined,
      readAfter: null,
      text: false,
      author,
      coauthors: [],
      lastAuthor: author,
      source,
      changes: 1,
      startedAt: now,
      at: now,
      attempts: 0,
      checkpointedSeq: 0,
      mayBeStored: false,
    };
    this.open.set(key, entry);
    return entry;
  }

  private closeEntry(key: string, entry: ChangeEntry): void {
    this.open.delete(key);
    if (entry.readAfter) {
      // Read once, now, and never again: the entry is final.
      try {
        entry.after = entry.readAfter();
      } catch (error) {
        this.deps.logger.warn({ err: error, configId: entry.configId, path: entry.path }, 'could not read the value after a change');
      }
      entry.readAfter = null;
    }
    const view = entryView(entry);
    if (!view) {
      // The burst undid itself; a checkpoint of it must not stay behind as a change.
      if (entry.mayBeStored) this.retracted.push(entry.id);
      return;
    }
    this.closed.push(entry);
    this.deps.push(entry.configId, { type: 'change', action: 'closed', entry: view });
    if (this.closed.length > MAX_UNWRITTEN_ENTRIES) {
      const dropped = this.closed.splice(0, this.closed.length - MAX_UNWRITTEN_ENTRIES);
      this.deps.logger.error({ dropped: dropped.length }, 'change log backlog too long: oldest entries dropped');
    }
  }

  private closeDue(now: number, all: boolean): void {
    for (const [key, entry] of this.open) {
      if (all || now - entry.at > COALESCE_IDLE_MS || now - entry.startedAt > COALESCE_MAX_MS) this.closeEntry(key, entry);
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    this.closeDue(now, false);
    for (const [key, window] of this.switches) if (now - window.since > 1_000) this.switches.delete(key);
    await this.write();
  }

  /** Open entries changed since they were last written. */
  private dueCheckpoints(): ChangeEntry[] {
    const due: ChangeEntry[] = [];
    for (const e of this.open.values()) if (e.seq !== e.checkpointedSeq) due.push(e);
    return due;
  }

  private hasWork(): boolean {
    return this.closed.length > 0 || this.retracted.length > 0 || this.dueCheckpoints().length > 0;
  }

  /** Writes one batch of closed entries, checkpoints of open ones and retractions (or joins the
   * write under way); false when it failed. */
  private write(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (!this.hasWork()) return Promise.resolve(true);
    this.inFlight = this.writeBatch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private row(e: ChangeEntry) {
    const value = stored(e);
    if (!value) return null;
    return {
      id: e.id,
      configId: e.configId,
      seq: e.seq,
      path: e.path,
      ...value,
      authorId: e.author.id,
      authorName: e.author.name,
      authorKind: e.author.kind,
      coauthors: e.coauthors.length > 0 ? e.coauthors : null,
      source: e.source,
      changes: e.changes,
      startedAt: new Date(e.startedAt),
      at: new Date(e.at),
    };
  }

  private async writeBatch(): Promise<boolean> {
    this.writing = this.closed.splice(0, MAX_BATCH_ROWS);
    const batch = this.writing;
    const retracted = this.retracted.splice(0, MAX_BATCH_ROWS);
    // Open entries are written too (and rewritten while they grow), so a crash loses at most
    // about FLUSH_INTERVAL_MS of the log, not a whole open burst.
    const checkpoints: Array<{ entry: ChangeEntry; seq: number }> = [];
    const rows: Array<NonNullable<ReturnType<ChangeLog['row']>>> = [];
    for (const e of batch) {
      const row = this.row(e);
      if (row) rows.push(row);
    }
    for (const e of this.dueCheckpoints().slice(0, MAX_BATCH_ROWS)) {
      const row = this.row(e);
      if (!row) continue;
      rows.push(row);
      checkpoints.push({ entry: e, seq: e.seq });
      // Before the write: should the burst undo itself meanwhile, its row is retracted either way.
      e.mayBeStored = true;
    }
    try {
      if (rows.length > 0) {
        await this.deps.db
          .insert(changeLog)
          .values(rows)
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
          });
      }
      if (retracted.length > 0) await this.deps.db.delete(changeLog).where(inArray(changeLog.id, retracted));
      for (const c of checkpoints) c.entry.checkpointedSeq = c.seq;
      return true;
    } catch (error) {
      const retry = batch.filter((e) => ++e.attempts < MAX_WRITE_ATTEMPTS);
      this.deps.logger.error({ err: error, entries: batch.length, dropped: batch.length - retry.length }, 'change log write failed');
      this.closed.unshift(...retry);
      this.retracted.unshift(...retracted);
      return false;
    } finally {
      this.writing = [];
    }
  }

  /** Closes every open entry and writes everything (shutdown, tests). */
  async flush(): Promise<void> {
    this.closeDue(Date.now(), true);
    for (;;) {
      if (this.inFlight) await this.inFlight;
      if (!this.hasWork()) return;
      if (!(await this.write())) return;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Entries of a configuration not yet in Postgres, as shown (no-op bursts left out). */
  private pendingOf(configId: string): Array<ChangeView & { lastAuthor: Person }> {
    const mine = (e: ChangeEntry) => e.configId === configId;
    const views: Array<ChangeView & { lastAuthor: Person }> = [];
    for (const e of [...this.writing.filter(mine), ...this.closed.filter(mine), ...[...this.open.values()].filter(mine)]) {
      const view = entryView(e);
      if (view) views.push({ ...view, lastAuthor: e.lastAuthor });
    }
    return views;
  }

  /** The timeline of a configuration, newest first; `path` narrows it to one field. */
  async list(configId: string, options: { path?: string; limit: number; before?: number }): Promise<{ entries: ChangeView[]; next: number | null }> {
    const conditions = [eq(changeLog.configId, configId)];
    if (options.path !== undefined) conditions.push(eq(changeLog.path, options.path));
    if (options.before !== undefined) conditions.push(lt(changeLog.seq, options.before));
    const rows = await this.deps.db
      .select()
      .from(changeLog)
      .where(and(...conditions))
      .orderBy(desc(changeLog.seq))
      .limit(options.limit);
    const byId = new Map(rows.map((r) => [r.id, rowView(r)]));
    for (const e of this.pendingOf(configId)) {
      if (options.path !== undefined && e.path !== options.path) continue;
      if (options.before !== undefined && e.seq >= options.before) continue;
      const { lastAuthor: _, ...view } = e;
      byId.set(e.id, view);
    }
    const entries = [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, options.limit);
    return { entries, next: entries.length === options.limit ? entries[entries.length - 1].seq : null };
  }

  /**
   * Ids of everyone who changed the configuration (not the notes: they are not part of what a
   * review approves) in a burst that ended after `from` (null: ever) and began by `to`, entries
   * still in memory included. Approvals by these people do not count (server/review).
   */
  async authorsBetween(configId: string, from: Date | null, to: Date): Promise<Set<string>> {
    return authorsBetween(this.deps.db, configId, from, to, this.pendingOf(configId));
  }

  /** For each path, who changed it last and when (the form's hover). */
  async lastByPath(configId: string): Promise<Record<string, LastChange>> {
    const rows = await this.deps.db
      .selectDistinctOn([changeLog.path])
      .from(changeLog)
      .where(eq(changeLog.configId, configId))
      .orderBy(changeLog.path, desc(changeLog.seq));
    const last = new Map<string, { seq: number; view: LastChange }>();
    for (const r of rows) {
      last.set(r.path, { seq: r.seq, view: { author: personView(r.authorId, r.authorName, r.authorKind), at: r.at.toISOString(), source: r.source } });
    }
    for (const e of this.pendingOf(configId)) {
      const known = last.get(e.path);
      if (!known || known.seq < e.seq) last.set(e.path, { seq: e.seq, view: { author: e.lastAuthor, at: e.at, source: e.source } });
    }
    return Object.fromEntries([...last].map(([path, { view }]) => [path, view]));
  }
}

/** `ChangeLog.authorsBetween` over the stored log plus `pending` entries (none: the log alone). */
export async function authorsBetween(db: Db, configId: string, from: Date | null, to: Date, pending: ChangeView[] = []): Promise<Set<string>> {
  const conditions = [eq(changeLog.configId, configId), ne(changeLog.path, NOTES_PATH), lte(changeLog.startedAt, to)];
  if (from) conditions.push(gt(changeLog.at, from));
  const rows = await db
    .selectDistinct({ authorId: changeLog.authorId, coauthors: changeLog.coauthors })
    .from(changeLog)
    .where(and(...conditions));
  const ids = new Set<string>();
  const add = (people: Array<{ id: string | null }>) => {
    for (const p of people) if (p.id) ids.add(p.id);
  };
  for (const r of rows) add([{ id: r.authorId }, ...((r.coauthors as Person[] | null) ?? [])]);
  for (const e of pending) {
    if (e.path === NOTES_PATH || new Date(e.startedAt) > to || (from && new Date(e.at) <= from)) continue;
    add([e.author, ...(e.coauthors ?? [])]);
  }
  return ids;
}
