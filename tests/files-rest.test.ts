/**
 * The userpatches tree against a real server and a real Postgres: files written over REST and by
 * a collaborator's Yjs client, blobs stored per configuration, downloads (one file, the tarball),
 * the size limit, restart and compaction, a hostile client's bad path, versions' per-file diff
 * and restore, and who may do what.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode, MessageType } from '../shared/protocol.ts';
import { filesRoot, putTextFile, readTree, setExecutable } from '../shared/files/file-tree.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

/** Small, so a test reaches it with a few bytes. */
const FILE_LIMIT = 4096;
/** Compacts after a handful of log rows, so the tree is folded into a snapshot within the test. */
const COMPACT_AFTER = 5;

const bytes = (n: number, seed = 7) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 256));
const upload = (body: Record<string, unknown>) => ({ method: 'POST', body: JSON.stringify(body) });

async function sendAndClose(url: string, update: Uint8Array): Promise<{ code: number; reason: string }> {
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(url);
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ code: -1, reason: 'still open: the update was accepted' }), 10_000);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeUpdate(e, update);
    ws.send(encoding.toUint8Array(e));
  });
}

describe('the userpatches tree over REST and WebSocket', () => {
  const rig = useTestServer({ limits: { fileMaxBytes: FILE_LIMIT }, compactAfterUpdates: COMPACT_AFTER });
  const { server, clients } = rig;
  let id: string;
  let viewer: TestUser;
  let editor: TestUser;
  const logo = bytes(3000);

  beforeAll(async () => {
    id = await createConfig(server, { name: 'files' });
    viewer = await signUp(server.url, 'Viewer');
    editor = await signUp(server.url, 'Editor');
    await addMember(server, id, viewer, 'viewer');
    await addMember(server, id, editor, 'editor');
  });

  it('stores a binary upload as a blob and a text upload as text; a collaborator sees both live', async () => {
    const peer = connectClient(server, id);
    clients.push(peer);
    await synced(peer);
    const blob = await server.api(`/api/configs/${id}/files/upload`, upload({ path: 'overlay/boot/logo.bmp', contentBase64: logo.toString('base64') }));
    expect(blob.status).toBe(201);
    expect(await blob.json()).toMatchObject({ path: 'overlay/boot/logo.bmp', kind: 'blob', size: logo.length, mode: 0o644 });
    const text = await server.api(`/api/configs/${id}/files/upload`, upload({ path: 'customize-image-host.sh', text: '#!/bin/sh\necho host\n', executable: true }));
    expect(text.status).toBe(201);
    await eventually(() => {
      const tree = readTree(peer.doc);
      expect(tree.map((e) => [e.path, e.kind, e.mode])).toEqual([
        ['customize-image-host.sh', 'text', 0o755],
        ['overlay/boot/logo.bmp', 'blob', 0o644],
      ]);
    });
    const raw = await server.api(`/api/configs/${id}/files/raw?path=overlay/boot/logo.bmp`);
    expect(raw.status).toBe(200);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(logo);
  });

  it('refuses a binary over the limit with 413 and says the limit; nothing changes', async () => {
    const res = await server.api(`/api/configs/${id}/files/upload`, upload({ path: 'firmware/big.bin', contentBase64: bytes(FILE_LIMIT + 1).toString('base64') }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'file_too_large', message: expect.stringContaining(`${FILE_LIMIT} bytes`) } });
    const tree = await (await server.api(`/api/configs/${id}/files/tarball`)).arrayBuffer();
    expect(Buffer.from(tree).includes(Buffer.from('firmware/big.bin'))).toBe(false);
  });

  it('refuses a bad path over REST with 422 and the reason', async () => {
    for (const [p, why] of [['../escape', /\.\./], ['customize-image.sh', /reserved/], ['overlay/boot/logo.bmp/x', /file and a folder/]] as const) {
      const res = await server.api(`/api/configs/${id}/files/upload`, upload({ path: p, text: 'x' }));
      expect(res.status, p).toBe(422);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(why);
    }
  });

  it('refuses a hostile client that writes a bad path over the WebSocket (4400 with the reason); nothing is stored', async () => {
    const peer = clients[0];
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(peer.doc));
    const sv = Y.encodeStateVector(copy);
    copy.transact(() => filesRoot(copy).set('../../../etc/cron.d/evil', new Y.Text('* * * * * root sh')));
    const closed = await sendAndClose(`${server.url.replace('http', 'ws')}/sync/${id}?token=${editor.token}`, Y.encodeStateAsUpdate(copy, sv));
    expect(closed.code).toBe(CloseCode.malformed.code);
    expect(closed.reason).toMatch(/may not contain "\.\."/);
    const stored = await server.storage.loadDoc(mainDoc(id));
    for (const row of [stored.snapshot, ...stored.updates]) if (row) expect(Buffer.from(row).includes(Buffer.from('cron.d'))).toBe(false);
  });

  it('lets a viewer download but not upload', async () => {
    const asViewer = authed(server.url, viewer.token);
    expect((await asViewer(`/api/configs/${id}/files/raw?path=customize-image-host.sh`)).status).toBe(200);
    expect((await asViewer(`/api/configs/${id}/files/tarball`)).status).toBe(200);
    expect((await asViewer(`/api/configs/${id}/files/upload`, upload({ path: 'x.txt', text: 'x' }))).status).toBe(403);
  });

  it('diffs a file between versions and restores that one file', async () => {
    const peer = clients[0];
    const made = await server.api(`/api/configs/${id}/versions`, upload({ label: 'before the change' }));
    expect(made.status).toBe(201);
    const version = (await made.json()) as { id: string };
    peer.doc.transact(() => {
      (filesRoot(peer.doc).get('customize-image-host.sh') as Y.Text).insert(10, 'set -e\n');
      putTextFile(peer.doc, 'kernel/archive/sunxi-6.6/0001-x.patch', '--- a\n+++ b\n');
      setExecutable(peer.doc, 'customize-image-host.sh', false);
    });
    await eventually(async () => {
      const diff = (await (await server.api(`/api/configs/${id}/diff?from=${version.id}`)).json()) as Array<Record<string, unknown>>;
      expect(diff).toEqual([
        { path: '#files/customize-image-host.sh', op: 'change', before: '#!/bin/sh\necho host\n', after: '#!/bin/sh\nset -e\necho host\n', change: { index: 10, deleteCount: 0, insert: 'set -e\n' }, mode: { before: 0o755, after: 0o644 } },
        { path: '#files/kernel/archive/sunxi-6.6/0001-x.patch', op: 'add', before: null, after: '--- a\n+++ b\n', mode: { before: null, after: 0o644 } },
      ]);
    });
    const restored = await server.api(`/api/configs/${id}/versions/${version.id}/restore`, upload({ path: '#files/customize-image-host.sh' }));
    expect(restored.status).toBe(200);
    await eventually(() => {
      const tree = readTree(peer.doc);
      expect(tree.find((e) => e.path === 'customize-image-host.sh')).toMatchObject({ text: '#!/bin/sh\necho host\n', mode: 0o755 });
      // The other file is not part of that restore.
      expect(tree.some((e) => e.path === 'kernel/archive/sunxi-6.6/0001-x.patch')).toBe(true);
    });
  });

  it('keeps files and blobs through compaction and a restart; the tarball holds the tree with modes', async () => {
    const peer = clients[0];
    for (let i = 0; i < COMPACT_AFTER * 2; i++) peer.doc.transact(() => putTextFile(peer.doc, `overlay/etc/note-${i}`, `note ${i}\n`));
    await eventually(async () => {
      const stored = await server.storage.loadDoc(mainDoc(id));
      expect(stored.snapshot).not.toBeNull();
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(readTree(doc).filter((e) => e.path.startsWith('overlay/etc/note-'))).toHaveLength(COMPACT_AFTER * 2);
    });
    for (const c of clients.splice(0)) c.destroy();
    await rig.restart();
    const raw = await server.api(`/api/configs/${id}/files/raw?path=overlay/boot/logo.bmp`);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(logo);
    const tar = await server.api(`/api/configs/${id}/files/tarball`);
    expect(tar.status).toBe(200);
    const dir = mkdtempSync(path.join(tmpdir(), 'files-rest-'));
    try {
      writeFileSync(path.join(dir, 'tree.tar'), Buffer.from(await tar.arrayBuffer()));
      execFileSync('tar', ['-xf', 'tree.tar'], { cwd: dir });
      expect(readFileSync(path.join(dir, 'userpatches/overlay/boot/logo.bmp'))).toEqual(logo);
      expect(statSync(path.join(dir, 'userpatches/customize-image-host.sh')).mode & 0o777).toBe(0o755);
      expect(readFileSync(path.join(dir, 'userpatches/overlay/etc/note-3'), 'utf8')).toBe('note 3\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
