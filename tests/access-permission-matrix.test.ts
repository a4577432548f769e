/**
 * Every role and every kind of bad credential against REST and the sync endpoint: each forbidden
 * action is refused with the right status or close code, and nothing changes in Postgres.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { shareLinks } from '../shared/db/auth-schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { addMember, createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

type Who = 'owner' | 'editor' | 'commenter' | 'viewer' | 'stranger' | 'anonymous' | 'expiredLink' | 'revokedLink' | 'otherConfigLink';

interface Credential {
  token: string | null;
  share: string | null;
}

describe('permission matrix', () => {
  let server: TestServer;
  let configId: string;
  let otherId: string;
  /** A pending invitation on the matrix config (revoking it is an owner's action). */
  let invitationId: string;
  const creds = {} as Record<Who, Credential>;

  beforeAll(async () => {
    server = await startTestServer();
    configId = await createConfig(server, { name: 'matrix', data: { BOARD: 'rock-5b' } });
    otherId = await createConfig(server, { name: 'other' });
    const pending = await server.api(`/api/configs/${configId}/members`, { method: 'POST', body: JSON.stringify({ email: 'pending@example.test', role: 'editor' }) });
    invitationId = ((await pending.json()) as { id: string }).id;
    const users: Partial<Record<Who, TestUser>> = {};
    for (const who of ['editor', 'commenter', 'viewer', 'stranger'] as const) users[who] = await signUp(server.url, who);
    for (const role of ['editor', 'commenter', 'viewer'] as const) {
      await addMember(server, configId, users[role]!, role);
    }
    const link = async (id: string, role = 'editor') =>
      (await (await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role }) })).json()) as { id: string; token: string };
    const expired = await link(configId);
    await server.database.db.update(shareLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shareLinks.id, expired.id));
    const revoked = await link(configId);
    expect((await server.api(`/api/configs/${configId}/shares/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    const other = await link(otherId);
    Object.assign(creds, {
      owner: { token: server.token, share: null },
      editor: { token: users.editor!.token, share: null },
      commenter: { token: users.commenter!.token, share: null },
      viewer: { token: users.viewer!.token, share: null },
      stranger: { token: users.stranger!.token, share: null },
      anonymous: { token: null, share: null },
      expiredLink: { token: null, share: expired.token },
      revokedLink: { token: null, share: revoked.token },
      otherConfigLink: { token: null, share: other.token },
    });
  });
  afterAll(() => server.cleanup());

  /** What Postgres holds for the config: if a refused request changed any of it, the test fails. */
  async function dbState() {
    const rows = await server.database.db.execute(sql`
      select c.name, c.deleted_at, (select count(*) from doc_updates u where u.config_id = c.id)::int as updates,
             (select count(*) from share_links s where s.config_id = c.id and s.revoked_at is null)::int as shares,
             (select count(*) from config_members m where m.config_id = c.id)::int as members,
             (select count(*) from config_invitations i where i.config_id = c.id and i.revoked_at is null and i.accepted_at is null)::int as invitations,
             c.require_approval, c.required_approvals
      from configs c where c.id = ${configId}`);
    return JSON.stringify((rows as unknown as { rows?: unknown[] }).rows ?? rows);
  }

  const request = (who: Who, path: string, init: RequestInit = {}) => {
    const { token, share } = creds[who];
    return authed(server.url, token)(path, { ...init, headers: share ? { 'x-share-token': share } : {} });
  };

  const actions: Array<{ name: string; run: (who: Who) => Promise<Response>; allowed: Who[] }> = [
    { name: 'read', run: (w) => request(w, `/api/configs/${configId}`), allowed: ['owner', 'editor', 'commenter', 'viewer'] },
    { name: 'export', run: (w) => request(w, `/api/configs/${configId}/export?format=conf`), allowed: ['owner', 'editor', 'commenter', 'viewer'] },
    { name: 'rename', run: (w) => request(w, `/api/configs/${configId}`, { method: 'PATCH', body: JSON.stringify({ name: `renamed by ${w}` }) }), allowed: ['owner', 'editor'] },
    { name: 'replace data', run: (w) => request(w, `/api/configs/${configId}/data`, { method: 'PUT', body: JSON.stringify({ BOARD: 'orangepi5' }) }), allowed: ['owner', 'editor'] },
    { name: 'list members', run: (w) => request(w, `/api/configs/${configId}/members`), allowed: ['owner'] },
    { name: 'invite', run: (w) => request(w, `/api/configs/${configId}/members`, { method: 'POST', body: JSON.stringify({ email: `x-${w}@example.test`, role: 'viewer' }) }), allowed: ['owner'] },
    { name: 'revoke invitation', run: (w) => request(w, `/api/configs/${configId}/invitations/${invitationId}`, { method: 'DELETE' }), allowed: ['owner'] },
    { name: 'review settings', run: (w) => request(w, `/api/configs/${configId}/settings`, { method: 'PUT', body: JSON.stringify({ requiredApprovals: 2 }) }), allowed: ['owner'] },
    { name: 'list links', run: (w) => request(w, `/api/configs/${configId}/shares`), allowed: ['owner'] },
    { name: 'create link', run: (w) => request(w, `/api/configs/${configId}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer' }) }), allowed: ['owner'] },
    // The owner may delete; that is shown last, in its own test, so the matrix has a config to run on.
    { name: 'delete', run: (w) => request(w, `/api/configs/${configId}`, { method: 'DELETE' }), allowed: ['owner'] },
  ];
  const refusal: Record<Who, number[]> = {
    owner: [],
    editor: [403],
    commenter: [403],
    viewer: [403],
    stranger: [404],
    anonymous: [401],
    expiredLink: [404],
    revokedLink: [404],
    otherConfigLink: [404],
  };

  it('REST: each forbidden action is refused with the right status and changes nothing', async () => {
    for (const action of actions) {
      for (const who of Object.keys(creds) as Who[]) {
        if (action.allowed.includes(who)) continue;
        const before = await dbState();
        const res = await action.run(who);
        expect({ action: action.name, who, status: res.status }).toEqual({ action: action.name, who, status: refusal[who][0] });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.message.length).toBeGreaterThan(0);
        expect(await dbState()).toBe(before);
      }
    }
  });

  it('REST: allowed actions succeed', async () => {
    for (const action of actions.filter((a) => a.name !== 'delete')) {
      for (const who of action.allowed) {
        const res = await action.run(who);
        expect({ action: action.name, who, ok: res.ok }).toEqual({ action: action.name, who, ok: true });
      }
    }
  });

  it('REST: accepting an invitation needs a session and a live token; linking GitHub needs a session', async () => {
    const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
    const before = await dbState();
    for (const who of Object.keys(creds) as Who[]) {
      const signedIn = creds[who].token !== null;
      const accept = await request(who, '/api/invitations/accept', json({ token: 'A'.repeat(43) }));
      expect({ who, status: accept.status }).toEqual({ who, status: signedIn ? 404 : 401 });
      const lookup = await request(who, '/api/invitations/lookup', json({ token: 'A'.repeat(43) }));
      expect({ who, status: lookup.status }).toEqual({ who, status: 404 });
      // This server has no GitHub configured: signed in, the route says so; otherwise sign in first.
      const link = await request(who, '/api/auth/github/link', json({}));
      expect({ who, status: link.status }).toEqual({ who, status: signedIn ? 404 : 401 });
    }
    expect(await dbState()).toBe(before);
  });

  it('sync: refused credentials get a close code; viewers and commenters cannot change the document', async () => {
    const wsUrl = (c: Credential) => {
      const q = new URLSearchParams();
      if (c.token) q.set('token', c.token);
      if (c.share) q.set('share', c.share);
      return `${server.url.replace('http', 'ws')}/sync/${configId}?${q}`;
    };
    const closeOf = (c: Credential) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl(c));
        ws.on('close', (code) => resolve(code));
        ws.on('error', () => {});
      });
    expect(await closeOf(creds.anonymous)).toBe(CloseCode.unauthorized.code);
    for (const who of ['stranger', 'expiredLink', 'revokedLink', 'otherConfigLink'] as const) {
      expect({ who, code: await closeOf(creds[who]) }).toEqual({ who, code: CloseCode.forbidden.code });
    }

    const owner = connectClient(server, configId);
    await synced(owner);
    for (const who of ['viewer', 'commenter'] as const) {
      const before = await dbState();
      const client = connectClient(server.url, configId, { token: creds[who].token! });
      const denied: string[] = [];
      client.provider.on('status', () => {});
      (client.provider as unknown as { messageHandlers: Array<(e: unknown, d: { arr: Uint8Array; pos: number }) => void> }).messageHandlers[2] = (_e, d) => {
        denied.push(new TextDecoder().decode(d.arr.subarray(d.pos)));
      };
      await synced(client);
      client.doc.getMap('config').set('VENDOR', `${who} was here`);
      client.doc.getMap('config').set('customizeScript', new Y.Text(`# ${who} was here`));
      await eventually(() => expect(denied.length).toBe(1));
      expect(denied[0]).toContain(who);
      // The owner never sees it, and Postgres has nothing new.
      await new Promise((r) => setTimeout(r, 200));
      expect(String(owner.doc.getMap('config').get('VENDOR'))).not.toContain(`${who} was here`);
      expect(String(owner.doc.getMap('config').get('customizeScript'))).not.toContain(`${who} was here`);
      expect(await dbState()).toBe(before);
      client.destroy();
    }
    owner.destroy();
  });

  it('the owner may delete, and then nobody reaches it', async () => {
    expect((await request('owner', `/api/configs/${configId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await request('owner', `/api/configs/${configId}`)).status).toBe(404);
    expect((await request('editor', `/api/configs/${configId}`)).status).toBe(404);
  });
});
