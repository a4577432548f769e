/**
 * Builds through the REST API, end to end: real server, real Redis queue, a real builder in the
 * same process, real Postgres. Invalid configurations are refused; a valid one builds; its
 * artifacts download with their checksum; the same content is deduplicated unless forced, and a
 * forced rebuild is byte-identical; the live log stream ends with the build.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder, type Builder } from '../builder/worker.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { CHECKSUM_HEADER } from '../server/builds/routes.ts';
import { authed, signUp } from './helpers/auth.ts';
import { testLogger } from './helpers/logger.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig, startTestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { planExecutor, REDIS_URL, VALID_CONFIG } from './builder-harness.ts';

interface BuildBody {
  id: string;
  status: string;
  contentHash: string;
  artifacts: Array<{ name: string; size: number; sha256: string }>;
}

const METRICS_TOKEN = 'builds-rest-metrics';

describe('builds over REST', () => {
  let builder: Builder;
  let builderRedis: Redis;
  let tmp: string | undefined;
  // Registered before the rig, so the folder goes after the server stopped.
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const rig = useTestServer(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'builds-rest-'));
    return { redis: 'builds', artifactsDir: path.join(tmp, 'artifacts'), metricsToken: METRICS_TOKEN };
  });
  const { server } = rig;

  beforeAll(async () => {
    builderRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    builder = createBuilder({
      db: server.database.db,
      redis: builderRedis,
      keys: buildKeys(rig.keyPrefix!),
      logger: testLogger(),
      executor: planExecutor(),
      storage: createLocalArtifactStorage(path.join(tmp!, 'artifacts')),
      workRoot: path.join(tmp!, 'work'),
    });
    await builder.start();
  });
  afterAll(async () => {
    await builder?.close();
    builderRedis?.disconnect();
  });

  const finished = async (id: string): Promise<BuildBody> =>
    eventually(
      async () => {
        const b = (await (await server.api(`/api/builds/${id}`)).json()) as BuildBody;
        expect(['succeeded', 'failed', 'cancelled']).toContain(b.status);
        return b;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );

  const download = async (buildId: string, name: string) => {
    const res = await server.api(`/api/builds/${buildId}/artifacts/${encodeURIComponent(name)}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { bytes, header: res.headers.get(CHECKSUM_HEADER) };
  };

  it('refuses a configuration with errors, with the errors', async () => {
    const id = await createConfig(server, { name: 'broken', data: { BOARD: 'rock-5b', BRANCH: 'ddk' } });
    const res = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: Array<{ path: string }> } };
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/BRANCH', '/RELEASE']));
  });

  it('builds a valid configuration: artifacts match their checksums, rebuilds are byte-identical', async () => {
    const id = await createConfig(server, { name: 'Rock 5B server', data: { ...VALID_CONFIG } });
    const res = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; status: string; contentHash: string };
    expect(accepted.status).toBe('queued');
    const build = await finished(accepted.id);
    expect(build.status).toBe('succeeded');
    const names = build.artifacts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'SHA256SUMS', 'compile-command.txt', 'config-rock-5b-server.conf']));
    const first = new Map<string, Buffer>();
    for (const a of build.artifacts) {
      const { bytes, header } = await download(build.id, a.name);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(sha).toBe(a.sha256);
      expect(header).toBe(a.sha256);
      expect(bytes.length).toBe(a.size);
      first.set(a.name, bytes);
    }
    const manifest = JSON.parse(first.get('manifest.json')!.toString()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ board: 'rock-5b', family: 'rockchip-rk3588', architecture: 'arm64', contentHash: accepted.contentHash });

    // The exact configuration it built, as frozen with the build.
    const snapshot = (await (await server.api(`/api/builds/${build.id}/snapshot`)).json()) as Record<string, unknown>;
    expect(snapshot).toMatchObject({ configJson: { ...VALID_CONFIG }, contentHash: accepted.contentHash });
    expect(Object.keys(snapshot).sort()).toEqual(['builderVersion', 'configJson', 'contentHash', 'schemaVersion']);

    // Same content: the earlier build comes back unless forced.
    const again = (await (await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).json()) as { id: string; deduplicated: boolean };
    expect(again).toMatchObject({ id: accepted.id, deduplicated: true });
    const forced = (await (await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: JSON.stringify({ force: true }) })).json()) as { id: string };
    expect(forced.id).not.toBe(accepted.id);
    const rebuilt = await finished(forced.id);
    for (const a of rebuilt.artifacts) expect((await download(rebuilt.id, a.name)).bytes.equals(first.get(a.name)!)).toBe(true);

    const list = (await (await server.api(`/api/configs/${id}/builds`)).json()) as Array<{ id: string }>;
    expect(list.map((b) => b.id)).toEqual(expect.arrayContaining([accepted.id, forced.id]));
  });

  it('streams the log live and the late viewer sees the same log', async () => {
    const id = await createConfig(server, { name: 'logs', data: { ...VALID_CONFIG, VENDOR: 'logtest' } });
    const { id: buildId } = (await (await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).json()) as { id: string };
    const res = await server.api(`/api/builds/${buildId}/logs`, { headers: { accept: 'text/event-stream' } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the stream ends when the build does
    const live = [...text.matchAll(/event: log\ndata: (.*)\nid: (\d+)/g)].map((m) => JSON.parse(m[1]!) as { seq: number; line: string });
    expect(text).toMatch(/"status":"succeeded"/);
    expect(live.length).toBeGreaterThan(0);
    const late = (await (await server.api(`/api/builds/${buildId}/logs`)).json()) as Array<{ seq: number; line: string }>;
    expect(late.map((l) => l.line)).toEqual(live.map((l) => l.line));
  });

  it('refuses path tricks in artifact names and unknown artifacts', async () => {
    const id = await createConfig(server, { name: 'tricks', data: { ...VALID_CONFIG, VENDOR: 'tricks' } });
    const { id: buildId } = (await (await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).json()) as { id: string };
    await finished(buildId);
    // (A bare `..` or `%2E%2E` segment never reaches us: URL parsing resolves it before sending.)
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '.hidden', 'a..b', 'a%5Cb', 'x%00y']) {
      expect({ name, status: (await server.api(`/api/builds/${buildId}/artifacts/${name}`)).status }).toEqual({ name, status: 400 });
    }
    expect((await server.api(`/api/builds/${buildId}/artifacts/nope.img`)).status).toBe(404);
  });

  it('lets only editors and owners build, and retry re-runs the same snapshot', async () => {
    const id = await createConfig(server, { name: 'roles', data: { ...VALID_CONFIG, VENDOR: 'roles' } });
    const viewer = await signUp(server.url, 'Viewer');
    await addMember(server, id, viewer, 'viewer');
    expect((await authed(server.url, viewer.token)(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).status).toBe(403);
    const { id: buildId } = (await (await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' })).json()) as { id: string };
    const first = await finished(buildId);
    expect((await authed(server.url, viewer.token)(`/api/builds/${buildId}/retry`, { method: 'POST' })).status).toBe(403);
    const retry = await server.api(`/api/builds/${buildId}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    const second = await finished(((await retry.json()) as { id: string }).id);
    expect(second.contentHash).toBe(first.contentHash);
    expect(second.artifacts.map((a) => a.sha256).sort()).toEqual(first.artifacts.map((a) => a.sha256).sort());
  });

  it('reports build outcomes in /metrics, read from Postgres', async () => {
    const id = await createConfig(server, { name: 'metrics outcome', data: { ...VALID_CONFIG } });
    const res = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    expect((await finished(((await res.json()) as { id: string }).id)).status).toBe('succeeded');
    const figure = async (status: string) => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const line = text.split('\n').find((l) => l.startsWith(`boardroom_builds_finished_recent{status="${status}"}`));
      return line ? Number(line.split(' ').at(-1)) : NaN;
    };
    const rows = (await server.database.db.execute(sql`select count(*)::int as n from build_jobs where status = 'succeeded'`)) as unknown as Array<{ n: number }>;
    await eventually(async () => expect(await figure('succeeded')).toBe(Number(rows[0]!.n)));
    expect(await figure('failed')).toBe(0);
  });
});

describe('builds without a queue', () => {
  it('answers 503 with a clear message when no Redis is configured', async () => {
    const server = await startTestServer();
    try {
      const id = await createConfig(server, { name: 'no-redis', data: { ...VALID_CONFIG } });
      const res = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('queue_unavailable');
    } finally {
      await server.cleanup();
    }
  });
});
