/**
 * What the change log reads from a transaction: the fields it touched and their values before it,
 * rebuilt from the transaction itself for multi-line text (randomised, seed printed), and the
 * changed part of a text that an entry shows.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FieldTracker, NOTES_PATH, textBefore, textNow, textOps } from '../server/history/change-capture.ts';
import { textExcerpt, type TextOp } from '../server/history/text-edits.ts';
import { seededRandom } from './helpers/random.ts';

const replay = (text: string, ops: readonly TextOp[]) =>
  ops.reduce((t, op) => (op.insert !== undefined ? t.slice(0, op.at) + op.insert + t.slice(op.at) : t.slice(0, op.at) + t.slice(op.at + op.delete.length)), text);

describe('change capture', () => {
  it('rebuilds the text before each transaction, for local and remote edits, inserts and deletes', () => {
    const rnd = seededRandom('history-text-capture');
    const server = new Y.Doc();
    const peers = [new Y.Doc(), new Y.Doc()];
    server.getMap('config').set('customizeScript', new Y.Text('#!/bin/sh\n'));
    for (const p of peers) Y.applyUpdate(p, Y.encodeStateAsUpdate(server));
    let expected = server.getMap('config').get('customizeScript')!.toString();
    const mismatches: string[] = [];
    server.on('afterTransaction', (tr: Y.Transaction) => {
      const text = server.getMap('config').get('customizeScript') as Y.Text;
      const before = textBefore(text, tr);
      if (before !== expected) mismatches.push(`${JSON.stringify(before)} != ${JSON.stringify(expected)}`);
      // The transaction's operations, applied to the text before it, give the text after it.
      const replayed = replay(before, textOps(text, tr));
      if (replayed !== text.toString()) mismatches.push(`ops: ${JSON.stringify(replayed)} != ${JSON.stringify(text.toString())}`);
      expected = text.toString();
    });
    for (let round = 0; round < 300; round++) {
      const peer = peers[rnd.int(2)];
      const text = peer.getMap('config').get('customizeScript') as Y.Text;
      peer.transact(() => {
        for (let k = 0; k < 1 + rnd.int(3); k++) {
          if (text.length > 0 && rnd.next() < 0.4) text.delete(rnd.int(text.length), 1 + rnd.int(Math.min(5, text.length)));
          else text.insert(rnd.int(text.length + 1), 'abcdefghij'.slice(0, 1 + rnd.int(10)));
        }
      });
      // Sometimes both peers edit before the server hears either (concurrent edits).
      if (rnd.next() < 0.7) {
        for (const p of peers) {
          Y.applyUpdate(server, Y.encodeStateAsUpdate(p, Y.encodeStateVector(server)));
          Y.applyUpdate(p, Y.encodeStateAsUpdate(server, Y.encodeStateVector(p)));
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(expected).toBe(server.getMap('config').get('customizeScript')!.toString());
  });

  it('finds the touched fields: nested edits count for their field, notes for the notes', () => {
    const doc = new Y.Doc();
    const config = doc.getMap('config');
    doc.transact(() => {
      config.set('VENDOR', 'a');
      config.set('extraPackages', Y.Array.from(['htop']));
      config.set('customizeScript', new Y.Text('x'));
    });
    const tracker = new FieldTracker(doc);
    let touched: ReturnType<FieldTracker['touched']> | null = null;
    let before: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      touched = tracker.touched(tr);
      before = touched.fields.map((f) => tracker.before(f, tr));
      for (const f of touched.fields) tracker.advance(f);
    });
    doc.transact(() => {
      (config.get('extraPackages') as Y.Array<string>).push(['vim']);
      (config.get('customizeScript') as Y.Text).insert(1, 'y');
      doc.getXmlFragment('notes').insert(0, [new Y.XmlText('hello')]);
    });
    expect(touched).toEqual({ fields: expect.arrayContaining(['extraPackages', 'customizeScript']), texts: ['#notes'] });
    expect(new Set(before)).toEqual(new Set([['htop'], 'x']));
    // Replacing a text entirely: its old content is still readable as the value before.
    doc.transact(() => config.set('customizeScript', new Y.Text('new')));
    expect(before).toEqual(['xy']);
    expect(tracker.current('customizeScript')).toBe('new');
    expect(NOTES_PATH).toBe('#notes');
  });

  it('reads the notes as plain text, one line per paragraph, and finds what a transaction did to it', () => {
    const doc = new Y.Doc();
    const notes = doc.getXmlFragment('notes');
    const paragraph = (text: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    };
    const list = new Y.XmlElement('bulletList');
    const item = new Y.XmlElement('listItem');
    item.insert(0, [paragraph('flash with balena')]);
    list.insert(0, [item]);
    notes.insert(0, [paragraph('Rack 3'), list]);
    expect(textNow(notes)).toBe('Rack 3\nflash with balena\n');
    const seen: Array<{ before: string; ops: TextOp[]; after: string }> = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push({ before: textBefore(notes, tr), ops: textOps(notes, tr), after: textNow(notes) }));
    // Typing in a paragraph, a new paragraph, and a paragraph deleted with its text.
    ((notes.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(6, ', shelf 2');
    notes.insert(1, [paragraph('Owner: Ada')]);
    notes.delete(0, 1);
    expect(seen.map((s) => s.ops)).toEqual([
      [{ at: 6, insert: ', shelf 2' }],
      [{ at: 16, insert: 'Owner: Ada\n' }],
      [{ at: 0, delete: 'Rack 3, shelf 2\n' }],
    ]);
    for (const s of seen) expect(replay(s.before, s.ops)).toBe(s.after);
  });

  it('shows the changed part of a text, never splitting a character', () => {
    expect(textExcerpt('line1\nline2\n', 'line1\nLINE2\n')).toEqual({ before: 'line', after: 'LINE', offset: 6 });
    expect(textExcerpt('', 'abc')).toEqual({ before: '', after: 'abc', offset: 0 });
    expect(textExcerpt('a😀b', 'a😃b')).toEqual({ before: '😀', after: '😃', offset: 1 });
  });
});
