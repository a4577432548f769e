/**
 * Share links over live sessions: revoking a link disconnects its sessions within a second,
 * lowering its role downgrades them live, an expiring link ends them, and a snapshot link shows a
 * frozen copy that never reveals later edits.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { shareLinks } from '../shared/node/db/auth-schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import { closeCode, connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

/** The promise: access ends "within a second". */
const REVOCATION_DEADLINE_MS = 1_000;

describe('share links and live sessions', () => {
  const { server, clients } = useTestServer();

  const createLink = async (id: string, body: Record<string, unknown>) => {
    const res = await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; token: string; url: string; role: string };
  };

  it('revoking a link disconnects its live sessions within a second, and the link stops working', async () => {
    const id = await createConfig(server, { name: 'revoke' });
    const link = await createLink(id, { role: 'editor', label: 'contractor' });
    expect(link.url).toBe(`${server.url}/s/${link.token}`);
    const guest = connectClient(server.url, id, { share: link.token, name: 'Robin' });
    clients.push(guest);
    await synced(guest);
    const closed = closeCode(guest);
    const started = Date.now();
    expect((await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect(Date.now() - started).toBeLessThan(REVOCATION_DEADLINE_MS);
    expect((await fetch(`${server.url}/api/shares/${link.token}`)).status).toBe(404);
    const listed = (await (await server.api(`/api/configs/${id}/shares`)).json()) as Array<{ id: string }>;
    expect(listed.map((l) => l.id)).not.toContain(link.id);
  });

  it('lowering a link to viewer downgrades its live sessions: their edits stop landing', async () => {
    const id = await createConfig(server, { name: 'downgrade' });
    const link = await createLink(id, { role: 'editor' });
    const guest = connectClient(server.url, id, { share: link.token });
    const owner = connectClient(server, id);
    clients.push(guest, owner);
    await Promise.all([synced(guest), synced(owner)]);
    guest.provider.awareness.setLocalStateField('focus', { path: '/VENDOR' });
    guest.doc.getMap('config').set('VENDOR', 'as editor');
    await eventually(() => expect(String(owner.doc.getMap('config').get('VENDOR'))).toBe('as editor'));

    const res = await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) });
    expect(res.status).toBe(200);
    // The guest's presence now carries the viewer role, stamped by the server.
    await eventually(() => {
      const state = owner.provider.awareness.getStates().get(guest.doc.clientID) as { user?: { role: string } } | undefined;
      expect(state?.user?.role).toBe('viewer');
    });
    guest.doc.getMap('config').set('VENDOR', 'as viewer');
    owner.doc.getMap('config').set('DEST_LANG', 'en_US.UTF-8');
    await eventually(() => expect(String(guest.doc.getMap('config').get('DEST_LANG'))).toBe('en_US.UTF-8'));
    expect(String(owner.doc.getMap('config').get('VENDOR'))).toBe('as editor');
  });

  it('an expired link ends its sessions within a second', async () => {
    const id = await createConfig(server, { name: 'expiry' });
    const link = await createLink(id, { role: 'viewer', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const guest = connectClient(server.url, id, { share: link.token });
    clients.push(guest);
    await synced(guest);
    const closed = closeCode(guest);
    // Time passes: move the expiry into the past, and tell the live sessions (as PATCH does).
    await server.api(`/api/configs/${id}/shares/${link.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ expiresAt: new Date(Date.now() + 300).toISOString() }),
    }).then((r) => expect(r.status).toBe(200));
    const started = Date.now();
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect(Date.now() - started).toBeLessThan(300 + REVOCATION_DEADLINE_MS);
    await eventually(async () => expect((await fetch(`${server.url}/api/shares/${link.token}`)).status).toBe(404));
  });

  it('a snapshot link shows the frozen configuration and never later edits', async () => {
    const id = await createConfig(server, { name: 'frozen', data: { BOARD: 'rock-5b', VENDOR: 'before' } });
    const link = await createLink(id, { kind: 'snapshot', role: 'viewer' });
    const owner = connectClient(server, id);
    clients.push(owner);
    await synced(owner);
    owner.doc.getMap('config').set('VENDOR', 'after');
    await eventually(async () => {
      const live = (await (await server.api(`/api/configs/${id}`)).json()) as { data: { VENDOR: string } };
      expect(live.data.VENDOR).toBe('after');
    });
    const frozen = (await (await fetch(`${server.url}/api/shares/${link.token}`)).json()) as { kind: string; data: { VENDOR: string } };
    expect(frozen.kind).toBe('snapshot');
    expect(frozen.data.VENDOR).toBe('before');
    // It cannot open the live document, over REST or sync.
    expect((await fetch(`${server.url}/api/configs/${id}`, { headers: { 'x-share-token': link.token } })).status).toBe(404);
    const sneaky = connectClient(server.url, id, { share: link.token });
    clients.push(sneaky);
    expect(await closeCode(sneaky)).toBe(CloseCode.notFound.code);
    expect((sneaky.doc.getMap('config').get('VENDOR') as string | undefined) ?? null).toBeNull();
    // Creating one with a writing role is refused.
    const bad = await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ kind: 'snapshot', role: 'editor' }) });
    expect(bad.status).toBe(422);
  });

  it('lists links with role, expiry, creation, last use and use count', async () => {
    const id = await createConfig(server, { name: 'listing' });
    const link = await createLink(id, { role: 'commenter', label: 'reviewers' });
    const c = connectClient(server.url, id, { share: link.token });
    clients.push(c);
    await synced(c);
    const [row] = (await (await server.api(`/api/configs/${id}/shares`)).json()) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ id: link.id, role: 'commenter', label: 'reviewers', expiresAt: null, uses: 1 });
    expect(typeof row.createdAt).toBe('string');
    expect(typeof row.lastUsedAt).toBe('string');
    expect(row.token).toBeUndefined();
    const stored = await server.database.db.select().from(shareLinks).where(eq(shareLinks.id, link.id));
    expect(JSON.stringify(stored)).not.toContain(link.token);
    void Y;
  });
});
