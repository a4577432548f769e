/**
 * The History panel's data (client/history/timeline.ts, last-changes.ts, value-format.ts): live
 * change events merged into the timeline (a burst shows as "editing…" until its final entry),
 * who changed each field last, and values shown in one short line.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeView, HistoryEvent, Person } from '../shared/history-types.ts';
import { configSchema } from '../shared/validation/index.ts';
import { applyChangeEvent, mergeLastChanges } from '../client/history/last-changes.ts';
import { entryOfEvent, isPending, mergeEntry, type TimelineEntry } from '../client/history/timeline.ts';
import { becauseWords, editsOfEntry, editWords, fieldTitle, shortValue, valueText } from '../client/history/value-format.ts';

const ada: Person = { id: 'u-ada', name: 'Ada', kind: 'user' };
const bob: Person = { id: 'u-bob', name: 'Bob', kind: 'user' };

function entry(id: string, seq: number, path: string, after: unknown, author = ada): ChangeView {
  const at = new Date(seq).toISOString();
  return { id, seq, path, op: 'change', before: 'old', after, author, source: 'sync', changes: 1, startedAt: at, at };
}
const started = (e: ChangeView): HistoryEvent => ({
  type: 'change',
  action: 'started',
  entry: { id: e.id, seq: e.seq, path: e.path, author: e.author, source: e.source, startedAt: e.startedAt },
});
const closed = (e: ChangeView): HistoryEvent => ({ type: 'change', action: 'closed', entry: e });

describe('the timeline', () => {
  it('shows a burst as pending, then replaces it with its final entry, newest first', () => {
    const older = entry('e1', 1_000, '/BOARD', 'rock-5b');
    const burst = entry('e2', 2_000, '/VENDOR', 'Acme');
    let list: TimelineEntry[] = [older];
    list = mergeEntry(list, entryOfEvent(started(burst), null)!);
    expect(list.map((e) => [e.id, isPending(e)])).toEqual([
      ['e2', true],
      ['e1', false],
    ]);
    // The final entry carries a later seq (the burst went on) and its values.
    list = mergeEntry(list, entryOfEvent(closed({ ...burst, seq: 3_000 }), null)!);
    expect(list.map((e) => [e.id, isPending(e)])).toEqual([
      ['e2', false],
      ['e1', false],
    ]);
    expect((list[0] as ChangeView).after).toBe('Acme');
    // A late "started" does not hide the final values again.
    expect(mergeEntry(list, entryOfEvent(started(burst), null)!)).toBe(list);
  });

  it('takes only the filtered field’s events, and nothing but change events', () => {
    const e = entry('e3', 5, '/VENDOR', 'x');
    expect(entryOfEvent(closed(e), '/BOARD')).toBeNull();
    expect(entryOfEvent(closed(e), '/VENDOR')).toEqual(e);
    expect(entryOfEvent({ type: 'settings', requireApproval: true }, null)).toBeNull();
    // A burst taken back (no change in the end) brings no entry; the timeline drops its line.
    expect(entryOfEvent({ type: 'change', action: 'retracted', id: 'e3' }, null)).toBeNull();
  });
});

describe('who changed a field last', () => {
  it('follows change events, and keeps the later of loaded and live', () => {
    let map = applyChangeEvent({}, started(entry('e1', Date.parse('2025-01-01T10:00:00Z'), '/BOARD', 'x')));
    expect(map['/BOARD']).toEqual({ author: ada, at: '2025-01-01T10:00:00.000Z', source: 'sync' });
    map = applyChangeEvent(map, closed(entry('e2', Date.parse('2025-01-01T10:05:00Z'), '/BOARD', 'y', bob)));
    expect(map['/BOARD'].author.name).toBe('Bob');
    // An older event (overtaken) changes nothing.
    expect(applyChangeEvent(map, started(entry('e0', Date.parse('2025-01-01T09:00:00Z'), '/BOARD', 'z')))).toBe(map);
    const loaded = { '/BOARD': { author: ada, at: '2025-01-01T09:59:00.000Z', source: 'sync' }, '/RELEASE': { author: ada, at: '2025-01-01T08:00:00.000Z', source: 'rest' } };
    const merged = mergeLastChanges(loaded, map);
    expect(merged['/BOARD'].author.name).toBe('Bob');
    expect(merged['/RELEASE'].source).toBe('rest');
  });
});

describe('values and titles in words', () => {
  it('shows lists, text and long values on one short line', () => {
    expect(valueText(['htop', 'vim'])).toBe('htop, vim');
    expect(valueText('line 1\nline 2')).toBe('line 1 ⏎ line 2');
    expect(valueText(null)).toBe('');
    expect(valueText({ $omitted: 200000 })).toBe('(200000 characters, too long to keep)');
    expect(shortValue('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });

  it('shows text as what was inserted and deleted where, also for entries logged before edits', () => {
    const typed: ChangeView = { ...entry('e4', 9, '/VENDOR', null), op: 'edit', before: null, edits: [{ at: 0, insert: 'Acme Kiosks' }] };
    // A first text in an empty field is an insertion, not "empty → text".
    expect(editsOfEntry(typed)!.map((e) => editWords(e))).toEqual(['+"Acme Kiosks"']);
    expect(editWords({ at: 12, insert: 'abc' })).toBe('+"abc" at 12');
    expect(editWords({ at: 3, delete: 'xy' })).toBe('−"xy" at 3');
    expect(editWords({ at: 5, delete: 'cat', insert: 'cut' })).toBe('−"cat" +"cut" at 5');
    expect(editWords({ at: 1, insert: 'line\nnext' })).toBe('+"line ⏎ next" at 1');
    // A new paragraph of the notes (or a new line of a script) reads as its text.
    expect(editWords({ at: 20, insert: 'Flash with balenaEtcher\n' })).toBe('+"Flash with balenaEtcher" at 20');
    expect(editWords({ at: 20, insert: '\n' })).toBe('+" ⏎ " at 20');
    expect(editWords({ at: 0, insert: 'x'.repeat(100) }, 10)).toBe(`+"${'x'.repeat(9)}…"`);
    // A multi-line text entry of the older format (excerpt at an offset) reads the same way.
    const older: ChangeView = { ...entry('e5', 10, '/customizeScript', 'LINE2'), before: 'line2', offset: 6 };
    expect(editsOfEntry(older)).toEqual([{ at: 6, delete: 'line2', insert: 'LINE2' }]);
    // Values stay values: a choice, and single-line text logged before it became text.
    expect(editsOfEntry(entry('e6', 11, '/BOARD', 'rock-5b'))).toBeNull();
    expect(editsOfEntry({ ...entry('e7', 12, '/customizeScript', { $omitted: 200000 }), offset: 0 })).toBeNull();
  });

  it('names fields by their schema title, list entries by position, the notes and files of the tree', () => {
    expect(fieldTitle(configSchema, '/BOARD')).toBe(configSchema.properties.BOARD.title);
    expect(fieldTitle(configSchema, '/extraPackages/0')).toBe(`Entry 1 of ${configSchema.properties.extraPackages.title}`);
    expect(fieldTitle(configSchema, '#notes')).toBe('Notes');
    expect(fieldTitle(configSchema, '#files/config/boards/acme-one.csc')).toBe('File userpatches/config/boards/acme-one.csc');
    expect(becauseWords(configSchema, ['BUILD_DESKTOP'])).toBe(`because ${configSchema.properties.BUILD_DESKTOP.title} changed`);
  });
});
