/**
 * Accounts and credentials: no account is admin by signing up, secrets are stored only as hashes (a
 * stolen row lets nobody in), sign-in is rate-limited, sign-out ends the session everywhere, and
 * presence identity is stamped by the server whatever the client claims.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sessions, shareLinks, users } from '../shared/node/db/auth-schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import { ServerLimitDefaults } from '../server/settings.ts';
import { authed, signUp } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const SESSION_TTL_MS = 3_600_000;

describe('accounts and credentials', () => {
  // A first sign-in delay that no pause of a busy machine between two requests outlasts.
  // Production's scrypt cost: the stored hash is checked for it. A session of one hour
  // (SESSION_TTL_MS), so the cookie's and the row's lifetime show the setting.
  const { server, clients } = useTestServer({ limits: { loginDelayBaseMs: 60_000, sessionTtlMs: SESSION_TTL_MS }, realPasswordHashing: true });

  it('makes no account an instance admin by signing up, the first one included', async () => {
    expect(server.owner.user.isAdmin).toBe(false);
    const second = await signUp(server.url, 'Second');
    expect(second.user.isAdmin).toBe(false);
    const me = (await (await authed(server.url, second.token)('/api/auth/me')).json()) as { user: { email: string } };
    expect(me.user.email).toBe(second.user.email);
  });

  it('sets an HttpOnly SameSite session cookie that works for the browser', async () => {
    const email = `cookie.${Date.now()}@example.test`;
    const res = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'Cookie', password: 'long enough pw' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/br_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//i);
    expect(cookie).toMatch(new RegExp(`Max-Age=${SESSION_TTL_MS / 1000}(;|$)`, 'i'));
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect(me.status).toBe(200);
    // The session itself ends when its cookie does (not after the two-week default).
    const { user } = (await res.json()) as { user: { id: string } };
    const [row] = await server.database.db.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.userId, user.id));
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + SESSION_TTL_MS);
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses bad sign-ups with details and duplicate emails with 409', async () => {
    const bad = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email', name: 'x', password: 'short' }),
    });
    expect(bad.status).toBe(422);
    const dup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: server.owner.user.email, name: 'Again', password: 'long enough pw' }),
    });
    expect(dup.status).toBe(409);
  });

  it('stores passwords and tokens only as hashes; a stolen row lets nobody in', async () => {
    const id = await createConfig(server, { name: 'secrets' });
    const link = (await (await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) })).json()) as { id: string; token: string };
    const dump = JSON.stringify(
      await server.database.db.execute(sql`select (select json_agg(s) from sessions s) as s, (select json_agg(l) from share_links l) as l, (select json_agg(u) from users u) as u`),
    );
    expect(dump).not.toContain(server.token);
    expect(dump).not.toContain(link.token);
    expect(dump).not.toContain('correct horse battery');
    const [user] = await server.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, server.owner.user.id));
    expect(user.hash).toMatch(/^scrypt\$32768\$8\$1\$/);

    // Present the stored hashes themselves as credentials: nothing opens.
    const [session] = await server.database.db.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, server.owner.user.id));
    const [share] = await server.database.db.select({ hash: shareLinks.tokenHash }).from(shareLinks).where(eq(shareLinks.id, link.id));
    expect((await authed(server.url, session.hash)(`/api/auth/me`)).status).toBe(401);
    // A share credential that opens nothing answers as an unknown configuration (REST and sync alike).
    expect((await fetch(`${server.url}/api/configs/${id}`, { headers: { 'x-share-token': share.hash } })).status).toBe(404);
    expect((await fetch(`${server.url}/api/shares/${share.hash}`)).status).toBe(404);
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?share=${share.hash}`);
      ws.on('close', (c) => resolve(c));
      ws.on('error', () => {});
    });
    expect(code).toBe(CloseCode.notFound.code);
  });

  it('rate-limits failed sign-ins with 429 and Retry-After', async () => {
    const victim = await signUp(server.url, 'Victim');
    const attempt = (password: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: victim.user.email, password }),
      });
    for (let i = 0; i < ServerLimitDefaults.loginFreeFailures; i++) expect((await attempt(`wrong-${i}-guess`)).status).toBe(401);
    const limited = await attempt('correct horse battery');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signing out revokes the session: REST refuses it and its live socket closes', async () => {
    const person = await signUp(server.url, 'Leaver');
    const id = await createConfig({ url: server.url, token: person.token }, { name: 'mine' });
    const client = connectClient({ url: server.url, token: person.token }, id);
    clients.push(client);
    await synced(client);
    const closed = new Promise<number>((resolve) =>
      client.provider.on('connection-close', (e: CloseEvent | null) => {
        client.provider.shouldConnect = false;
        resolve(e?.code ?? 0);
      }),
    );
    expect((await authed(server.url, person.token)('/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect((await authed(server.url, person.token)('/api/auth/me')).status).toBe(401);
  });

  it('stamps presence from the session: a client cannot claim another name or another client id', async () => {
    const id = await createConfig(server, { name: 'presence' });
    const mallory = await signUp(server.url, 'Mallory');
    await addMember(server, id, mallory, 'viewer');
    const owner = connectClient(server, id);
    const evil = connectClient({ url: server.url, token: mallory.token }, id);
    clients.push(owner, evil);
    await Promise.all([synced(owner), synced(evil)]);
    owner.provider.awareness.setLocalStateField('focus', { path: '/BOARD' });
    evil.provider.awareness.setLocalStateField('user', { id: server.owner.user.id, name: 'Owner', role: 'owner', color: '#000' });
    await eventually(() => {
      const seen = owner.provider.awareness.getStates().get(evil.doc.clientID) as { user: { id: string; name: string; role: string } } | undefined;
      expect(seen?.user).toMatchObject({ id: mallory.user.id, name: 'Mallory', role: 'viewer' });
    });
    // Mallory forges an update for the owner's awareness entry: the server drops it.
    const ownerId = owner.doc.clientID;
    const ownerMeta = evil.provider.awareness.meta.get(ownerId);
    expect(ownerMeta).toBeDefined();
    const { encodeAwarenessUpdate } = await import('y-protocols/awareness');
    evil.provider.awareness.states.set(ownerId, { focus: { path: '/RELEASE' }, user: { name: 'Owner' } });
    evil.provider.awareness.meta.set(ownerId, { clock: ownerMeta!.clock + 10, lastUpdated: Date.now() });
    const forged = encodeAwarenessUpdate(evil.provider.awareness, [ownerId]);
    const { createEncoder, writeVarUint, writeVarUint8Array, toUint8Array } = await import('lib0/encoding');
    const e = createEncoder();
    writeVarUint(e, 1);
    writeVarUint8Array(e, forged);
    (evil.provider.ws as unknown as WebSocket).send(toUint8Array(e));
    evil.provider.awareness.setLocalStateField('focus', { path: '/BRANCH' });
    await eventually(() => {
      const seen = owner.provider.awareness.getStates().get(evil.doc.clientID) as { focus?: { path: string } } | undefined;
      expect(seen?.focus?.path).toBe('/BRANCH');
    });
    const own = owner.provider.awareness.getLocalState() as { focus: { path: string } };
    expect(own.focus.path).toBe('/BOARD');
    const third = connectClient(server, id);
    clients.push(third);
    await synced(third);
    await eventually(() => {
      const ownerSeen = third.provider.awareness.getStates().get(ownerId) as { focus?: { path: string } } | undefined;
      expect(ownerSeen?.focus?.path).toBe('/BOARD');
    });
  });
});
