/**
 * Deleting is safe: DELETE moves a configuration to its owner's trash, where it is invisible to
 * every route and to the WebSocket; the owner restores it whole (document, versions, comments,
 * builds, share links); only the expiry sweep deletes it for good, and only once expired.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { closeCode, connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { VALID_CONFIG } from './builder-harness.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the trash', () => {
  const { server, clients } = useTestServer({ redis: 'trash' });
  let alice: TestUser; // an ordinary owner
  let editor: TestUser;
  beforeAll(async () => {
    alice = await signUp(server.url, 'Alice');
    editor = await signUp(server.url, 'Eddie');
  }, 60_000);
  const as = (user: TestUser) => authed(server.url, user.token);

  it('hides a deleted configuration everywhere and restores it whole', async () => {
    const owner = { url: server.url, token: alice.token };
    const id = await createConfig(owner, { name: 'Kiosk', data: { ...VALID_CONFIG, VENDOR: 'Acme' } });
    await addMember(owner, id, editor, 'editor');
    const api = as(alice);
    expect((await api(`/api/configs/${id}/versions`, { method: 'POST', body: JSON.stringify({ label: 'v1' }) })).status).toBe(201);
    expect((await api(`/api/configs/${id}/comments`, { method: 'POST', body: JSON.stringify({ body: 'looks good' }) })).status).toBe(201);
    expect((await api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).status).toBe(202);
    const share = await api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer', kind: 'live' }) });
    expect(share.status).toBe(201);
    const shareToken = ((await share.json()) as { token: string }).token;

    const ownerClient = connectClient(owner, id);
    const editorClient = connectClient({ url: server.url, token: editor.token }, id);
    clients.push(ownerClient, editorClient);
    await Promise.all([synced(ownerClient), synced(editorClient)]);
    const closed = [closeCode(ownerClient), closeCode(editorClient)];
    const before = {
      versions: await (await api(`/api/configs/${id}/versions`)).json(),
      comments: await (await api(`/api/configs/${id}/comments`)).json(),
      builds: await (await api(`/api/configs/${id}/builds`)).json(),
      config: ((await (await api(`/api/configs/${id}`)).json()) as { data: unknown }).data,
    };

    // Only the owner deletes; the editor is refused.
    expect((await as(editor)(`/api/configs/${id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await api(`/api/configs/${id}`, { method: 'DELETE' })).status).toBe(204);

    // Live connections end with the code of a deleted configuration; new ones get it too.
    expect(await Promise.all(closed)).toEqual([CloseCode.notFound.code, CloseCode.notFound.code]);
    const late = connectClient(owner, id);
    clients.push(late);
    expect(await closeCode(late)).toBe(CloseCode.notFound.code);

    // Invisible to every route, for everyone.
    for (const path of ['', '/versions', '/comments', '/builds', '/history', '/members', '/shares']) {
      expect((await api(`/api/configs/${id}${path}`)).status, path).toBe(404);
      expect((await as(editor)(`/api/configs/${id}${path}`)).status, path).toBe(404);
    }
    expect(((await (await api('/api/configs')).json()) as Array<{ id: string }>).map((c) => c.id)).not.toContain(id);
    expect((await fetch(`${server.url}/api/shares/${shareToken}`)).status).toBe(404);
    expect((await api(`/api/configs/${id}`, { method: 'PATCH', body: JSON.stringify({ name: 'x' }) })).status).toBe(404);

    // The owner's trash lists it, with the day it goes for good; nobody else's does.
    const trash = (await (await api('/api/trash')).json()) as Array<{ id: string; name: string; deletedAt: string; purgeAt: string }>;
    expect(trash.map((t) => t.id)).toEqual([id]);
    expect(trash[0].name).toBe('Kiosk');
    expect(Date.parse(trash[0].purgeAt) - Date.parse(trash[0].deletedAt)).toBe(30 * DAY_MS);
    expect(await (await as(editor)('/api/trash')).json()).toEqual([]);
    expect((await fetch(`${server.url}/api/trash`)).status).toBe(401);

    // Only the owner restores: for the editor it does not exist.
    expect((await as(editor)(`/api/configs/${id}/restore`, { method: 'POST' })).status).toBe(404);
    const restored = await api(`/api/configs/${id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as { restored: boolean }).restored).toBe(true);
    expect(await (await api('/api/trash')).json()).toEqual([]);

    // Everything is back: document, versions, comments, builds, the share link, the members.
    expect(((await (await api(`/api/configs/${id}`)).json()) as { data: unknown }).data).toEqual(before.config);
    expect(await (await api(`/api/configs/${id}/versions`)).json()).toEqual(before.versions);
    expect(await (await api(`/api/configs/${id}/comments`)).json()).toEqual(before.comments);
    expect(await (await api(`/api/configs/${id}/builds`)).json()).toEqual(before.builds);
    expect((await fetch(`${server.url}/api/shares/${shareToken}`)).status).toBe(200);
    expect((await as(editor)(`/api/configs/${id}`)).status).toBe(200);
    const again = connectClient({ url: server.url, token: editor.token }, id);
    clients.push(again);
    await synced(again);
    expect((again.doc.getMap('config').get('VENDOR') as Y.Text | string).toString()).toBe('Acme');
  });

  it('deletes for good only what has been in the trash past the retention period', async () => {
    const owner = { url: server.url, token: alice.token };
    const [expired, recent, live] = await Promise.all(['expired', 'recent', 'live'].map((name) => createConfig(owner, { name })));
    const api = as(alice);
    for (const id of [expired, recent]) expect((await api(`/api/configs/${id}`, { method: 'DELETE' })).status).toBe(204);
    await server.database.db.execute(sql`update configs set deleted_at = now() - interval '31 days' where id = ${expired}`);
    await server.database.db.execute(sql`update configs set deleted_at = now() - interval '29 days' where id = ${recent}`);

    // Two processes sweeping at once: each row goes exactly once, nothing else is touched.
    const [a, b] = await Promise.all([server.trashSweep.runOnce(), server.trashSweep.runOnce()]);
    expect([...a, ...b]).toEqual([expired]);
    const rows = await server.database.db.execute(sql`select id::text from configs where id in (${expired}, ${recent}, ${live})`);
    const ids = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => (r as { id: string }).id);
    expect(ids.sort()).toEqual([recent, live].sort());
    expect(((await (await api('/api/trash')).json()) as Array<{ id: string }>).map((t) => t.id)).toEqual([recent]);
    // Gone for good: nothing to restore.
    expect((await api(`/api/configs/${expired}/restore`, { method: 'POST' })).status).toBe(404);
    expect((await api(`/api/configs/${recent}/restore`, { method: 'POST' })).status).toBe(200);
  });
});
