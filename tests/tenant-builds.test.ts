/**
 * The tenant outside Postgres (issue #20 item 4), on real Postgres and Redis: a build's BullMQ job
 * carries its configuration's organisation; its artifacts are stored under the tenant's prefix
 * (`<org id|personal>/<build>/<name>`) while keys stored before tenants existed still serve; the
 * build metrics name at most MAX_TENANT_LABELS tenants.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordArtifact } from '../builder/artifact-recorder.ts';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createMetrics } from '../server/metrics.ts';
import { MAX_TENANT_LABELS, setTenantOutcomes } from '../server/metrics-gauges.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { bufferSource } from '../shared/node/builds/artifact-storage-local.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { createBuildQueue } from '../shared/node/builds/queue.ts';
import { buildArtifacts } from '../shared/node/db/builds-schema.ts';
import { REDIS_URL } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

let testDb: TestDatabase;
let database: Database;
let redis: Redis;
let dir: string;
const keys = buildKeys(`test:tenant-builds:${randomBytes(6).toString('hex')}:`);

beforeAll(async () => {
  testDb = await createTestDatabase('tenant_builds', { migrated: true });
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  dir = await mkdtemp(path.join(tmpdir(), 'tenant-builds-'));
});
afterAll(async () => {
  redis?.disconnect();
  await database?.close();
  await testDb?.drop();
  await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? r : (r as { rows: Row[] }).rows);

async function configIn(orgId: string | null): Promise<string> {
  const [row] = rowsOf(await database.db.execute(sql`insert into configs (name, org_id) values ('c', ${orgId}) returning id`));
  return String(row.id);
}
async function organisation(): Promise<string> {
  const [row] = rowsOf(await database.db.execute(sql`insert into organisations (name) values ('o') returning id`));
  return String(row.id);
}

describe('the tenant of builds', () => {
  it("a build's job carries its configuration's organisation (null for a personal one)", async () => {
    const queue = createBuildQueue(redis, keys);
    try {
      const orgId = await organisation();
      const deps = { db: database.db, queue, redis, keys, logger: testLogger() };
      const request = (configId: string) => ({
        configId,
        configName: 'c',
        configJson: { BOARD: 'x' },
        yjsState: new Uint8Array([0]),
        schemaVersion: '1',
        contentHash: createHash('sha256').update(randomBytes(8)).digest('hex'),
      });
      const inOrg = await enqueueBuild(deps, request(await configIn(orgId)));
      const personal = await enqueueBuild(deps, request(await configIn(null)));
      expect((await queue.getJob(inOrg.id))?.data).toEqual({ buildId: inOrg.id, orgId });
      expect((await queue.getJob(personal.id))?.data).toEqual({ buildId: personal.id, orgId: null });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("stores artifacts under the build's tenant, and still serves keys stored before tenants", async () => {
    const root = path.join(dir, 'artifacts');
    const storage = createLocalArtifactStorage(root);
    const orgId = await organisation();
    const [build] = rowsOf(
      await database.db.execute(sql`insert into build_jobs (config_id, config_name, content_hash, config_json, yjs_state, schema_version, builder_version)
        values (${await configIn(orgId)}, 'c', 'h', '{}', '\\x00'::bytea, '1', 'v') returning id, org_id`),
    );
    expect(build.org_id).toBe(orgId);
    const file = path.join(dir, 'out.img');
    await writeFile(file, 'image bytes');
    await recordArtifact({ db: database.db, redis, keys, storage, ttlMs: 60_000 }, String(build.id), 'out.img', file);
    const [row] = await database.db.select().from(buildArtifacts).where(eq(buildArtifacts.buildId, String(build.id)));
    expect(row.storageKey).toBe(`${orgId}/${build.id}/out.img`);
    expect(row.orgId).toBe(orgId);
    expect(await readFile(path.join(root, orgId, String(build.id), 'out.img'), 'utf8')).toBe('image bytes');
    expect(await text(await storage.get(row.storageKey))).toBe('image bytes');
    // A personal configuration's build: `personal/…`.
    const personal = await storage.put(String(build.id), 'p.img', bufferSource(Buffer.from('p')), 'personal');
    expect(personal.key).toBe(`personal/${build.id}/p.img`);
    // A key from before tenants (`<build>/<name>`) is still read and deleted.
    const legacy = await storage.put(String(build.id), 'old.img', bufferSource(Buffer.from('old')));
    expect(legacy.key).toBe(`${build.id}/old.img`);
    expect(await text(await storage.get(legacy.key))).toBe('old');
    await storage.delete(legacy.key);
    await expect(storage.get(legacy.key)).rejects.toMatchObject({ code: 'ENOENT' });
    // A tenant that is neither an organisation id nor `personal` cannot name a path.
    await expect(storage.put(String(build.id), 'x.img', bufferSource(Buffer.from('x')), '..')).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(storage.get(`../${build.id}/out.img`)).rejects.toMatchObject({ code: 'invalid_key' });
  });

  it('names at most MAX_TENANT_LABELS tenants in the build metrics, the rest as other', async () => {
    const metrics = createMetrics();
    const rows = Array.from({ length: MAX_TENANT_LABELS + 5 }, (_, i) => ({ tenant: `t${String(i).padStart(2, '0')}`, status: 'succeeded', n: 100 - i }));
    rows.push({ tenant: 'personal', status: 'failed', n: 1000 });
    setTenantOutcomes(metrics, rows);
    const exposed = (await metrics.buildOutcomesByTenant.get()).values;
    const tenants = new Set(exposed.map((v) => String(v.labels.tenant)));
    expect(tenants.size).toBe(MAX_TENANT_LABELS + 1);
    expect(tenants.has('personal')).toBe(true);
    const other = exposed.find((v) => v.labels.tenant === 'other');
    // The 20 busiest are named (personal and t00…t18); t19…t24 are summed.
    expect(other?.value).toBe([19, 20, 21, 22, 23, 24].reduce((s, i) => s + 100 - i, 0));
    // A later scrape without those tenants drops their labels.
    setTenantOutcomes(metrics, [{ tenant: 'personal', status: 'failed', n: 1 }]);
    expect((await metrics.buildOutcomesByTenant.get()).values.map((v) => v.labels.tenant)).toEqual(['personal']);
  });
});
