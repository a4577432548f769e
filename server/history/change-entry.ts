/**
 * One change-log entry: what is kept while its burst is open, and how it is shown and stored.
 */
import { changeLog } from '../../shared/db/review-schema.ts';
import { jsonEqual } from '../../shared/doc-diff.ts';
import { NOTES_PATH } from './change-capture.ts';
import type { ChangeOp, ChangeView, LastChange } from '../../shared/history-types.ts';
import { personView, type Person } from './people.ts';

export type { ChangeOp, ChangeView, LastChange };

/** Values longer than this (characters of JSON) are recorded as `{ "$omitted": <length> }`: twice
 * the longest field the schema allows (the customize script), so only oversize input that the
 * schema authority reverts anyway is left out. */
export const MAX_LOGGED_VALUE_CHARS = 131_072;

export interface ChangeEntry {
  id: string;
  configId: string;
  seq: number;
  path: string;
  before: unknown;
  after: unknown;
  /** For a multi-line text field still being typed into: reads its value now. */
  readAfter: (() => unknown) | null;
  /** Multi-line text: stored and shown as the changed part only (see `offset`). */
  text: boolean;
  author: Person;
  /** Others who typed into the field at the same time (see MAX_AUTHOR_SWITCHES_PER_SECOND). */
  coauthors: Person[];
  /** Who made the last change of the entry. */
  lastAuthor: Person;
  source: string;
  changes: number;
  startedAt: number;
  at: number;
  attempts: number;
  /** `seq` of the state last written to Postgres while the entry was open (0: never written). */
  checkpointedSeq: number;
  /** A checkpoint of it was sent to Postgres (it may have a row even if that write failed). */
  mayBeStored: boolean;
}

function limited(value: unknown): unknown {
  if (value === undefined) return undefined;
  const length = typeof value === 'string' ? value.length + 2 : JSON.stringify(value).length;
  return length > MAX_LOGGED_VALUE_CHARS ? { $omitted: length } : value;
}

const isSurrogateHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The part of a text that changed: `before` and `after` without their common prefix and suffix. */
export function textExcerpt(before: string, after: string): { before: string; after: string; offset: number } {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isSurrogateHigh(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isSurrogateHigh(before.charCodeAt(before.length - suffix - 1))) suffix--;
  return { before: before.slice(prefix, before.length - suffix), after: after.slice(prefix, after.length - suffix), offset: prefix };
}

const opOf = (path: string, before: unknown, after: unknown): ChangeOp =>
  path === NOTES_PATH ? 'change' : before === undefined || before === null ? 'add' : after === undefined || after === null ? 'remove' : 'change';

/** The entry as shown and stored; reads a text field still being typed into. */
function settled(e: ChangeEntry): { op: ChangeOp; before: unknown; after: unknown; offset?: number } | null {
  const after = e.readAfter ? e.readAfter() : e.after;
  if (e.path !== NOTES_PATH && (e.before === undefined ? after === undefined : after !== undefined && jsonEqual(e.before, after))) return null;
  const op = opOf(e.path, e.before, after);
  if (e.text && typeof e.before === 'string' && typeof after === 'string') {
    const x = textExcerpt(e.before, after);
    return { op, before: limited(x.before), after: limited(x.after), offset: x.offset };
  }
  return { op, before: limited(e.before) ?? null, after: limited(after) ?? null };
}

/** The value columns of an entry's row as it stands now (final once the entry is closed), or
 * null while its burst has changed nothing overall. */
export function stored(e: ChangeEntry) {
  const value = settled(e);
  if (!value) return null;
  return { op: value.op, before: value.before ?? null, after: value.after ?? null, textOffset: value.offset ?? null };
}

export function entryView(e: ChangeEntry): ChangeView | null {
  const value = settled(e);
  if (!value) return null;
  return {
    id: e.id,
    seq: e.seq,
    path: e.path,
    ...value,
    author: e.author,
    ...(e.coauthors.length > 0 ? { coauthors: e.coauthors } : {}),
    source: e.source,
    changes: e.changes,
    startedAt: new Date(e.startedAt).toISOString(),
    at: new Date(e.at).toISOString(),
  };
}

type Row = typeof changeLog.$inferSelect;

export function rowView(r: Row): ChangeView {
  return {
    id: r.id,
    seq: r.seq,
    path: r.path,
    op: r.op as ChangeOp,
    before: r.before ?? null,
    after: r.after ?? null,
    ...(r.textOffset === null ? {} : { offset: r.textOffset }),
    author: personView(r.authorId, r.authorName, r.authorKind),
    ...(r.coauthors ? { coauthors: r.coauthors as Person[] } : {}),
    source: r.source,
    changes: r.changes,
    startedAt: r.startedAt.toISOString(),
    at: r.at.toISOString(),
  };
}

