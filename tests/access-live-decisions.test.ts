/**
 * Live access changes re-run the access policy for the connections they affect, instead of
 * pushing a decided role into them. The cases where the pushed copies had drifted from what
 * admission and the periodic re-check decide:
 *
 * - a share-link edit set a connection's expiry to the link's alone, dropping the session's
 *   (the connection outlived its session);
 * - an admin (owner of every configuration) who invited and accepted themselves was downgraded
 *   live to the invitation's role;
 * - revoking a link that a member held on top of a weaker membership closed the connection,
 *   where admission and the re-check grant the membership's role.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../shared/node/db/auth-schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import type { Connection } from '../server/sync/connection.ts';
import { authed, signUp } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

describe('live access changes are re-decided by the policy', () => {
  // server.owner is an instance admin (the operator's grant): one test is about an admin.
  const { server, clients } = useTestServer({ ownerIsAdmin: true });

  const connect = (...args: Parameters<typeof connectClient>) => {
    const client = connectClient(...args);
    clients.push(client);
    return client;
  };
  const connectionsOf = (configId: string, userId: string): Connection[] =>
    [...(server.registry.byConfig.get(configId) ?? [])].filter((c) => c.principal.userId === userId && !c.closed);
  const closeCode = (client: TestClient) =>
    new Promise<number>((resolve) =>
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        client.provider.shouldConnect = false;
        resolve(event?.code ?? 0);
      }),
    );
  const createLink = async (id: string, body: Record<string, unknown>) => {
    const res = await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; token: string };
  };

  it('a link edit keeps a signed-in guest bounded by their session: it ends when the session does', async () => {
    const id = await createConfig(server, { name: 'expiry-min' });
    const link = await createLink(id, { role: 'editor', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    // Signed in, but not a member: the link is what grants the role.
    const visitor = await signUp(server.url, 'Visitor');
    const client = connect({ url: server.url, token: visitor.token }, id, { share: link.token });
    await synced(client);
    const closed = closeCode(client);
    const [conn] = connectionsOf(id, visitor.user.id);
    expect(conn.principal.role).toBe('editor');

    // The session is about to end; then the owner gives the link a longer life.
    const sessionEnds = new Date(Date.now() + 1_500);
    await server.database.db.update(sessions).set({ expiresAt: sessionEnds }).where(eq(sessions.userId, visitor.user.id));
    const res = await server.api(`/api/configs/${id}/shares/${link.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ expiresAt: new Date(Date.now() + 24 * 3_600_000).toISOString() }),
    });
    expect(res.status).toBe(200);
    // The edit was re-decided before the answer: the earlier of session and link, not the link's.
    expect(conn.principal.expiresAt).toBe(sessionEnds.getTime());
    expect(await closed).toBe(CloseCode.accessRevoked.code);
  });

  it('an admin who invites and accepts themselves stays owner on their live connection', async () => {
    const author = await signUp(server.url, 'Author');
    const id = await createConfig({ url: server.url, token: author.token }, { name: 'admin-invites-self' });
    // server.owner is an instance admin (granted): owner of every configuration.
    expect(server.owner.user.isAdmin).toBe(true);
    const admin = connect(server, id);
    const other = connect({ url: server.url, token: author.token }, id);
    await Promise.all([synced(admin), synced(other)]);

    const invited = await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email: server.owner.user.email, role: 'viewer' }) });
    expect(invited.status).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const accepted = await authed(server.url, server.token)('/api/invitations/accept', { method: 'POST', body: JSON.stringify({ token }) });
    expect(accepted.status).toBe(200);

    expect(connectionsOf(id, server.owner.user.id).map((c) => c.principal.role)).toEqual(['owner']);
    admin.provider.awareness.setLocalStateField('focus', { path: '/VENDOR' });
    admin.doc.getMap('config').set('VENDOR', 'still the owner');
    await eventually(() => expect(String(other.doc.getMap('config').get('VENDOR'))).toBe('still the owner'));
    await eventually(() => {
      const state = other.provider.awareness.getStates().get(admin.doc.clientID) as { user?: { role: string } } | undefined;
      expect(state?.user?.role).toBe('owner');
    });
  });

  it('revoking a link a viewer member also held leaves them a viewer, not disconnected', async () => {
    const id = await createConfig(server, { name: 'member-plus-link' });
    const member = await signUp(server.url, 'Member');
    await addMember({ url: server.url, token: server.token }, id, member, 'viewer');
    const link = await createLink(id, { role: 'editor' });
    const client = connect({ url: server.url, token: member.token }, id, { share: link.token });
    const owner = connect(server, id);
    await Promise.all([synced(client), synced(owner)]);
    expect(connectionsOf(id, member.user.id).map((c) => c.principal.role)).toEqual(['editor']);
    client.doc.getMap('config').set('VENDOR', 'through the link');
    await eventually(() => expect(String(owner.doc.getMap('config').get('VENDOR'))).toBe('through the link'));

    expect((await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'DELETE' })).status).toBe(204);
    const [conn] = connectionsOf(id, member.user.id);
    expect(conn?.principal.role).toBe('viewer');
    // Still connected: the owner's next edit reaches them; theirs are dropped.
    client.doc.getMap('config').set('VENDOR', 'as a viewer');
    owner.doc.getMap('config').set('DEST_LANG', 'en_US.UTF-8');
    await eventually(() => expect(String(client.doc.getMap('config').get('DEST_LANG'))).toBe('en_US.UTF-8'));
    expect(String(owner.doc.getMap('config').get('VENDOR'))).toBe('through the link');
    expect(conn.closed).toBe(false);
  });
});
