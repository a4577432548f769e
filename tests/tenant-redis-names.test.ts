/**
 * Redis names carry the tenant (issue #20 item 4, docs/architecture.md "Redis key layout"), read
 * from Redis itself while two servers, a builder and clients work: each configuration's document
 * channel (`PUBSUB CHANNELS`), each build's events channel (a pattern subscriber hears them) and
 * each build's BullMQ job (`SCAN`, its name) is named with its own configuration's tenant, the
 * organisation id or `personal`, and never another's. A configuration moved to another
 * organisation changes channel on every process, and edits after the move still reach everyone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder, type Builder } from '../builder/worker.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { CloseCode } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { synced } from './helpers/clients.ts';
import { testLogger } from './helpers/logger.ts';
import { TEST_REDIS_URL, useTestServer } from './helpers/rig.ts';
import { eventually } from './helpers/wait.ts';
import { planExecutor, VALID_CONFIG } from './builder-harness.ts';

let tmp = '';
const rig = useTestServer(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tenant-redis-names-'));
  // The webhook receiver is a closed loopback port: deliveries fail, their jobs are what we read.
  return { redis: 'tenant-names', artifactsDir: path.join(tmp, 'artifacts'), webhookAllowedNetworks: ['127.0.0.1/32'] };
});
let redis: Redis;
let builderRedis: Redis;
let builder: Builder | null = null;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  builderRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await builder?.close();
  builderRedis?.disconnect();
  redis?.disconnect();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const prefix = () => rig.keyPrefix!;
const post = (who: TestUser, url: string, p: string, body: unknown) => authed(url, who.token)(p, { method: 'POST', body: JSON.stringify(body) });

async function newOrg(owner: TestUser, name: string): Promise<string> {
  return ((await (await post(owner, rig.server.url, '/api/orgs', { name })).json()) as { id: string }).id;
}
async function newConfig(owner: TestUser, name: string, orgId: string | null): Promise<string> {
  const res = await post(owner, rig.server.url, '/api/configs', { name, orgId, data: { ...VALID_CONFIG } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The deployment's channels with a subscriber now, prefix removed. */
async function channels(): Promise<string[]> {
  const names = (await redis.pubsub('CHANNELS', `${prefix()}*`)) as string[];
  return names.map((n) => n.slice(prefix().length));
}

/** Every Redis key of the deployment, prefix removed. */
async function keys(): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix()}*`, 'COUNT', 500);
    cursor = next;
    out.push(...batch.map((k) => k.slice(prefix().length)));
  } while (cursor !== '0');
  return out;
}

/** Whatever names `id` (a configuration or a build) names it under `tenant` alone. */
function expectOnlyUnder(names: string[], id: string, tenant: string): void {
  const naming = names.filter((n) => n.includes(id));
  expect(naming.length).toBeGreaterThan(0);
  for (const name of naming) expect(name.startsWith(`t:${tenant}:`) || name.startsWith('bull:')).toBe(true);
}

describe('Redis names carry the tenant', () => {
  it('document channels, build event channels and build jobs of two organisations (and a personal configuration) each name their own tenant', async () => {
    const other = await rig.startAnother();
    const [ada, bob] = await Promise.all([signUp(rig.server.url, 'Ada'), signUp(rig.server.url, 'Bob')]);
    const orgA = await newOrg(ada, 'Makers');
    const orgB = await newOrg(bob, 'Breakers');
    const inA = await newConfig(ada, 'in A', orgA);
    const inB = await newConfig(bob, 'in B', orgB);
    const personal = await newConfig(ada, 'personal', null);
    // Organisation A's configuration has a webhook: its build's delivery is queued as A's.
    const hook = await post(ada, rig.server.url, `/api/configs/${inA}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['build.finished'] });
    expect(hook.status).toBe(201);

    // Edited on both processes.
    const edited: Array<[string, TestUser]> = [
      [inA, ada],
      [inB, bob],
      [personal, ada],
    ];
    for (const [id, who] of edited) {
      const here = rig.connect({ url: rig.server.url, token: who.token }, id);
      const there = rig.connect({ url: other.url, token: who.token }, id);
      await Promise.all([synced(here), synced(there)]);
      here.doc.getMap('config').set('BRANCH', 'edge');
      await eventually(() => expect(there.doc.getMap('config').get('BRANCH')).toBe('edge'));
    }
    const open = await channels();
    expect(open).toContain(`t:${orgA}:doc:${inA}`);
    expect(open).toContain(`t:${orgB}:doc:${inB}`);
    expect(open).toContain(`t:personal:doc:${personal}`);
    expectOnlyUnder(open, inA, orgA);
    expectOnlyUnder(open, inB, orgB);
    expectOnlyUnder(open, personal, 'personal');

    // Built: the events channels are heard by a pattern subscriber over every tenant.
    const listener = new Redis(TEST_REDIS_URL);
    const heard = new Set<string>();
    try {
      listener.on('pmessage', (_pattern: string, channel: string) => heard.add(channel.slice(prefix().length)));
      await listener.psubscribe(`${prefix()}t:*`);
      builder = createBuilder({
        db: rig.server.database.db,
        redis: builderRedis,
        keys: buildKeys(prefix()),
        logger: testLogger(),
        executor: planExecutor(),
        storage: createLocalArtifactStorage(path.join(tmp, 'artifacts')),
        workRoot: path.join(tmp, 'work'),
      });
      await builder.start();
      const builds: Record<string, string> = {};
      for (const [id, who] of edited) {
        const res = await post(who, rig.server.url, `/api/configs/${id}/builds`, {});
        expect(res.status).toBe(202);
        builds[id] = ((await res.json()) as { id: string }).id;
      }
      for (const [id, who] of edited) {
        await eventually(
          async () => {
            const res = await authed(rig.server.url, who.token)(`/api/builds/${builds[id]}`);
            expect(((await res.json()) as { status: string }).status).toBe('succeeded');
          },
          { timeoutMs: 30_000 },
        );
      }
      const tenantOf: Record<string, string> = { [inA]: orgA, [inB]: orgB, [personal]: 'personal' };
      for (const [id] of edited) {
        const buildId = builds[id]!;
        expect(heard).toContain(`t:${tenantOf[id]}:build:${buildId}`);
        expectOnlyUnder([...heard], buildId, tenantOf[id]!);
        // The BullMQ job is the build's (its id), named with the tenant.
        const all = await keys();
        expect(all).toContain(`bull:builds:${buildId}`);
        expect(await redis.hget(`${prefix()}bull:builds:${buildId}`, 'name')).toBe(`t:${tenantOf[id]}:build`);
      }
      await eventually(async () => {
        const deliveryJobs = (await keys()).filter((k) => /^bull:webhooks:[0-9a-f-]{36}$/.test(k));
        expect(deliveryJobs.length).toBeGreaterThan(0);
        for (const key of deliveryJobs) expect(await redis.hget(`${prefix()}${key}`, 'name')).toBe(`t:${orgA}:deliver`);
      });
    } finally {
      listener.disconnect();
      await builder?.close();
      builder = null;
    }
  });

  it('a configuration moved to an organisation changes channel on both processes, and edits after the move reach everyone', async () => {
    const other = await rig.startAnother();
    const ada = await signUp(rig.server.url, 'Mover');
    const orgId = await newOrg(ada, 'Destination');
    const id = await newConfig(ada, 'moving', null);
    const here = rig.connect({ url: rig.server.url, token: ada.token }, id);
    const there = rig.connect({ url: other.url, token: ada.token }, id);
    const closes: number[] = [];
    for (const client of [here, there]) client.provider.on('connection-close', (event: CloseEvent | null) => event && closes.push(event.code));
    await Promise.all([synced(here), synced(there)]);
    expect(await channels()).toContain(`t:personal:doc:${id}`);

    const moved = await post(ada, rig.server.url, `/api/configs/${id}/move`, { orgId });
    expect(moved.status).toBe(200);
    // Both clients were told why and came back, each to a room under the new tenant.
    await eventually(() => expect(closes.filter((c) => c === CloseCode.configMoved.code)).toHaveLength(2));
    await Promise.all([synced(here), synced(there)]);
    await eventually(async () => {
      const open = await channels();
      expect(open).toContain(`t:${orgId}:doc:${id}`);
      expect(open.filter((n) => n.includes(id) && !n.startsWith(`t:${orgId}:`))).toEqual([]);
    });

    here.doc.getMap('config').set('BRANCH', 'current');
    await eventually(() => expect(there.doc.getMap('config').get('BRANCH')).toBe('current'));
    there.doc.getMap('config').set('RELEASE', 'noble');
    await eventually(() => expect(here.doc.getMap('config').get('RELEASE')).toBe('noble'));
  });
});
