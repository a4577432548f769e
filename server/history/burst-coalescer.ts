/**
 * The change log's burst rules, pure: no database, no timers, no Yjs. It is told each
 * transaction's field changes with who made them and when (`record`), and when time passes
 * (`closeDue`); it answers with the entries (bursts) that opened and closed.
 *
 * - One entry per burst of one person (and one way of changing: sync, rest, …) on one field:
 *   typing a word is one entry, not one per key.
 * - A burst closes after COALESCE_IDLE_MS without a change by its person to its field, after
 *   COALESCE_MAX_MS whatever happens, and when its person moves on to another field.
 * - Text (free-text fields and the notes) is recorded as edits (`text-edits.ts`). Two people
 *   typing into the same text at once each get their own entry: the other's keystrokes only move
 *   the positions of one's edits, they neither join nor close it.
 * - A value (a choice, a number, a list…) has one value at a time, so a change by someone else
 *   closes the open entry (its "after" is what they changed); the order of authors stays true.
 *   Only when hands change faster than MAX_AUTHOR_SWITCHES_PER_SECOND (a bot, or two people
 *   editing one list at once) does the open entry take the others in as co-authors instead of
 *   cutting an entry at every change.
 */
import { jsonEqual } from '../../shared/doc-diff.ts';
import type { Person } from '../../shared/history-types.ts';
import { applyOthers, applyOwn, editsOf, type Hunk, type TextOp } from './text-edits.ts';

/** A burst ends after this long without a change by its person to its field: a pause in typing
 * longer than a breath starts a new entry, so the log shows the separate edits a person would
 * remember. */
export const COALESCE_IDLE_MS = 5_000;
/** …and is closed after this long whatever happens, so a long typing session is not one entry and
 * nothing waits in memory for long. */
export const COALESCE_MAX_MS = 60_000;
/** Changes of hands per second on one value field beyond which they are folded into one entry
 * with co-authors (see above). Text never needs it: concurrent typists have entries of their own. */
export const MAX_AUTHOR_SWITCHES_PER_SECOND = 10;
/** Separate places edited in one text burst before it is closed and a new entry starts: keeps an
 * entry readable and the work per keystroke (moving the hunks) small. */
export const MAX_HUNKS_PER_ENTRY = 50;

/** What one transaction did to one field. */
export type FieldChange =
  | { path: string; kind: 'value'; before: unknown; after: unknown }
  /** `ops` in sequence, in the coordinates of the text as each found it (`TextOp`). */
  | { path: string; kind: 'text'; ops: TextOp[] };

interface BurstBase {
  id: string;
  configId: string;
  path: string;
  /** Ordering key: epoch microseconds of the last change, strictly increasing. */
  seq: number;
  author: Person;
  /** Value fields only: others folded in while hands changed too fast. */
  coauthors: Person[];
  /** Who made the last change of the entry. */
  lastAuthor: Person;
  source: string;
  /** Transactions folded into this entry. */
  changes: number;
  startedAt: number;
  at: number;
}

export interface ValueBurst extends BurstBase {
  kind: 'value';
  before: unknown;
  after: unknown;
}

export interface TextBurst extends BurstBase {
  kind: 'text';
  hunks: Hunk[];
}

export type Burst = ValueBurst | TextBurst;

/** False when the burst changed nothing overall (typed and deleted again, set and set back). */
export function burstChanged(b: Burst): boolean {
  if (b.kind === 'text') return editsOf(b.hunks).length > 0;
  return b.before === undefined ? b.after !== undefined : b.after === undefined || !jsonEqual(b.before, b.after);
}

export interface CoalescerOptions {
  /** A new entry's id (randomUUID in the server, a counter in tests). */
  newId: () => string;
  idleMs?: number;
  maxMs?: number;
}

const samePerson = (a: Person, b: Person) => a.id === b.id && a.name === b.name;
const fieldKey = (configId: string, path: string) => `${configId}\u0000${path}`;

export class BurstCoalescer {
  /** The open bursts of each (configuration, path), oldest first. */
  private readonly open = new Map<string, Burst[]>();
  /** Changes of hands per value field in the current second. */
  private readonly switches = new Map<string, { since: number; count: number }>();
  private lastSeq = 0;
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: CoalescerOptions) {
    this.idleMs = options.idleMs ?? COALESCE_IDLE_MS;
    this.maxMs = options.maxMs ?? COALESCE_MAX_MS;
  }

  /** A seq for an entry made outside a burst (ChangeLog.recordSecretChange): the same order. */
  takeSeq(now: number): number {
    return this.nextSeq(now);
  }

  private nextSeq(now: number): number {
    this.lastSeq = Math.max(now * 1000, this.lastSeq + 1);
    return this.lastSeq;
  }

  private expired(b: Burst, now: number): boolean {
    return now - b.at > this.idleMs || now - b.startedAt > this.maxMs;
  }

  private bursts(key: string): Burst[] {
    let list = this.open.get(key);
    if (!list) this.open.set(key, (list = []));
    return list;
  }

  private close(key: string, burst: Burst, closed: Burst[]): void {
    const list = this.open.get(key);
    if (list) {
      const i = list.indexOf(burst);
      if (i !== -1) list.splice(i, 1);
      if (list.length === 0) this.open.delete(key);
    }
    closed.push(burst);
  }

  private base(configId: string, path: string, author: Person, source: string, now: number): BurstBase {
    return { id: this.options.newId(), configId, path, seq: this.nextSeq(now), author, coauthors: [], lastAuthor: author, source, changes: 1, startedAt: now, at: now };
  }

  private touch(b: Burst, author: Person, now: number): void {
    b.at = now;
    b.seq = this.nextSeq(now);
    b.changes += 1;
    b.lastAuthor = author;
  }

  /** Counts a change of hands on a value field; true once they change too fast to cut entries. */
  private handsChangeFast(key: string, now: number): boolean {
    let window = this.switches.get(key);
    if (!window || now - window.since > 1_000) this.switches.set(key, (window = { since: now, count: 0 }));
    window.count += 1;
    return window.count > MAX_AUTHOR_SWITCHES_PER_SECOND;
  }

  /**
   * One transaction's changes, by `author` in the way `source`, at `now`. Returns the entries it
   * opened and those it closed (in the order they closed; some may have changed nothing overall:
   * see `burstChanged`).
   */
  record(configId: string, author: Person, source: string, changes: readonly FieldChange[], now: number): { opened: Burst[]; closed: Burst[] } {
    const opened: Burst[] = [];
    const closed: Burst[] = [];
    const mine = (b: Burst) => samePerson(b.author, author) && b.source === source;
    for (const change of changes) {
      const key = fieldKey(configId, change.path);
      const list = this.bursts(key);
      for (const b of [...list]) if (this.expired(b, now)) this.close(key, b, closed);
      if (change.kind === 'value') {
        let current = list.find((b): b is ValueBurst => b.kind === 'value');
        // A new value replaces any text being typed (a text field set to something else).
        for (const b of [...list]) if (b.kind === 'text') this.close(key, b, closed);
        if (current && !mine(current)) {
          // Still folding: the last change was this person's already (a co-author's).
          const folded = (samePerson(current.lastAuthor, author) && current.coauthors.length > 0) || this.handsChangeFast(key, now);
          if (folded) {
            if (!samePerson(current.author, author) && !current.coauthors.some((p) => samePerson(p, author))) current.coauthors.push(author);
          } else {
            this.close(key, current, closed);
            current = undefined;
          }
        } else if (current && !samePerson(current.lastAuthor, author)) {
          this.handsChangeFast(key, now);
        }
        if (current) {
          this.touch(current, author, now);
          current.after = change.after;
        } else {
          const burst: ValueBurst = { ...this.base(configId, change.path, author, source, now), kind: 'value', before: change.before, after: change.after };
          this.bursts(key).push(burst);
          opened.push(burst);
        }
        continue;
      }
      let own: TextBurst | undefined;
      for (const b of [...list]) {
        if (b.kind === 'value') this.close(key, b, closed);
        else if (mine(b)) own = b;
        else b.hunks = applyOthers(b.hunks, change.ops);
      }
      if (own && own.hunks.length >= MAX_HUNKS_PER_ENTRY) {
        this.close(key, own, closed);
        own = undefined;
      }
      if (own) {
        this.touch(own, author, now);
        own.hunks = applyOwn(own.hunks, change.ops);
      } else {
        const burst: TextBurst = { ...this.base(configId, change.path, author, source, now), kind: 'text', hunks: applyOwn([], change.ops) };
        this.bursts(key).push(burst);
        opened.push(burst);
      }
    }
    // Moving on to another field ends this person's bursts elsewhere in the configuration.
    const touched = new Set(changes.map((c) => fieldKey(configId, c.path)));
    const prefix = fieldKey(configId, '');
    for (const [key, list] of this.open) {
      if (touched.has(key) || !key.startsWith(prefix)) continue;
      for (const b of [...list]) if (mine(b)) this.close(key, b, closed);
    }
    return { opened, closed };
  }

  /** Someone's operations on a text that are recorded elsewhere (another server process): only
   * the open bursts' positions move. */
  move(configId: string, path: string, ops: readonly TextOp[]): void {
    for (const b of this.open.get(fieldKey(configId, path)) ?? []) if (b.kind === 'text') b.hunks = applyOthers(b.hunks, ops);
  }

  /** Closes the bursts that are over at `now` (all of them with `all`: shutdown). */
  closeDue(now: number, all = false): Burst[] {
    const closed: Burst[] = [];
    for (const [key, list] of this.open) for (const b of [...list]) if (all || this.expired(b, now)) this.close(key, b, closed);
    for (const [key, window] of this.switches) if (now - window.since > 1_000) this.switches.delete(key);
    return closed;
  }

  /** The open bursts (of one configuration). */
  openBursts(configId?: string): Burst[] {
    const out: Burst[] = [];
    for (const list of this.open.values()) for (const b of list) if (configId === undefined || b.configId === configId) out.push(b);
    return out;
  }
}
