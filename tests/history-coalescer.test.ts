/**
 * The change log's burst rules, without a database (server/history/burst-coalescer.ts and
 * text-edits.ts): a person's keystrokes on a field are one entry that says what was inserted and
 * deleted where; two people typing into one text at once get one entry each; bursts end on a
 * pause, after the longest burst, and when their person moves to another field; a value changed by
 * someone else ends the open entry. Operations come from real Yjs transactions (textOps).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BurstCoalescer, COALESCE_IDLE_MS, COALESCE_MAX_MS, MAX_AUTHOR_SWITCHES_PER_SECOND, burstChanged, type Burst, type FieldChange } from '../server/history/burst-coalescer.ts';
import { textOps } from '../server/history/change-capture.ts';
import { applyOwn, editsOf, replacementOps, type TextEdit, type TextOp } from '../server/history/text-edits.ts';
import type { Person } from '../shared/history-types.ts';
import { seededRandom } from './helpers/random.ts';

const ada: Person = { id: 'u-ada', name: 'Ada', kind: 'user' };
const bob: Person = { id: 'u-bob', name: 'Bob', kind: 'user' };

function coalescer() {
  let n = 0;
  return new BurstCoalescer({ newId: () => `e${++n}` });
}

/** Records every transaction on `doc`'s text "t" as the ops textOps finds in it. */
function capture(doc: Y.Doc): Array<{ origin: unknown; ops: TextOp[] }> {
  const seen: Array<{ origin: unknown; ops: TextOp[] }> = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    const ops = textOps(doc.getText('t'), tr);
    if (ops.length > 0) seen.push({ origin: tr.origin, ops });
  });
  return seen;
}

/** The text before a burst: its edits undone on the text after it. */
function undo(after: string, edits: readonly TextEdit[]): string {
  let text = after;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) text = text.slice(0, e.at) + (e.delete ?? '') + text.slice(e.at + (e.insert?.length ?? 0));
  return text;
}

const textChange = (ops: TextOp[], path = '/description'): FieldChange => ({ path, kind: 'text', ops });
const editsOfBurst = (b: Burst) => (b.kind === 'text' ? editsOf(b.hunks) : null);

describe('text edits of one person', () => {
  it('folds keystrokes into what was inserted and deleted where', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'Board for the lab');
    const seen = capture(doc);
    // Types " rack" at the end, with a typo fixed by backspace, then deletes "the " earlier on.
    for (const ch of ' rakk') text.insert(text.length, ch);
    text.delete(text.length - 2, 2);
    text.insert(text.length, 'ck');
    text.delete(10, 4);
    expect(text.toString()).toBe('Board for lab rack');
    const hunks = seen.reduce((h, s) => applyOwn(h, s.ops), applyOwn([], []));
    expect(editsOf(hunks)).toEqual([
      { at: 10, delete: 'the ' },
      { at: 13, insert: ' rack' },
    ]);
    expect(undo(text.toString(), editsOf(hunks))).toBe('Board for the lab');
  });

  it('is no change at all when the text is typed back to what it was', () => {
    const c = coalescer();
    const ops = [...replacementOps('echo hi', 'echo hi && reboot'), ...replacementOps('echo hi && reboot', 'echo hi')];
    const { opened } = c.record('cfg', ada, 'sync', [textChange(ops.slice(0, 1))], 0);
    c.record('cfg', ada, 'sync', [textChange(ops.slice(1))], 100);
    expect(burstChanged(opened[0])).toBe(false);
  });

  it('undoes back to the text it started from, whatever the keystrokes (randomised, seeded)', () => {
    const rnd = seededRandom('history-coalescer');
    for (let round = 0; round < 200; round++) {
      const doc = new Y.Doc();
      const text = doc.getText('t');
      text.insert(0, 'The quick brown fox\njumps over the lazy dog\n'.slice(0, rnd.int(45)));
      const start = text.toString();
      const seen = capture(doc);
      for (let k = 0; k < 1 + rnd.int(12); k++) {
        doc.transact(() => {
          if (text.length > 0 && rnd.next() < 0.4) text.delete(rnd.int(text.length), 1 + rnd.int(Math.min(4, text.length)));
          else text.insert(rnd.int(text.length + 1), 'abcdefg'.slice(0, 1 + rnd.int(7)));
        });
      }
      const hunks = seen.reduce((h, s) => applyOwn(h, s.ops), applyOwn([], []));
      expect(undo(text.toString(), editsOf(hunks)), `round ${round}`).toBe(start);
    }
  });

  it('shows a whole value replaced as whole words, and a first text as an insertion', () => {
    expect(editsOf(applyOwn([], replacementOps('acme3B', 'acme3A')))).toEqual([{ at: 0, delete: 'acme3B', insert: 'acme3A' }]);
    expect(editsOf(applyOwn([], replacementOps('line1\nline2\n', 'line1\nLINE2\n')))).toEqual([{ at: 6, delete: 'line2', insert: 'LINE2' }]);
    expect(editsOf(applyOwn([], replacementOps('', 'Acme Kiosks')))).toEqual([{ at: 0, insert: 'Acme Kiosks' }]);
    // The form's binding keeps the common "A" of "Armbian-unofficial" → "AcmeKiosks"; read with
    // the text now, the entry takes in the whole word rather than showing "rmbian…" → "cme…".
    const retyped = applyOwn([], [
      { at: 1, delete: 'rmbian-unofficial' },
      { at: 1, insert: 'cmeKiosks' },
    ]);
    expect(editsOf(retyped)).toEqual([{ at: 1, delete: 'rmbian-unofficial', insert: 'cmeKiosks' }]);
    expect(editsOf(retyped, () => 'AcmeKiosks')).toEqual([{ at: 0, delete: 'Armbian-unofficial', insert: 'AcmeKiosks' }]);
    // …also when someone else (here a restore) has since replaced what was typed.
    const c = coalescer();
    c.record('cfg', ada, 'sync', [textChange([{ at: 1, delete: 'rmbian-unofficial' }, { at: 1, insert: 'cmeKiosks' }], '/VENDOR')], 0);
    c.record('cfg', bob, 'restore', [textChange([{ at: 1, delete: 'cmeKiosks' }, { at: 1, insert: 'rmbian-unofficial' }], '/VENDOR')], 10);
    expect(c.closeDue(0, true).map((b) => [b.author.name, b.kind === 'text' && editsOf(b.hunks, () => 'Armbian-unofficial')])).toEqual([
      ['Ada', [{ at: 0, delete: 'Armbian-unofficial', insert: 'AcmeKiosks' }]],
      ['Bob', [{ at: 0, delete: 'AcmeKiosks', insert: 'Armbian-unofficial' }]],
    ]);
    const inside = applyOwn([], [{ at: 9, delete: 'x' }, { at: 9, insert: 'X' }]);
    expect(editsOf(inside, () => 'echo hi; Xyz run')).toEqual([{ at: 9, delete: 'xyz', insert: 'Xyz' }]);
  });
});

describe('bursts', () => {
  it('keeps two people typing into one text at once apart: one entry each, positions where their text is', () => {
    // Two replicas typing at the same moment, merged on a server replica that captures the ops.
    const server = new Y.Doc();
    server.getText('t').insert(0, 'Kiosk image.');
    const a = new Y.Doc();
    const b = new Y.Doc();
    for (const d of [a, b]) Y.applyUpdate(d, Y.encodeStateAsUpdate(server));
    const seen = capture(server);
    const sync = () => {
      for (const d of [a, b]) {
        Y.applyUpdate(server, Y.encodeStateAsUpdate(d, Y.encodeStateVector(server)), d === a ? ada : bob);
        Y.applyUpdate(d, Y.encodeStateAsUpdate(server, Y.encodeStateVector(d)));
      }
    };
    const ta = a.getText('t');
    const tb = b.getText('t');
    for (let i = 0; i < 6; i++) {
      // Ada appends a sentence, Bob types a word at the start, keystroke by keystroke.
      ta.insert(ta.length, ' Uses SSD.'.slice(i * 2, i * 2 + 2));
      tb.insert(i, 'Small '[i]);
      sync();
    }
    expect(server.getText('t').toString()).toBe('Small Kiosk image. Uses SSD.');

    const c = coalescer();
    const closed: Burst[] = [];
    seen.forEach((s, i) => closed.push(...c.record('cfg', s.origin as Person, 'sync', [textChange(s.ops)], i * 100).closed));
    expect(closed).toEqual([]);
    const entries = c.closeDue(0, true);
    expect(entries.map((e) => [e.author.name, editsOfBurst(e), e.changes])).toEqual([
      ['Ada', [{ at: 18, insert: ' Uses SSD.' }], 5],
      ['Bob', [{ at: 0, insert: 'Small ' }], 6],
    ]);
  });

  it('ends a burst on a pause, after the longest burst, and when its person moves to another field', () => {
    const c = coalescer();
    const key = (at: number, ch: string) => textChange([{ at, insert: ch }]);
    c.record('cfg', ada, 'sync', [key(0, 'a')], 0);
    c.record('cfg', ada, 'sync', [key(1, 'b')], COALESCE_IDLE_MS - 1);
    expect(c.closeDue(COALESCE_IDLE_MS)).toEqual([]);
    // A pause longer than COALESCE_IDLE_MS.
    const paused = c.closeDue(2 * COALESCE_IDLE_MS);
    expect(paused.map(editsOfBurst)).toEqual([[{ at: 0, insert: 'ab' }]]);

    // Steady typing never pauses, yet the entry ends after COALESCE_MAX_MS.
    let t = 3 * COALESCE_IDLE_MS;
    const started = t;
    let closedByLength: Burst[] = [];
    for (let i = 0; closedByLength.length === 0; i++, t += 1_000) closedByLength = c.record('cfg', ada, 'sync', [key(i, 'x')], t).closed;
    expect(t - 1_000 - started).toBeGreaterThan(COALESCE_MAX_MS);
    expect(closedByLength).toHaveLength(1);

    // Moving on: Ada picks a board while typing; her description burst ends, Bob's goes on.
    c.record('cfg', bob, 'sync', [key(0, 'B')], t);
    const moved = c.record('cfg', ada, 'sync', [{ path: '/BOARD', kind: 'value', before: 'rock-5b', after: 'orangepi5' }], t + 10).closed;
    expect(moved.map((b) => [b.author.name, b.path])).toEqual([['Ada', '/description']]);
    expect(c.openBursts('cfg').map((b) => [b.author.name, b.path])).toEqual([
      ['Bob', '/description'],
      ['Ada', '/BOARD'],
    ]);
  });

  it('ends a value entry when someone else changes the value, and folds hands that change too fast', () => {
    const c = coalescer();
    const set = (who: Person, before: number, after: number, at: number) => c.record('cfg', who, 'sync', [{ path: '/BOOTSIZE', kind: 'value', before, after }], at);
    set(ada, 256, 300, 0);
    set(ada, 300, 512, 10);
    const { closed } = set(bob, 512, 1024, 20);
    expect(closed.map((b) => (b.kind === 'value' ? [b.author.name, b.before, b.after, b.changes] : null))).toEqual([['Ada', 256, 512, 2]]);
    // Hands changing every few milliseconds: after MAX_AUTHOR_SWITCHES_PER_SECOND cuts, one entry.
    let cuts = 0;
    for (let i = 0; i < 40; i++) cuts += set(i % 2 ? bob : ada, i, i + 1, 2_000 + i).closed.length;
    expect(cuts).toBe(MAX_AUTHOR_SWITCHES_PER_SECOND);
    const [shared] = c.closeDue(0, true);
    expect(shared.coauthors.map((p) => p.name)).toHaveLength(1);
  });

  it('moves open edits past changes recorded by another server process', () => {
    const c = coalescer();
    c.record('cfg', ada, 'sync', [textChange([{ at: 5, insert: 'abc' }])], 0);
    c.move('cfg', '/description', [{ at: 0, insert: '12' }]);
    c.record('cfg', ada, 'sync', [textChange([{ at: 10, insert: 'd' }])], 10);
    expect(c.closeDue(0, true).map(editsOfBurst)).toEqual([[{ at: 7, insert: 'abcd' }]]);
  });
});
