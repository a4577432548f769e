/**
 * Words and short forms for history and review: a field's title from its path, a value in one
 * compact line, what a diff entry did. Plain TypeScript: tests run it in Node.
 */
import type { DiffOp } from '../../shared/config-diff.ts';
import type { ChangeView, TextEdit } from '../../shared/history-types.ts';
import { parsePointer } from '../../shared/json-pointer.ts';
import { titleAt } from '../../shared/schema/schema-path.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { NOTES_PATH } from '../../shared/notes-text.ts';
import { FILES_PATH } from '../../shared/doc-layout.ts';
import { FIRSTBOOT_SECRETS, isFirstbootSecretName, type FirstbootSecretName } from '../../shared/firstboot-secrets.ts';

/** Path of the rich-text notes in the change log, diffs and restores. */
export { NOTES_PATH };

/** Values are cut to this many characters in timelines and diffs; the full value is in the tooltip. */
export const MAX_INLINE_VALUE_CHARS = 64;

/** Change-log path of a first-boot secret (server/history/change-log.ts `recordSecretChange`). */
const SECRETS_PATH_PREFIX = '#secrets/';

/** The secret a change-log entry is about, or null: those entries never carry a value. */
export function secretOfPath(path: string): FirstbootSecretName | null {
  const name = path.startsWith(SECRETS_PATH_PREFIX) ? path.slice(SECRETS_PATH_PREFIX.length) : null;
  return isFirstbootSecretName(name) ? name : null;
}

/** What happened to a secret, in words (op add / change / remove). */
export const SECRET_OP_WORDS: Record<string, string> = { add: 'set', change: 'replaced', remove: 'cleared' };

export function fieldTitle(schema: ConfigSchema, path: string): string {
  if (path === NOTES_PATH) return 'Notes';
  // A file of the userpatches tree (`#files/<path>`): named by where the framework finds it.
  if (path.startsWith(`${FILES_PATH}/`)) return `File userpatches/${path.slice(FILES_PATH.length + 1)}`;
  const secret = secretOfPath(path);
  if (secret) return `Secret: ${FIRSTBOOT_SECRETS[secret].title}`;
  try {
    return titleAt(schema, parsePointer(path));
  } catch {
    return path;
  }
}

/** A value as one line: lists joined, text on one line, nothing as ''. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && !Array.isArray(value) && typeof (value as { $omitted?: unknown }).$omitted === 'number') {
    return `(${(value as { $omitted: number }).$omitted} characters, too long to keep)`;
  }
  if (typeof value === 'string') return value.replace(/\r?\n/g, ' ⏎ ');
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `valueText`, cut to `max` characters with an ellipsis. */
export function shortValue(value: unknown, max = MAX_INLINE_VALUE_CHARS): string {
  const text = valueText(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const DIFF_OP_WORDS: Record<DiffOp, string> = {
  add: 'Added',
  remove: 'Removed',
  change: 'Changed',
  appear: 'Now applies',
  vanish: 'No longer applies',
};

/** "because Desktop image changed" for a value that appeared or vanished with a condition. */
export function becauseWords(schema: ConfigSchema, because: readonly string[] | undefined): string {
  if (!because || because.length === 0) return '';
  const titles = because.map((p) => schema.properties[p]?.title ?? p);
  return `because ${titles.join(' and ')} changed`;
}

/** "sync" edits are the normal case; anything else is said. */
export function sourceWords(source: string): string | null {
  switch (source) {
    case 'sync':
      return null;
    case 'rest':
      return 'replaced via the API';
    case 'restore':
      return 'restored';
    case 'server':
      return 'repaired by the server';
    default:
      return source;
  }
}

/** Edits shown in a timeline line; the rest are counted ("and 2 more places"). */
export const MAX_SHOWN_EDITS = 3;

/**
 * What a change did to a text, as edits: recorded as such (op `edit`), or, for multi-line text
 * logged before edits were recorded, its excerpt at `offset` read as one edit. Null for a value
 * change (a choice, a number, a list; a single-line text logged before it became text).
 */
export function editsOfEntry(entry: Pick<ChangeView, 'before' | 'after' | 'offset' | 'edits'>): TextEdit[] | null {
  if (entry.edits) return entry.edits;
  if (entry.offset === undefined) return null;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  if ((entry.before !== null && typeof entry.before !== 'string') || (entry.after !== null && typeof entry.after !== 'string')) return null;
  const edit: TextEdit = { at: entry.offset };
  if (text(entry.before)) edit.delete = text(entry.before);
  if (text(entry.after)) edit.insert = text(entry.after);
  return edit.delete || edit.insert ? [edit] : null;
}

/** One edit's text as shown: quoted, on one line, cut to `max` and without the line break that
 * ends a new line or paragraph; the full text for a tooltip. */
export function editText(text: string, fullLength: number | undefined, max = MAX_INLINE_VALUE_CHARS): { short: string; full: string } {
  const full = valueText(text) + (fullLength !== undefined ? ` … (${fullLength} characters)` : '');
  const line = text.replace(/\r?\n$/, '');
  return { short: `"${shortValue(line === '' ? text : line, max)}"`, full: `"${full}"` };
}

/** An edit in words: `+"abc" at 12`, `−"xy" at 3`, `−"a" +"b" at 5`; the place is left out at the
 * start of the text (a first text in an empty field reads as just what was typed). */
export function editWords(edit: TextEdit, max = MAX_INLINE_VALUE_CHARS): string {
  const parts: string[] = [];
  if (edit.delete !== undefined) parts.push(`−${editText(edit.delete, edit.deleteLength, max).short}`);
  if (edit.insert !== undefined) parts.push(`+${editText(edit.insert, edit.insertLength, max).short}`);
  if (edit.at > 0) parts.push(`at ${edit.at}`);
  return parts.join(' ');
}
