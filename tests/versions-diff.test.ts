/**
 * Versions and diffs: the field-level diff of representative pairs (plain changes, lists, fields
 * that appear or vanish because a condition changed), and named versions over REST — frozen
 * exactly (JSON, Yjs state, content hash), listed, fetched and compared with each other and now.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffConfigs } from '../shared/config-diff.ts';
import { contentHash } from '../shared/node/content-hash.ts';
import { configToJson } from '../shared/doc-binding.ts';
import { diffNotes, notesLines } from '../shared/notes-text.ts';
import { configSchema } from '../shared/validation/index.ts';
import { authed, signUp } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const diff = (a: Record<string, unknown>, b: Record<string, unknown>) => diffConfigs(a, b, configSchema);

describe('field-level diff', () => {
  const base = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm', BUILD_DESKTOP: 'no', ROOTFS_TYPE: 'ext4', extraPackages: ['htop'] };

  it('is empty for equal configurations, whatever the key order', () => {
    expect(diff(base, { ...Object.fromEntries(Object.entries(base).reverse()) })).toEqual([]);
  });

  it('lists added, removed and changed fields with before and after, in the form order', () => {
    const after = { ...base, BRANCH: 'edge', VENDOR: 'Acme', extraPackages: ['htop', 'vim'] } as Record<string, unknown>;
    delete after.RELEASE;
    expect(diff(base, after)).toEqual([
      { path: '/BRANCH', op: 'change', before: 'current', after: 'edge' },
      { path: '/RELEASE', op: 'remove', before: 'bookworm', after: null },
      { path: '/VENDOR', op: 'add', before: null, after: 'Acme' },
      // A list is one field: before and after are the whole lists.
      { path: '/extraPackages', op: 'change', before: ['htop'], after: ['htop', 'vim'] },
    ]);
  });

  it('reports fields that appear because a condition now holds, with the reason', () => {
    // The desktop environment was stored while desktops were off; turning them on brings it (and
    // the tier's and autologin's defaults) into effect.
    const before = { ...base, DESKTOP_ENVIRONMENT: 'xfce' };
    const after = { ...before, BUILD_DESKTOP: 'yes' };
    const entries = diff(before, after);
    const because = { applicable: { before: false, after: true }, because: ['BUILD_DESKTOP'] };
    expect(entries).toEqual([
      { path: '/BUILD_DESKTOP', op: 'change', before: 'no', after: 'yes' },
      { path: '/DESKTOP_ENVIRONMENT', op: 'appear', before: 'xfce', after: 'xfce', ...because },
      { path: '/DESKTOP_TIER', op: 'appear', before: 'mid', after: 'mid', ...because },
      { path: '/DESKTOP_AUTOLOGIN', op: 'appear', before: 'no', after: 'no', ...because },
    ]);
    // The way back: they vanish.
    expect(diff(after, before).filter((e) => e.op === 'vanish').map((e) => e.path)).toEqual([
      '/DESKTOP_ENVIRONMENT',
      '/DESKTOP_TIER',
      '/DESKTOP_AUTOLOGIN',
    ]);
  });

  it('marks a value change that also crossed its condition, and conditions on lists', () => {
    const toBtrfs = diff({ ...base, BTRFS_COMPRESSION: 'zstd' }, { ...base, ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'lzo' });
    expect(toBtrfs).toEqual([
      { path: '/ROOTFS_TYPE', op: 'change', before: 'ext4', after: 'btrfs' },
      { path: '/BTRFS_COMPRESSION', op: 'change', before: 'zstd', after: 'lzo', applicable: { before: false, after: true }, because: ['ROOTFS_TYPE'] },
    ]);
    const stillStored = diff({ ...base, ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd' }, { ...base, BTRFS_COMPRESSION: 'zstd' });
    expect(stillStored).toContainEqual(expect.objectContaining({ path: '/BTRFS_COMPRESSION', op: 'vanish', before: 'zstd', after: 'zstd' }));
    const xz = diff(
      { ...base, COMPRESS_OUTPUTIMAGE: ['sha', 'img'], IMAGE_XZ_COMPRESSION_RATIO: 9 },
      { ...base, COMPRESS_OUTPUTIMAGE: ['sha', 'img', 'xz'], IMAGE_XZ_COMPRESSION_RATIO: 9 },
    );
    expect(xz.map((e) => [e.path, e.op])).toEqual([
      ['/COMPRESS_OUTPUTIMAGE', 'change'],
      ['/IMAGE_XZ_COMPRESSION_RATIO', 'appear'],
    ]);
  });
});

describe('notes in diffs', () => {
  const element = (name: string, ...children: Array<Y.XmlElement | Y.XmlText>) => {
    const e = new Y.XmlElement(name);
    e.insert(0, children);
    return e;
  };
  const text = (s: string, bold?: string) => {
    const t = new Y.XmlText();
    t.insert(0, s);
    if (bold) t.insert(s.length, bold, { bold: true });
    return t;
  };

  it('reads Tiptap notes as one line per paragraph, heading and list item, without formatting', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment('notes').insert(0, [
      element('heading', text('Flashing')),
      element('paragraph', text('Use ', 'balenaEtcher')),
      element('bulletList', element('listItem', element('paragraph', text('SD card'))), element('listItem', element('paragraph', text('eMMC')), element('bulletList', element('listItem', element('paragraph', text('needs a jumper')))))),
      element('paragraph'),
    ]);
    expect(notesLines(doc)).toEqual(['Flashing', 'Use balenaEtcher', '• SD card', '• eMMC', '  • needs a jumper']);
  });

  it('gives one entry for the notes, or none when they are the same', () => {
    expect(diffNotes('a\nb', 'a\nb')).toBeNull();
    expect(diffNotes('', 'new')).toEqual({ path: '#notes', op: 'add', before: null, after: 'new' });
    expect(diffNotes('old', '')).toEqual({ path: '#notes', op: 'remove', before: 'old', after: null });
    expect(diffNotes('a\nb', 'a\nc')).toEqual({ path: '#notes', op: 'change', before: 'a\nb', after: 'a\nc' });
  });
});

describe('versions over REST', () => {
  const { server } = useTestServer();

  const post = (path: string, body: unknown) => server.api(path, { method: 'POST', body: JSON.stringify(body) });
  const put = (id: string, data: unknown) => server.api(`/api/configs/${id}/data`, { method: 'PUT', body: JSON.stringify(data) });

  it('freezes named versions, lists them, and diffs any two or a version and now', async () => {
    const id = await createConfig(server, { name: 'versions', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm' } });
    const first = await post(`/api/configs/${id}/versions`, { label: '  Before desktop  ' });
    expect(first.status).toBe(201);
    const v1 = (await first.json()) as { id: string; label: string; kind: string; contentHash: string; createdBy: { name: string } };
    expect(v1).toMatchObject({ label: 'Before desktop', kind: 'manual', createdBy: { name: 'Owner' } });
    const data1 = ((await (await server.api(`/api/configs/${id}`)).json()) as { data: Record<string, unknown> }).data;
    expect(v1.contentHash).toBe(contentHash(data1));

    expect((await put(id, { ...data1, BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', BRANCH: 'edge' })).status).toBe(200);
    const v2 = (await (await post(`/api/configs/${id}/versions`, { label: 'Desktop' })).json()) as { id: string };
    expect((await put(id, { ...data1, BRANCH: 'vendor' })).status).toBe(200);

    const list = (await (await server.api(`/api/configs/${id}/versions`)).json()) as Array<{ id: string; label: string }>;
    expect(list.map((v) => v.label)).toEqual(['Desktop', 'Before desktop']);

    // A version is the exact state: JSON, and on request the whole Yjs document.
    const got = (await (await server.api(`/api/configs/${id}/versions/${v1.id}?state=1`)).json()) as { data: unknown; yjsState: string };
    expect(got.data).toEqual(data1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(got.yjsState, 'base64'));
    expect(configToJson(doc)).toEqual(data1);

    const between = (await (await server.api(`/api/configs/${id}/diff?from=${v1.id}&to=${v2.id}`)).json()) as Array<{ path: string; op: string }>;
    expect(between.map((e) => [e.path, e.op])).toEqual([
      ['/BRANCH', 'change'],
      ['/BUILD_DESKTOP', 'change'],
      ['/DESKTOP_ENVIRONMENT', 'add'],
      ['/DESKTOP_TIER', 'appear'],
      ['/DESKTOP_AUTOLOGIN', 'appear'],
    ]);
    const sinceV1 = (await (await server.api(`/api/configs/${id}/diff?from=${v1.id}&to=current`)).json()) as Array<Record<string, unknown>>;
    expect(sinceV1).toEqual([{ path: '/BRANCH', op: 'change', before: 'current', after: 'vendor' }]);
    const v2ToNow = (await (await server.api(`/api/configs/${id}/diff?from=${v2.id}`)).json()) as Array<{ path: string; op: string }>;
    expect(v2ToNow.map((e) => [e.path, e.op])).toEqual([
      ['/BRANCH', 'change'],
      ['/BUILD_DESKTOP', 'change'],
      ['/DESKTOP_ENVIRONMENT', 'remove'],
      ['/DESKTOP_TIER', 'vanish'],
      ['/DESKTOP_AUTOLOGIN', 'vanish'],
    ]);
  });

  it('shows what changed in the notes between versions and since one', async () => {
    const id = await createConfig(server, { name: 'notes diff', data: { BOARD: 'rock-5b' } });
    const writer = connectClient({ url: server.url, token: server.token }, id);
    await synced(writer);
    const notes = writer.doc.getXmlFragment('notes');
    const paragraph = (line: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(line)]);
      return p;
    };
    try {
      const v0 = (await (await post(`/api/configs/${id}/versions`, { label: 'no notes' })).json()) as { id: string };
      notes.insert(0, [paragraph('Flash with balenaEtcher')]);
      const diffSince = async (from: string, to = 'current') =>
        (await (await server.api(`/api/configs/${id}/diff?from=${from}&to=${to}`)).json()) as Array<{ path: string }>;
      await eventually(async () => expect(await diffSince(v0.id)).toEqual([{ path: '#notes', op: 'add', before: null, after: 'Flash with balenaEtcher' }]));
      const v1 = (await (await post(`/api/configs/${id}/versions`, { label: 'notes' })).json()) as { id: string };
      expect(await diffSince(v0.id, v1.id)).toEqual([{ path: '#notes', op: 'add', before: null, after: 'Flash with balenaEtcher' }]);

      notes.insert(1, [paragraph('Boot from SD')]);
      writer.doc.getMap('config').set('BRANCH', 'edge');
      // Configuration entries first, in the form's order; the notes last.
      await eventually(async () =>
        expect(await diffSince(v1.id)).toEqual([
          { path: '/BRANCH', op: 'add', before: null, after: 'edge' },
          { path: '#notes', op: 'change', before: 'Flash with balenaEtcher', after: 'Flash with balenaEtcher\nBoot from SD' },
        ]),
      );
      expect(await diffSince(v1.id, v1.id)).toEqual([]);
    } finally {
      writer.destroy();
    }
  });

  it('answers bad input clearly and enforces roles', async () => {
    const id = await createConfig(server, { name: 'limits' });
    const longLabel = await post(`/api/configs/${id}/versions`, { label: 'x'.repeat(101) });
    expect(longLabel.status).toBe(422);
    expect(((await longLabel.json()) as { error: { details: Array<{ path: string }> } }).error.details[0].path).toBe('/label');
    expect((await post(`/api/configs/${id}/versions`, {})).status).toBe(422);
    expect((await server.api(`/api/configs/${id}/versions/not-a-version`)).status).toBe(404);
    expect((await server.api(`/api/configs/${id}/diff`)).status).toBe(400);
    expect((await server.api(`/api/configs/${id}/diff?from=00000000-0000-0000-0000-000000000000`)).status).toBe(404);

    const viewer = await signUp(server.url, 'Viewer');
    await addMember(server, id, viewer, 'viewer');
    const asViewer = authed(server.url, viewer.token);
    expect((await asViewer(`/api/configs/${id}/versions`, { method: 'POST', body: JSON.stringify({ label: 'mine' }) })).status).toBe(403);
    expect((await asViewer(`/api/configs/${id}/versions`)).status).toBe(200);
    expect((await asViewer(`/api/configs/${id}/diff?from=current`)).status).toBe(200);
  });
});
