/**
 * The userpatches tree in the document (docs/architecture.md, "Document layout", the files root):
 * path validation shared by client and server, the update check's placement rules for the files
 * roots, the content hash covering the tree, the per-file diff and the tarball format.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentContentHash } from '../shared/node/content-hash.ts';
import { declareRoots } from '../shared/doc-layout.ts';
import { diffTrees } from '../shared/files/file-diff.ts';
import { FileLimits, filePathProblem, treeProblem } from '../shared/files/file-path.ts';
import { filesRoot, fileModesRoot, movePath, putBlobFile, putTextFile, readTree, removePath, setExecutable, writeTree } from '../shared/files/file-tree.ts';
import { tarEnd, tarHeader, tarPadding } from '../shared/node/ustar.ts';
import { checkClientUpdate } from '../server/sync/update-check.ts';

const HASH = 'a'.repeat(64);

function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  declareRoots(doc);
  return doc;
}

/** The update a client makes on a copy of `doc`. */
function clientEdit(doc: Y.Doc, edit: (d: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(copy);
  copy.transact(() => edit(copy));
  return Y.encodeStateAsUpdate(copy, before);
}

describe('file paths', () => {
  it('accepts the paths a userpatches tree holds', () => {
    for (const p of ['kernel/archive/sunxi-6.6/0001-fix.patch', 'config/boards/myboard.csc', 'overlay/etc/motd', 'customize-image-host.sh', 'linux-rockchip64-current.config', 'extensions/my-ext.sh', 'lib.config']) {
      expect(filePathProblem(p), p).toBeUndefined();
    }
  });

  it('refuses escapes, absolute paths, empty segments and reserved names, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['../etc/passwd', /may not contain ".."/],
      ['overlay/../../x', /may not contain ".."/],
      ['./x', /may not contain "."/],
      ['/etc/passwd', /relative/],
      ['overlay//x', /empty folder name/],
      ['overlay/', /empty folder name/],
      ['a\\b', /backslash/],
      ['a\nb', /control character/],
      ['customize-image.sh', /customize script/],
      ['config-prod.conf', /config-\*\.conf is reserved/],
      ['config-prod.conf.sh', /config-\*\.conf is reserved/],
      ['extensions/boardroom-extra-packages.sh', /reserved for the extensions the build writes/],
      ['VERSION', /own version/],
      ['output/x.img', /scratch/],
      ['x'.repeat(FileLimits.pathLength + 1), /longer than/],
      [Array.from({ length: FileLimits.depth + 1 }, () => 'd').join('/'), /deeper/],
    ];
    for (const [p, why] of cases) expect(filePathProblem(p), JSON.stringify(p)).toMatch(why);
  });

  it('refuses a tree with a path that is a file and a folder, or too many files', () => {
    expect(treeProblem(['overlay/etc', 'overlay/etc/motd'])).toMatch(/file and a folder/);
    expect(treeProblem(['overlay/etc/motd', 'overlay/etc/issue'])).toBeUndefined();
    expect(treeProblem(Array.from({ length: FileLimits.fileCount + 1 }, (_, i) => `f${i}`))).toMatch(/at most/);
  });
});

describe('the update check and the files roots', () => {
  it('accepts a text file, a binary reference and an executable bit at valid paths', () => {
    const doc = serverDoc();
    const update = clientEdit(doc, (d) => {
      putTextFile(d, 'customize-image-host.sh', 'echo hi\n');
      putBlobFile(d, 'overlay/boot/logo.bmp', { sha256: HASH, size: 10 });
      setExecutable(d, 'customize-image-host.sh', true);
    });
    expect(checkClientUpdate(update, doc)).toMatchObject({ ok: true });
  });

  it('refuses bad paths, bad entries and trees that cannot be written to a disk', () => {
    const doc = serverDoc();
    Y.applyUpdate(doc, clientEdit(doc, (d) => putTextFile(d, 'overlay/etc', 'a file')));
    const attacks: Array<[(d: Y.Doc) => void, RegExp]> = [
      [(d) => filesRoot(d).set('../../etc/passwd', new Y.Text('x')), /may not contain ".."/],
      [(d) => filesRoot(d).set('/abs', new Y.Text('x')), /relative/],
      [(d) => filesRoot(d).set('customize-image.sh', new Y.Text('x')), /reserved/],
      [(d) => filesRoot(d).set('a', { sha256: 'nothex', size: 1 } as never), /sha256/],
      [(d) => filesRoot(d).set('a', { sha256: HASH, size: 1, extra: 1 } as never), /exactly the keys/],
      [(d) => filesRoot(d).set('a', 'plain string' as never), /bad entry/],
      [(d) => filesRoot(d).set('a', new Y.Map() as never), /a map as a keyed entry of the "files" root/],
      [(d) => fileModesRoot(d).set('a', 0o777), /493/],
      [(d) => fileModesRoot(d).set('../a', 0o755), /may not contain/],
      [(d) => putTextFile(d, 'overlay/etc/motd', 'x'), /file and a folder/],
      [(d) => (filesRoot(d).get('overlay/etc') as Y.Text).insertEmbed(0, { x: 1 }), /embed/],
    ];
    for (const [edit, why] of attacks) {
      const result = checkClientUpdate(clientEdit(doc, edit), doc);
      expect(result.ok, String(why)).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(why);
    }
  });

  it('accepts turning a file into a folder in one update (a rename that deletes the old path)', () => {
    const doc = serverDoc();
    Y.applyUpdate(doc, clientEdit(doc, (d) => putTextFile(d, 'overlay/etc', 'x')));
    expect(checkClientUpdate(clientEdit(doc, (d) => movePath(d, 'overlay/etc', 'overlay/etc/motd')), doc)).toMatchObject({ ok: true });
  });
});

describe('the tree as build input', () => {
  it('changes the content hash when a file, a blob or a mode changes, and not for an empty tree', () => {
    const doc = serverDoc();
    doc.getMap('config').set('BOARD', 'x');
    const empty = documentContentHash(doc);
    const other = new Y.Doc();
    other.getMap('config').set('BOARD', 'x');
    expect(documentContentHash(other)).toBe(empty);
    const hashes = new Set([empty]);
    putTextFile(doc, 'extensions/a.sh', 'echo a\n');
    hashes.add(documentContentHash(doc));
    (filesRoot(doc).get('extensions/a.sh') as Y.Text).insert(0, '#');
    hashes.add(documentContentHash(doc));
    setExecutable(doc, 'extensions/a.sh', true);
    hashes.add(documentContentHash(doc));
    putBlobFile(doc, 'overlay/logo.bmp', { sha256: HASH, size: 3 });
    hashes.add(documentContentHash(doc));
    expect(hashes.size).toBe(5);
  });

  it('diffs per file (text change, binary, mode) and restores by diff, keeping the Y.Text', () => {
    const doc = serverDoc();
    putTextFile(doc, 'a.sh', 'line 1\nline 2\n');
    putBlobFile(doc, 'b.bin', { sha256: HASH, size: 1 });
    const before = readTree(doc);
    const text = filesRoot(doc).get('a.sh');
    (text as Y.Text).insert(7, 'changed ');
    setExecutable(doc, 'a.sh', true);
    removePath(doc, 'b.bin');
    putTextFile(doc, 'c/d.txt', 'new');
    const diff = diffTrees(before, readTree(doc));
    expect(diff).toEqual([
      { path: '#files/a.sh', op: 'change', before: 'line 1\nline 2\n', after: 'line 1\nchanged line 2\n', change: { index: 7, deleteCount: 0, insert: 'changed ' }, mode: { before: 0o644, after: 0o755 } },
      { path: '#files/b.bin', op: 'remove', before: { sha256: HASH, size: 1 }, after: null, mode: { before: 0o644, after: null } },
      { path: '#files/c/d.txt', op: 'add', before: null, after: 'new', mode: { before: null, after: 0o644 } },
    ]);
    writeTree(doc, before);
    expect(readTree(doc)).toEqual(before);
    expect(filesRoot(doc).get('a.sh')).toBe(text);
  });
});

describe('the tarball', () => {
  it('is a ustar archive tar reads back with the bytes and modes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'files-tar-'));
    try {
      const long = `overlay/${'deep/'.repeat(20)}file.txt`;
      const files = [
        { path: 'userpatches/customize-image-host.sh', bytes: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
        { path: `userpatches/${long}`, bytes: Buffer.from([0, 1, 2, 255]), mode: 0o644 },
      ];
      const parts: Buffer[] = [];
      for (const f of files) parts.push(tarHeader(f.path, f.bytes.length, f.mode), f.bytes, tarPadding(f.bytes.length));
      parts.push(tarEnd());
      writeFileSync(path.join(dir, 't.tar'), Buffer.concat(parts));
      execFileSync('tar', ['-xf', 't.tar'], { cwd: dir });
      for (const f of files) {
        expect(readFileSync(path.join(dir, f.path))).toEqual(f.bytes);
        expect(statSync(path.join(dir, f.path)).mode & 0o777).toBe(f.mode);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
