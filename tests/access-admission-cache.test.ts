/**
 * Cheap admission: a person joining a room that is already loaded, with a session and a role
 * this process has just seen, is let in without a Postgres query; a removed member is refused
 * right after the removal, on the process that made it and on another one that learned of it over
 * the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessControl, type AccessEventBus } from '../server/access/access-control.ts';
import { createAdmissionCache } from '../server/access/admission-cache.ts';
import type { Role } from '../shared/roles.ts';
import { CloseCode } from '../shared/protocol.ts';
import { mainDoc } from '../server/storage/doc-key.ts';
import { signUp, type TestUser } from './helpers/auth.ts';
import { closeCode, connectClient, synced, type TestClient } from './helpers/clients.ts';
import { as, startClusterPair, type ClusterPair } from './helpers/cluster-pair.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig, recordQueries } from './helpers/server.ts';

const CONFIG = '11111111-1111-4111-8111-111111111111';
/** Sockets one person opens at once in the storm test: a handful of tabs reconnecting together. */
const SOCKETS_IN_BURST = 8;

/** The steady access re-check (every REVALIDATE_INTERVAL_MS: the access generation, then the
 * batched facts of the connections it covers) runs on its own clock and is no part of admitting
 * anyone; its queries are told apart here. */
const steadyRecheck = (q: string) => /unnest\(|= any\(|from access_generation/.test(q);

describe('admission without Postgres', () => {
  const { server, clients } = useTestServer();
  let member: TestUser;
  beforeAll(async () => {
    member = await signUp(server.url, 'Member');
  });

  it('a second connection of the same person to a loaded room issues no query; a removed member is refused at once', async () => {
    const id = await createConfig(server, { name: 'admission' });
    await addMember(server, id, member, 'editor');
    const first = connectClient({ url: server.url, token: member.token }, id);
    clients.push(first);
    await synced(first);

    const queries = recordQueries(server);
    const second = connectClient({ url: server.url, token: member.token }, id);
    clients.push(second);
    await synced(second);
    expect(queries.filter((q) => !steadyRecheck(q))).toEqual([]);
    expect(server.registry.byConfig.get(id)?.size).toBe(2);

    const firstClosed = closeCode(first);
    expect((await server.api(`/api/configs/${id}/members/${member.user.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await firstClosed).toBe(CloseCode.accessRevoked.code);
    const again = connectClient({ url: server.url, token: member.token }, id);
    clients.push(again);
    expect(await closeCode(again)).toBe(CloseCode.notFound.code);
  });
});

describe('a burst of sockets to a room nobody has opened (a reconnect storm after a restart)', () => {
  const { server, clients } = useTestServer();

  it('asks Postgres once for the session and once for the role, and loads one room, however many sockets arrive together', async () => {
    const id = await createConfig(server, { name: 'storm' });
    const member = await signUp(server.url, 'Stormy');
    await addMember(server, id, member, 'editor');
    // A session this server has never looked up (signing in answers without one), a role it has
    // never decided, and a configuration nobody has opened, so its room is not loaded.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.user.email, password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect(server.manager.peek(mainDoc(id))).toBeNull();
    const queries = recordQueries(server);
    const burst = Array.from({ length: SOCKETS_IN_BURST }, () => connectClient({ url: server.url, token }, id));
    clients.push(...burst);
    await Promise.all(burst.map((c) => synced(c)));
    expect(server.registry.byConfig.get(id)?.size).toBe(SOCKETS_IN_BURST);
    const asked = queries.filter((q) => !steadyRecheck(q));
    expect(asked.filter((q) => /from "sessions"/.test(q))).toHaveLength(1);
    expect(asked.filter((q) => /boardroom_effective_role/.test(q))).toHaveLength(1);
    // One room serves them all (its load runs in a tenant transaction, which this log does not see).
    expect(server.manager.peek(mainDoc(id))?.connections.size).toBe(SOCKETS_IN_BURST);
  });
});

describe('share-link guests at admission', () => {
  const { server, clients } = useTestServer();

  it('a second guest through the same link to a loaded room issues no query; uses are written in a batch; a revoked link stops admitting at once', async () => {
    const id = await createConfig(server, { name: 'link admission' });
    const made = await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor', label: 'chat' }) });
    const link = (await made.json()) as { id: string; token: string };
    const first = connectClient(server.url, id, { share: link.token });
    clients.push(first);
    await synced(first);

    const queries = recordQueries(server);
    const second = connectClient(server.url, id, { share: link.token });
    clients.push(second);
    await synced(second);
    expect(queries.filter((q) => !steadyRecheck(q))).toEqual([]);

    // Both uses are in the Share dialog's list (it writes this process's pending count first).
    const shares = (await (await server.api(`/api/configs/${id}/shares`)).json()) as Array<{ id: string; uses: number }>;
    expect(shares.find((s) => s.id === link.id)?.uses).toBe(2);

    const closed = closeCode(first);
    expect((await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    const again = connectClient(server.url, id, { share: link.token });
    clients.push(again);
    expect(await closeCode(again)).toBe(CloseCode.notFound.code);
  });
});

describe('admission after a removal made on another process', () => {
  let pair: ClusterPair;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    pair = await startClusterPair();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await pair?.cleanup();
  });

  it('is refused on the other process once it has heard of the removal', async () => {
    const { a, b, owner } = pair;
    const id = await createConfig({ url: a.url, token: owner.token }, { name: 'admission-two' });
    const member = await signUp(a.url, 'Member');
    await addMember({ url: a.url, token: owner.token }, id, member, 'editor');
    // Two connections on B: B has remembered the member's role.
    const live = connectClient({ url: b.url, token: member.token }, id);
    const other = connectClient({ url: b.url, token: member.token }, id);
    clients.push(live, other);
    await Promise.all([synced(live), synced(other)]);
    const liveClosed = closeCode(live);

    expect((await as(a, owner)(`/api/configs/${id}/members/${member.user.id}`, { method: 'DELETE' })).status).toBe(204);
    // B closing the member's connection is B acting on the removal (the bus, or its re-check).
    expect(await liveClosed).toBe(CloseCode.accessRevoked.code);
    const again = connectClient({ url: b.url, token: member.token }, id);
    clients.push(again);
    expect(await closeCode(again)).toBe(CloseCode.notFound.code);
  });
});

describe('the admission cache', () => {
  /** The role store: counts lookups, answers what `roles` says now. */
  function store(roles: Map<string, Role | null>) {
    const asked: string[] = [];
    return {
      asked,
      lookup: async (configId: string, user: { id: string }) => {
        asked.push(`${configId}|${user.id}`);
        return roles.get(`${configId}|${user.id}`) ?? null;
      },
    };
  }

  it('asks once for a burst of sockets, keeps granted roles only, and forgets what an invalidation names', async () => {
    const roles = new Map<string, Role | null>([[`${CONFIG}|u1`, 'editor'], [`${CONFIG}|u2`, 'viewer']]);
    const s = store(roles);
    const cache = createAdmissionCache(s.lookup);
    const u1 = { id: 'u1', isAdmin: false };
    const u2 = { id: 'u2', isAdmin: false };
    expect(await Promise.all([1, 2, 3].map(() => cache.memberRole(CONFIG, u1)))).toEqual(['editor', 'editor', 'editor']);
    expect(await cache.memberRole(CONFIG, u2)).toBe('viewer');
    expect(await cache.memberRole(CONFIG, { id: 'stranger', isAdmin: false })).toBeNull();
    expect(await cache.memberRole(CONFIG, { id: 'stranger', isAdmin: false })).toBeNull();
    expect(s.asked).toEqual([`${CONFIG}|u1`, `${CONFIG}|u2`, `${CONFIG}|stranger`, `${CONFIG}|stranger`]);

    roles.set(`${CONFIG}|u1`, null);
    cache.forget({ configId: CONFIG, userId: 'u1' });
    expect(await cache.memberRole(CONFIG, u1)).toBeNull();
    // u2's entry was not named: still remembered.
    expect(await cache.memberRole(CONFIG, u2)).toBe('viewer');
    expect(s.asked.slice(4)).toEqual([`${CONFIG}|u1`]);

    roles.set(`${CONFIG}|u2`, 'editor');
    cache.forget({ configId: CONFIG });
    expect(await cache.memberRole(CONFIG, u2)).toBe('editor');

    // An organisation or team change names the account: its roles on every configuration go.
    roles.set(`other|u2`, 'viewer');
    expect(await cache.memberRole('other', u2)).toBe('viewer');
    roles.set(`${CONFIG}|u2`, 'commenter');
    roles.set(`other|u2`, null);
    expect(await cache.memberRole(CONFIG, u1)).toBeNull();
    cache.forget({ accountId: 'u2' });
    expect([await cache.memberRole(CONFIG, u2), await cache.memberRole('other', u2)]).toEqual(['commenter', null]);
  });

  it('never stores an answer read before an invalidation that came while it was in flight', async () => {
    let release!: (role: Role | null) => void;
    let asked = 0;
    const cache = createAdmissionCache(() => {
      asked++;
      return new Promise<Role | null>((resolve) => (release = resolve));
    });
    const user = { id: 'u1', isAdmin: false };
    const stale = cache.memberRole(CONFIG, user);
    cache.forget({ configId: CONFIG, userId: 'u1' });
    release('editor');
    expect(await stale).toBe('editor');
    void cache.memberRole(CONFIG, user);
    expect(asked).toBe(2);
  });

  it('ends a remembered role after its time, and starts over past its size', async () => {
    let clock = 0;
    let asked = 0;
    const cache = createAdmissionCache(async () => (asked++, 'viewer'), { ttlMs: 100, maxEntries: 2, now: () => clock });
    await cache.memberRole(CONFIG, { id: 'a', isAdmin: false });
    clock = 99;
    await cache.memberRole(CONFIG, { id: 'a', isAdmin: false });
    expect(asked).toBe(1);
    clock = 100;
    await cache.memberRole(CONFIG, { id: 'a', isAdmin: false });
    expect(asked).toBe(2);
    await cache.memberRole(CONFIG, { id: 'b', isAdmin: false });
    await cache.memberRole(CONFIG, { id: 'c', isAdmin: false });
    expect(cache.size).toBeLessThanOrEqual(2);
  });

  it('an invalidation heard from another process, or one it cannot read, drops remembered roles there', async () => {
    const subscribers: Array<(m: unknown) => void> = [];
    const bus = (): AccessEventBus => ({ publish: (m) => subscribers.forEach((h) => h(JSON.parse(JSON.stringify(m)))), subscribe: (h) => void subscribers.push(h) });
    const roles = new Map<string, Role | null>([[`${CONFIG}|u1`, 'editor']]);
    const s = store(roles);
    const cacheB = createAdmissionCache(s.lookup);
    const common = { registry: { byConfig: new Map() } as never, roomsOf: () => [], recheck: async () => {} };
    const a = createAccessControl({ ...common, bus: { publish: bus().publish, subscribe: () => {} } });
    const b = createAccessControl({ ...common, bus: { publish: () => {}, subscribe: bus().subscribe }, forgetAccess: (scope) => cacheB.forget(scope) });
    try {
      await cacheB.memberRole(CONFIG, { id: 'u1', isAdmin: false });
      roles.set(`${CONFIG}|u1`, null);
      await a.events.invalidate({ configId: CONFIG, userId: 'u1' });
      expect(await cacheB.memberRole(CONFIG, { id: 'u1', isAdmin: false })).toBeNull();

      roles.set(`${CONFIG}|u1`, 'viewer');
      await cacheB.memberRole(CONFIG, { id: 'u1', isAdmin: false });
      roles.set(`${CONFIG}|u1`, 'editor');
      for (const h of subscribers) h({ type: 'something-newer' });
      expect(await cacheB.memberRole(CONFIG, { id: 'u1', isAdmin: false })).toBe('editor');
    } finally {
      a.close();
      b.close();
    }
  });
});
