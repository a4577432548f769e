/**
 * Restoring a version, whole or one subtree: applied as a new change on top (history and versions
 * stay as they were), seen live by everyone, credited to the person who restored, and edits made
 * concurrently by a collaborator who was offline during the restore survive it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { notesText } from '../shared/notes-text.ts';

describe('restoring versions', () => {
  const { server, clients } = useTestServer();
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    alice = await signUp(server.url, 'Alice');
    bob = await signUp(server.url, 'Bob');
  });

  const post = (path: string, body: unknown, as: TestUser | null = null) =>
    (as ? authed(server.url, as.token) : server.api)(path, { method: 'POST', body: JSON.stringify(body) });
  const setup = async (name: string, data: Record<string, unknown>) => {
    const id = await createConfig(server, { name, data });
    for (const [user, role] of [[alice, 'editor'], [bob, 'editor']] as const) {
      await addMember(server, id, user, role);
    }
    const v1 = (await (await post(`/api/configs/${id}/versions`, { label: 'v1' })).json()) as { id: string };
    const a = connectClient({ url: server.url, token: alice.token }, id);
    const b = connectClient({ url: server.url, token: bob.token }, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    return { id, v1: v1.id, a, b, ca: a.doc.getMap('config'), cb: b.doc.getMap('config') };
  };
  const serverData = async (id: string) => ((await (await server.api(`/api/configs/${id}`)).json()) as { data: Record<string, unknown> }).data;
  const appendText = (map: Y.Map<unknown>, key: string, text: string) => {
    const t = map.get(key) as Y.Text;
    t.insert(t.length, text);
  };

  it('restores a whole version live, credited to the restorer, keeping concurrent edits elsewhere', async () => {
    const { id, v1, a, b, ca, cb } = await setup('whole', { BOARD: 'rock-5b', BRANCH: 'current', VENDOR: 'v1', customizeScript: 'line1\n' });
    ca.set('VENDOR', 'v2');
    ca.set('BRANCH', 'edge');
    ca.set('DEST_LANG', 'de_DE.UTF-8');
    await eventually(async () => expect((await serverData(id)).VENDOR).toBe('v2'));
    await eventually(() => expect(String(cb.get('DEST_LANG'))).toBe('de_DE.UTF-8'));

    // Bob goes offline and keeps working on fields the restore does not touch.
    b.provider.disconnect();
    appendText(cb, 'customizeScript', 'line2\n');
    (cb.get('extraPackages') as Y.Array<string>).push(['vim']);

    const res = await post(`/api/configs/${id}/versions/${v1}/restore`, {}, alice);
    expect(res.status).toBe(200);
    const restored = (await res.json()) as { path: string | null; changes: Array<{ path: string; before: unknown; after: unknown }> };
    expect(restored.path).toBeNull();
    expect(restored.changes.map((c) => [c.path, c.before, c.after])).toEqual([
      ['/BRANCH', 'edge', 'current'],
      ['/VENDOR', 'v2', 'v1'],
      ['/DEST_LANG', 'de_DE.UTF-8', 'en_US.UTF-8'],
    ]);
    // Alice, online, sees it at once.
    await eventually(() => expect([String(ca.get('VENDOR')), ca.get('BRANCH'), String(ca.get('DEST_LANG'))]).toEqual(['v1', 'current', 'en_US.UTF-8']));

    // Bob comes back: his edits and the restore both stand, everywhere.
    b.provider.connect();
    await eventually(async () => {
      const data = await serverData(id);
      expect(data).toMatchObject({ VENDOR: 'v1', BRANCH: 'current', DEST_LANG: 'en_US.UTF-8', customizeScript: 'line1\nline2\n', extraPackages: ['vim'] });
      expect(String(ca.get('customizeScript'))).toBe('line1\nline2\n');
      expect(String(cb.get('VENDOR'))).toBe('v1');
    });

    // A new change on top: the version is untouched, earlier history is still there, and the
    // restore is credited to Alice.
    const version = (await (await server.api(`/api/configs/${id}/versions/${v1}`)).json()) as { data: Record<string, unknown> };
    expect(version.data.VENDOR).toBe('v1');
    const { entries } = (await (await server.api(`/api/configs/${id}/history?path=%2FVENDOR`)).json()) as {
      entries: Array<{ author: { name: string }; source: string; edits?: unknown[] }>;
    };
    // Vendor is text: the restore edits it by a diff, and history shows it as an edit (whole words).
    expect(entries.map((e) => [e.author.name, e.source, e.edits])).toEqual([
      ['Alice', 'restore', [{ at: 0, delete: 'v2', insert: 'v1' }]],
      ['Alice', 'sync', [{ at: 0, delete: 'v1', insert: 'v2' }]],
    ]);
  });

  it('restores one subtree and leaves everything else as it is now', async () => {
    const { id, v1, b, ca, cb } = await setup('subtree', { BOARD: 'rock-5b', VENDOR: 'v1', extraPackages: ['htop', 'curl'] });
    const packages = ca.get('extraPackages') as Y.Array<string>;
    packages.delete(1, 1);
    ca.set('VENDOR', 'v2');
    ca.set('DESKTOP_ENVIRONMENT', 'xfce');
    appendText(ca, 'customizeScript', 'echo hi\n');
    await eventually(async () => expect((await serverData(id)).VENDOR).toBe('v2'));
    await eventually(() => expect(String(cb.get('VENDOR'))).toBe('v2'));
    b.provider.disconnect();
    appendText(cb, 'description', 'Bob was here');

    const res = await post(`/api/configs/${id}/versions/${v1}/restore`, { path: '/extraPackages' }, alice);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { changes: unknown[] }).changes).toEqual([
      { path: '/extraPackages', op: 'change', before: ['htop'], after: ['htop', 'curl'] },
    ]);
    await eventually(() => expect(packages.toJSON()).toEqual(['htop', 'curl']));
    // A field the version did not have is removed by restoring it.
    expect((await post(`/api/configs/${id}/versions/${v1}/restore`, { path: '/DESKTOP_ENVIRONMENT' }, alice)).status).toBe(200);
    await eventually(() => expect(ca.has('DESKTOP_ENVIRONMENT')).toBe(false));

    b.provider.connect();
    await eventually(async () => {
      const data = await serverData(id);
      expect(data).toMatchObject({ VENDOR: 'v2', extraPackages: ['htop', 'curl'], customizeScript: 'echo hi\n', description: 'Bob was here' });
      expect(data.DESKTOP_ENVIRONMENT).toBeUndefined();
    });
  });

  /** Replaces the notes with one paragraph per line, as Tiptap stores them. */
  const writeNotes = (client: TestClient, lines: string[]) => {
    const notes = client.doc.getXmlFragment('notes');
    client.doc.transact(() => {
      notes.delete(0, notes.length);
      notes.insert(0, lines.map((line) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(line)]);
        return p;
      }));
    });
  };
  const notesOf = (client: TestClient) => notesText(client.doc);
  const notesNow = async (id: string) => {
    const res = await server.api(`/api/configs/${id}/diff?from=${emptyVersion.get(id)}`);
    const entry = ((await res.json()) as Array<{ path: string; after: unknown }>).find((e) => e.path === '#notes');
    return (entry?.after as string | null | undefined) ?? '';
  };
  /** A version made before any notes: diffing against it shows the notes as they are now. */
  const emptyVersion = new Map<string, string>();

  it('brings the notes back with a whole restore, and restores only the notes on request', async () => {
    const { id, v1, a, b, ca, cb } = await setup('notes', { BOARD: 'rock-5b', VENDOR: 'v1' });
    emptyVersion.set(id, v1);
    writeNotes(a, ['Flash with balenaEtcher', 'Boot from SD']);
    await eventually(async () => expect(await notesNow(id)).toBe('Flash with balenaEtcher\nBoot from SD'));
    const withNotes = ((await (await post(`/api/configs/${id}/versions`, { label: 'with notes' })).json()) as { id: string }).id;

    writeNotes(a, ['Boot from eMMC']);
    ca.set('BRANCH', 'edge');
    await eventually(async () => expect(await notesNow(id)).toBe('Boot from eMMC'));
    await eventually(() => expect(notesOf(b)).toBe('Boot from eMMC'));

    // Notes only: the configuration stays as it is now.
    const notesOnly = await post(`/api/configs/${id}/versions/${withNotes}/restore`, { path: '#notes' }, alice);
    expect(notesOnly.status).toBe(200);
    const body = (await notesOnly.json()) as { path: string; changes: unknown[] };
    expect(body.path).toBe('#notes');
    expect(body.changes).toEqual([{ path: '#notes', op: 'change', before: 'Boot from eMMC', after: 'Flash with balenaEtcher\nBoot from SD' }]);
    await eventually(() => expect([notesOf(a), notesOf(b)]).toEqual(['Flash with balenaEtcher\nBoot from SD', 'Flash with balenaEtcher\nBoot from SD']));
    expect(cb.get('BRANCH')).toBe('edge');
    // One change, credited to the person who restored.
    const { entries } = (await (await server.api(`/api/configs/${id}/history?path=${encodeURIComponent('#notes')}`)).json()) as {
      entries: Array<{ author: { name: string }; source: string }>;
    };
    expect([entries[0].author.name, entries[0].source]).toEqual(['Alice', 'restore']);

    // The whole version from before any notes: configuration and notes both go back.
    const whole = await post(`/api/configs/${id}/versions/${v1}/restore`, {}, bob);
    expect(whole.status).toBe(200);
    const changes = ((await whole.json()) as { changes: Array<{ path: string; op: string }> }).changes;
    expect(changes.map((c) => [c.path, c.op])).toEqual([['/BRANCH', 'remove'], ['#notes', 'remove']]);
    const then = ((await (await server.api(`/api/configs/${id}/versions/${v1}`)).json()) as { data: Record<string, unknown> }).data;
    expect(then.BRANCH).toBeUndefined();
    await eventually(() => expect([notesOf(a), ca.get('BRANCH')]).toEqual(['', then.BRANCH]));
    expect(notesOf(b)).toBe('');

    // And the version with notes brings them back whole, as the same blocks.
    const again = await post(`/api/configs/${id}/versions/${withNotes}/restore`, {}, bob);
    expect(again.status).toBe(200);
    await eventually(() => expect(notesOf(b)).toBe('Flash with balenaEtcher\nBoot from SD'));
    expect(b.doc.getXmlFragment('notes').toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual(['paragraph', 'paragraph']);
  });

  it('refuses restores that cannot be done, and people who may not edit', async () => {
    const { id, v1 } = await setup('refusals', { BOARD: 'rock-5b', extraPackages: ['htop'] });
    const restore = (body: unknown, as: TestUser | null = alice) => post(`/api/configs/${id}/versions/${v1}/restore`, body, as);
    expect((await restore({ path: '/NOTHING_HERE' })).status).toBe(422);
    expect((await restore({ path: '/extraPackages/5' })).status).toBe(422);
    expect((await restore({ path: 'extraPackages' })).status).toBe(400);
    expect((await restore({ path: 42 })).status).toBe(422);
    expect((await post(`/api/configs/${id}/versions/00000000-0000-0000-0000-000000000000/restore`, {}, alice)).status).toBe(404);
    const carol = await signUp(server.url, 'Carol');
    await addMember(server, id, carol, 'commenter');
    expect((await restore({}, carol)).status).toBe(403);
  });
});
