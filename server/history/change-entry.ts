/**
 * One change-log entry as shown (`ChangeView`) and stored (a `change_log` row), from a burst of
 * the coalescer or from a stored row.
 *
 * Text bursts are stored as op `edit` with their edits in the `after` column as
 * `{ "$edits": [{ at, insert?, delete? }] }` (no new column: rows written before keep reading as
 * they were, value before → after, or for multi-line text an excerpt at `text_offset`).
 */
import { changeLog } from '../../shared/node/db/review-schema.ts';
import type { ChangeOp, ChangeView, LastChange, TextEdit } from '../../shared/history-types.ts';
import { burstChanged, type Burst } from './burst-coalescer.ts';
import { NOTES_PATH } from './change-capture.ts';
import { personView, type Person } from './people.ts';
import { editsOf } from './text-edits.ts';

export type { ChangeOp, ChangeView, LastChange };

/** Values longer than this (characters of JSON) are recorded as `{ "$omitted": <length> }`: twice
 * the longest field the schema allows (the customize script), so only oversize input that the
 * schema authority reverts anyway is left out. */
export const MAX_LOGGED_VALUE_CHARS = 131_072;
/** Inserted or deleted text beyond this many characters is kept as its start and its length
 * (`insertLength` / `deleteLength`): the History panel shows a line of it, a paste of a whole
 * script need not be stored twice. */
export const MAX_LOGGED_EDIT_CHARS = 4_096;

export type ChangeRow = typeof changeLog.$inferInsert & { seq: number; startedAt: Date; at: Date };

function limited(value: unknown): unknown {
  if (value === undefined) return undefined;
  const length = typeof value === 'string' ? value.length + 2 : JSON.stringify(value).length;
  return length > MAX_LOGGED_VALUE_CHARS ? { $omitted: length } : value;
}

function cut(text: string): string {
  let end = MAX_LOGGED_EDIT_CHARS;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/** Edits as stored and shown: long texts cut to their start, with their length. */
function limitedEdits(edits: TextEdit[]): TextEdit[] {
  return edits.map((e) => {
    const out: TextEdit = { at: e.at };
    if (e.delete !== undefined) {
      out.delete = e.delete.length > MAX_LOGGED_EDIT_CHARS ? cut(e.delete) : e.delete;
      if (e.delete.length > MAX_LOGGED_EDIT_CHARS) out.deleteLength = e.delete.length;
    }
    if (e.insert !== undefined) {
      out.insert = e.insert.length > MAX_LOGGED_EDIT_CHARS ? cut(e.insert) : e.insert;
      if (e.insert.length > MAX_LOGGED_EDIT_CHARS) out.insertLength = e.insert.length;
    }
    return out;
  });
}

const opOf = (path: string, before: unknown, after: unknown): ChangeOp =>
  path === NOTES_PATH ? 'change' : before === undefined || before === null ? 'add' : after === undefined || after === null ? 'remove' : 'change';

/** The entry's values as shown and stored, or null while its burst has changed nothing overall. */
function settled(b: Burst, textNow?: () => string | undefined): { op: ChangeOp; before: unknown; after: unknown; edits?: TextEdit[] } | null {
  if (!burstChanged(b)) return null;
  if (b.kind === 'text') return { op: 'edit', before: null, after: null, edits: limitedEdits(editsOf(b.hunks, textNow)) };
  return { op: opOf(b.path, b.before, b.after), before: limited(b.before) ?? null, after: limited(b.after) ?? null };
}

/** The row of a burst as it stands now (final once it is closed), or null while it changed nothing.
 * `textNow`: the field's text now, to show a replacement inside a word as whole words. */
export function burstRow(b: Burst, textNow?: () => string | undefined): ChangeRow | null {
  const value = settled(b, textNow);
  if (!value) return null;
  return {
    id: b.id,
    configId: b.configId,
    seq: b.seq,
    path: b.path,
    op: value.op,
    before: value.before,
    after: value.edits ? { $edits: value.edits } : value.after,
    textOffset: null,
    authorId: b.author.id,
    authorName: b.author.name,
    authorKind: b.author.kind,
    coauthors: b.coauthors.length > 0 ? b.coauthors : null,
    source: b.source,
    changes: b.changes,
    startedAt: new Date(b.startedAt),
    at: new Date(b.at),
  };
}

export function burstView(b: Burst, textNow?: () => string | undefined): ChangeView | null {
  const row = burstRow(b, textNow);
  return row ? rowView(row) : null;
}

const editsIn = (after: unknown): TextEdit[] | null => {
  if (after === null || typeof after !== 'object' || Array.isArray(after)) return null;
  const edits = (after as { $edits?: unknown }).$edits;
  return Array.isArray(edits) ? (edits as TextEdit[]) : null;
};

/** A stored row (or a row about to be stored) as shown. */
export function rowView(r: ChangeRow): ChangeView {
  const edits = r.op === 'edit' ? editsIn(r.after) : null;
  return {
    id: r.id,
    seq: r.seq,
    path: r.path,
    op: r.op as ChangeOp,
    before: edits ? null : (r.before ?? null),
    after: edits ? null : (r.after ?? null),
    ...(edits ? { edits } : {}),
    ...(r.textOffset === null || r.textOffset === undefined ? {} : { offset: r.textOffset }),
    author: personView(r.authorId ?? null, r.authorName, r.authorKind),
    ...(r.coauthors ? { coauthors: r.coauthors as Person[] } : {}),
    source: r.source,
    changes: r.changes ?? 1,
    startedAt: r.startedAt.toISOString(),
    at: r.at.toISOString(),
  };
}
