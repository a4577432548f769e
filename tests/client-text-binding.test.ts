/**
 * A textarea bound to a Y.Text: local input becomes a minimal edit, remote changes keep the
 * caret on its character, and two people typing at once both keep their text. The textarea is a
 * plain object with the members the binding uses.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bindTextArea, mapPosition } from '../client/form/text-binding.ts';
import { FakeTextArea } from './helpers/fake-textarea.ts';
import { diffText } from '../shared/text-diff.ts';

function sharedText(initial: string): { a: Y.Doc; b: Y.Doc; ta: Y.Text; tb: Y.Text; sync(): void } {
  const a = new Y.Doc();
  const ta = a.getText('t');
  ta.insert(0, initial);
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
  };
  return { a, b, ta, tb: b.getText('t'), sync };
}

describe('diffText', () => {
  it('places an ambiguous insertion at the caret', () => {
    // Typing "a" after the first "a" of "aa": without the caret a diff would say index 2.
    expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, deleteCount: 0, insert: 'a' });
    expect(diffText('aa', 'aaa')).toEqual({ index: 2, deleteCount: 0, insert: 'a' });
  });

  it('describes deletions and replacements as one range', () => {
    expect(diffText('aaa', 'aa', 1)).toEqual({ index: 1, deleteCount: 1, insert: '' });
    expect(diffText('echo hello', 'echo world', 10)).toEqual({ index: 5, deleteCount: 5, insert: 'world' });
    expect(diffText('same', 'same', 2)).toBeNull();
  });

  it('never splits a surrogate pair', () => {
    const edit = diffText('a😀b', 'a😃b', 3)!;
    expect(edit.index).toBe(1);
    expect(edit.insert).toBe('😃');
    expect(edit.deleteCount).toBe(2);
  });
});

describe('mapPosition', () => {
  it('moves a position by edits before it and not by edits after it', () => {
    expect(mapPosition(5, [{ insert: 'abc' }])).toBe(8);
    expect(mapPosition(5, [{ retain: 6 }, { insert: 'abc' }])).toBe(5);
    expect(mapPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(mapPosition(5, [{ retain: 3 }, { delete: 4 }])).toBe(3);
  });

  it('keeps or passes text inserted exactly at the position, as asked', () => {
    expect(mapPosition(2, [{ retain: 2 }, { insert: 'xy' }], -1)).toBe(2);
    expect(mapPosition(2, [{ retain: 2 }, { insert: 'xy' }], 1)).toBe(4);
  });
});

describe('bindTextArea', () => {
  it('turns a keystroke into a minimal Y.Text edit', () => {
    const { a, ta } = sharedText('echo hi');
    const el = new FakeTextArea();
    bindTextArea(ta, el, 'me');
    expect(el.value).toBe('echo hi');
    const deltas: unknown[] = [];
    ta.observe((event) => deltas.push(event.delta));
    el.caret(4).type(' -n');
    expect(ta.toString()).toBe('echo -n hi');
    expect(deltas).toEqual([[{ retain: 4 }, { insert: ' -n' }]]);
    a.destroy();
  });

  it('keeps the caret on its character when someone types before it', () => {
    const { a, b, tb, ta, sync } = sharedText('apt install\n');
    const el = new FakeTextArea();
    bindTextArea(tb, el, 'me');
    el.caret(11); // end of "apt install"
    ta.insert(0, 'sudo ');
    sync();
    expect(el.value).toBe('sudo apt install\n');
    expect(el.selectionStart).toBe(16);
    expect(el.selectionEnd).toBe(16);
    a.destroy();
    b.destroy();
  });

  it('merges two people typing into the same text at the same time', () => {
    const { a, b, ta, tb, sync } = sharedText('#!/bin/bash\n');
    const elA = new FakeTextArea();
    const elB = new FakeTextArea();
    bindTextArea(ta, elA, 'a');
    bindTextArea(tb, elB, 'b');
    elA.caret(12).type('apt-get update\n');
    elB.caret(0).type('# setup\n');
    elB.caret(elB.value.length).type('echo done\n');
    sync();
    const merged = ta.toString();
    expect([tb.toString(), elA.value, elB.value]).toEqual([merged, merged, merged]);
    expect(merged.startsWith('# setup\n#!/bin/bash\n')).toBe(true);
    // Both lines typed at the end survive; their order is Yjs' tie-break by client id.
    expect(merged.slice('# setup\n#!/bin/bash\n'.length).split('\n').sort()).toEqual(['', 'apt-get update', 'echo done']);
    a.destroy();
    b.destroy();
  });

  it('deletes with backspace and stops after destroy', () => {
    const { a, ta } = sharedText('abc');
    const el = new FakeTextArea();
    const binding = bindTextArea(ta, el, 'me');
    el.caret(2).backspace();
    expect(ta.toString()).toBe('ac');
    binding.destroy();
    ta.insert(0, 'x');
    expect(el.value).toBe('ac');
    a.destroy();
  });
});
