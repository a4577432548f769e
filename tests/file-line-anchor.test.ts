/**
 * Where a comment on a line of a file is (shared/files/file-line-anchor.ts): on the same line
 * while others add or remove lines above it, concurrently too; on the same line of the file after
 * a rename (the client that renames moves it); detached when the file is gone; a made-up or
 * foreign position is not a place in the file. And a rename keeps the file's text.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodePosition, encodeLinePosition, fileLineStatus, lineAt, lineStart, offsetIn, positionInMovedFile } from '../shared/files/file-line-anchor.ts';
import { filesRoot, movePath, putTextFile, readTree, removePath, setExecutable } from '../shared/files/file-tree.ts';

const SCRIPT = 'set -e\napt-get install -y foo\necho done\n';
const textOf = (doc: Y.Doc, path: string) => filesRoot(doc).get(path) as Y.Text;
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

function docWithScript(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => putTextFile(doc, 'customize-image-host.sh', SCRIPT));
  return doc;
}

describe('a comment on a line of a file', () => {
  it('counts lines and their starts', () => {
    expect([0, 6, 7, 29, 30].map((i) => lineAt(SCRIPT, i))).toEqual([1, 1, 2, 2, 3]);
    expect([1, 2, 3, 4, 9].map((l) => lineStart(SCRIPT, l))).toEqual([0, 7, 30, 40, 40]);
  });

  it('stays on its line while lines are added and removed above it, by two people at once', () => {
    const alice = docWithScript();
    const bob = new Y.Doc();
    sync(alice, bob);
    const position = encodeLinePosition(textOf(alice, 'customize-image-host.sh'), 2);
    expect(fileLineStatus(bob, '#files/customize-image-host.sh', position, 2)).toEqual({ detached: false, line: 2, exact: true });
    textOf(alice, 'customize-image-host.sh').insert(0, '# one\n# two\n');
    textOf(bob, 'customize-image-host.sh').delete(0, 'set -e\n'.length);
    sync(alice, bob);
    expect(textOf(bob, 'customize-image-host.sh').toString()).toBe('# one\n# two\napt-get install -y foo\necho done\n');
    for (const doc of [alice, bob]) expect(fileLineStatus(doc, '#files/customize-image-host.sh', position, 2)).toEqual({ detached: false, line: 3, exact: true });
  });

  it('follows a rename to the same line of the new path', () => {
    const doc = docWithScript();
    doc.transact(() => setExecutable(doc, 'customize-image-host.sh', true));
    const position = encodeLinePosition(textOf(doc, 'customize-image-host.sh'), 3);
    const offset = offsetIn(doc, 'customize-image-host.sh', position)!;
    doc.transact(() => movePath(doc, 'customize-image-host.sh', 'host/prepare.sh'));
    // The rename keeps the text and the mode (a transaction around it included).
    expect(readTree(doc)).toEqual([{ path: 'host/prepare.sh', kind: 'text', text: SCRIPT, mode: 0o755 }]);
    // The old position points into nothing now: the thread is moved by whoever renamed.
    expect(fileLineStatus(doc, '#files/customize-image-host.sh', position, 3)).toEqual({ detached: true, reason: 'removed' });
    const moved = positionInMovedFile(doc, 'host/prepare.sh', offset)!;
    expect(fileLineStatus(doc, '#files/host/prepare.sh', moved, 3)).toEqual({ detached: false, line: 3, exact: true });
    // A position of the old file, on the new path, is not exact: the stored line is used.
    expect(fileLineStatus(doc, '#files/host/prepare.sh', position, 3)).toEqual({ detached: false, line: 3, exact: false });
  });

  it('detaches when the file is deleted; a made-up position is none', () => {
    const doc = docWithScript();
    const position = encodeLinePosition(textOf(doc, 'customize-image-host.sh'), 2);
    doc.transact(() => removePath(doc, 'customize-image-host.sh'));
    expect(fileLineStatus(doc, '#files/customize-image-host.sh', position, 2)).toEqual({ detached: true, reason: 'removed' });
    for (const bad of ['', 'not base64!', 'A'.repeat(400)]) expect(decodePosition(bad), bad).toBeNull();
  });
});
