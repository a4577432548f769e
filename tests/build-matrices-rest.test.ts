/**
 * Build matrices through the REST API, end to end: real server, real Redis queue, real Postgres
 * and a real builder with the plan executor. A pick of boards × branches × releases × image types
 * builds one ordinary build per cell, each with its target in its snapshot and manifest; cells are
 * deduplicated by their own content hash; cancel all and retry one act on the cells' builds; a
 * targets.yaml imports; bad input and too many cells are refused with the reason; the approval
 * gate decides on the configuration state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder, type Builder } from '../builder/worker.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { testLogger } from './helpers/logger.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';
import { planExecutor, REDIS_URL, VALID_CONFIG } from './builder-harness.ts';

interface Cell {
  position: number;
  target: Record<string, string>;
  build: { id: string; status: string; contentHash: string };
}
interface Matrix {
  id: string;
  sourceContentHash: string;
  origin: string;
  cells: Cell[];
  counts: Record<string, number>;
  deduplicated: number[];
  skipped: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const MAX_CELLS = 8;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

describe('build matrices over REST', () => {
  let server: TestServer;
  let builder: Builder | null = null;
  let builderRedis: Redis;
  let tmp: string;
  let keyPrefix: string;
  let artifactsDir: string;

  const startBuilder = async () => {
    builder = createBuilder({
      db: server.database.db,
      redis: builderRedis,
      keys: buildKeys(keyPrefix),
      logger: testLogger(),
      executor: planExecutor(),
      storage: createLocalArtifactStorage(artifactsDir),
      workRoot: path.join(tmp, 'work'),
    });
    await builder.start();
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'matrices-rest-'));
    keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    artifactsDir = path.join(tmp, 'artifacts');
    server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix, artifactsDir, limits: { maxMatrixCells: MAX_CELLS } });
    builderRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await startBuilder();
  });
  afterAll(async () => {
    await builder?.close();
    builderRedis?.disconnect();
    await server?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  const post = (url: string, body: unknown) => server.api(url, { method: 'POST', body: JSON.stringify(body) });
  const create = async (configId: string, body: unknown): Promise<Matrix> => {
    const res = await post(`/api/configs/${configId}/matrices`, body);
    if (res.status !== 202) throw new Error(`matrix: ${res.status} ${await res.text()}`);
    return (await res.json()) as Matrix;
  };
  const read = async (id: string) => (await (await server.api(`/api/matrices/${id}`)).json()) as Matrix;
  const settled = (id: string) =>
    eventually(
      async () => {
        const m = await read(id);
        for (const c of m.cells) expect(TERMINAL).toContain(c.build.status);
        return m;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  const refusal = async (res: Response) => ({ status: res.status, ...((await res.json()) as ErrorBody).error });

  it('builds every picked cell as its own build, with the target in its snapshot and manifest', async () => {
    const id = await createConfig(server, { name: 'matrix pick', data: { ...VALID_CONFIG } });
    const matrix = await create(id, {
      pick: { boards: ['rock-5b', 'nanopi-r5s'], branches: ['current', 'vendor'], releases: ['trixie'], images: ['cli', 'minimal'] },
    });
    // nanopi-r5s offers no vendor kernel: left out, as the framework's inventory leaves it out.
    expect(matrix.skipped).toBe(1);
    expect(matrix.cells.map((c) => `${c.target.BOARD}/${c.target.BRANCH}/${c.target.BUILD_MINIMAL}`)).toEqual([
      'rock-5b/current/no',
      'rock-5b/current/yes',
      'rock-5b/vendor/no',
      'rock-5b/vendor/yes',
      'nanopi-r5s/current/no',
      'nanopi-r5s/current/yes',
    ]);
    expect(new Set(matrix.cells.map((c) => c.build.id)).size).toBe(6);
    const done = await settled(matrix.id);
    expect(done.counts).toEqual({ succeeded: 6 });

    const cell = done.cells.find((c) => c.target.BOARD === 'nanopi-r5s' && c.target.BUILD_MINIMAL === 'yes')!;
    const snapshot = (await (await server.api(`/api/builds/${cell.build.id}/snapshot`)).json()) as { configJson: Record<string, unknown>; contentHash: string };
    expect(snapshot.configJson).toMatchObject({ ...VALID_CONFIG, BOARD: 'nanopi-r5s', BRANCH: 'current', BUILD_MINIMAL: 'yes' });
    expect(snapshot.contentHash).toBe(cell.build.contentHash);
    expect(snapshot.contentHash).not.toBe(done.sourceContentHash);
    const manifest = JSON.parse(await (await server.api(`/api/builds/${cell.build.id}/artifacts/manifest.json`)).text()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ board: 'nanopi-r5s', contentHash: cell.build.contentHash });
    const log = (await (await server.api(`/api/builds/${cell.build.id}/logs`)).json()) as unknown[];
    expect(log.length).toBeGreaterThan(0);

    const list = (await (await server.api(`/api/configs/${id}/matrices`)).json()) as Array<{ id: string; cells: number }>;
    expect(list).toEqual([expect.objectContaining({ id: matrix.id, cells: 6, origin: 'pick' })]);
  });

  it('deduplicates per cell: a cell whose content already built points at that build', async () => {
    const id = await createConfig(server, { name: 'matrix dedupe', data: { ...VALID_CONFIG, VENDOR: 'dedupe' } });
    const single = (await (await post(`/api/configs/${id}/builds`, {})).json()) as { id: string };
    const first = await create(id, { targets: [{ BRANCH: 'vendor' }, { BRANCH: 'edge' }] });
    // A target that changes nothing is the configuration itself: the plain build's content.
    const second = await create(id, { targets: [{ BRANCH: 'current' }, { BRANCH: 'vendor' }, { RELEASE: 'bookworm' }] });
    expect(second.deduplicated).toEqual([0, 1]);
    expect(second.cells[0]!.build.id).toBe(single.id);
    expect(second.cells[1]!.build.id).toBe(first.cells[0]!.build.id);
    expect([single.id, ...first.cells.map((c) => c.build.id)]).not.toContain(second.cells[2]!.build.id);
    expect((await settled(second.id)).counts).toEqual({ succeeded: 3 });
  });

  it('cancels all cells, retries one, and the retried cell builds', async () => {
    const id = await createConfig(server, { name: 'matrix cancel', data: { ...VALID_CONFIG, VENDOR: 'cancel' } });
    // No builder for now: the cells stay queued until we cancel them.
    await builder!.close();
    builder = null;
    const matrix = await create(id, { pick: { releases: ['trixie', 'bookworm'], images: ['cli', 'minimal'] } });
    expect(matrix.cells.map((c) => c.build.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    const cancelled = await post(`/api/matrices/${matrix.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { cancelled: string[] }).cancelled).toHaveLength(4);
    expect((await read(matrix.id)).counts).toEqual({ cancelled: 4 });

    const retried = await post(`/api/matrices/${matrix.id}/cells/2/retry`, {});
    expect(retried.status).toBe(202);
    const [{ buildId }] = ((await retried.json()) as { retried: Array<{ position: number; buildId: string }> }).retried;
    const after = await read(matrix.id);
    expect(after.cells[2]!.build).toMatchObject({ id: buildId, status: 'queued' });
    expect(after.cells[2]!.build.id).not.toBe(matrix.cells[2]!.build.id);
    // Retrying a cell that is still queued is refused rather than doubled.
    expect(await refusal(await post(`/api/matrices/${matrix.id}/cells/2/retry`, {}))).toMatchObject({ status: 409, code: 'build_active' });

    await startBuilder();
    const done = await eventually(
      async () => {
        const m = await read(matrix.id);
        expect(m.cells[2]!.build.status).toBe('succeeded');
        return m;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(done.counts).toEqual({ cancelled: 3, succeeded: 1 });
    // Retry all brings back the cancelled ones only.
    const all = await post(`/api/matrices/${matrix.id}/retry`, {});
    expect(((await all.json()) as { retried: Array<{ position: number }> }).retried.map((r) => r.position)).toEqual([0, 1, 3]);
    expect((await settled(matrix.id)).counts).toEqual({ succeeded: 4 });
  });

  it('imports a targets.yaml, and refuses what the framework templates ask for that a matrix cannot do', async () => {
    const id = await createConfig(server, { name: 'matrix yaml', data: { ...VALID_CONFIG, VENDOR: 'yaml' } });
    const yaml = 'targets:\n  cli:\n    vars:\n      BUILD_MINIMAL: "no"\n      BUILD_DESKTOP: "no"\n      RELEASE: trixie\n    items:\n      - { BOARD: rock-5b, BRANCH: vendor }\n      - { BOARD: nanopi-r5s, BRANCH: edge }\n';
    const matrix = await create(id, { targetsYaml: yaml });
    expect(matrix.origin).toBe('targets.yaml');
    expect(matrix.cells.map((c) => c.target)).toEqual([
      { BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', RELEASE: 'trixie', BOARD: 'rock-5b', BRANCH: 'vendor' },
      { BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', RELEASE: 'trixie', BOARD: 'nanopi-r5s', BRANCH: 'edge' },
    ]);
    expect((await settled(matrix.id)).counts).toEqual({ succeeded: 2 });

    const template = (name: string) => readFile(path.join(FRAMEWORK_DIR, 'config/templates', name), 'utf8');
    // Every supported board: far more than the limit, which the answer names.
    const all = await refusal(await post(`/api/configs/${id}/matrices`, { targetsYaml: await template('targets-default.yaml') }));
    expect(all).toMatchObject({ status: 422, code: 'too_many_cells', message: expect.stringContaining(`at most ${MAX_CELLS} (BUILD_MATRIX_MAX_CELLS)`) });
    // Kernel-only artifacts are not an image build.
    const kernels = await refusal(await post(`/api/configs/${id}/matrices`, { targetsYaml: await template('targets-all-kernels.yaml') }));
    expect(kernels).toMatchObject({
      status: 422,
      details: expect.arrayContaining([{ path: '/targetsYaml/targets/all-kernels/pipeline', message: expect.stringContaining('only some artifacts'), keyword: 'targets' }]),
    });
  });

  it('refuses bad input with the reason, before queueing anything', async () => {
    const id = await createConfig(server, { name: 'matrix bad', data: { ...VALID_CONFIG, VENDOR: 'bad' } });
    const attempt = async (body: unknown) => refusal(await post(`/api/configs/${id}/matrices`, body));
    expect(await attempt({ pick: { boards: ['rock-5b', 'no-such-board'] } })).toMatchObject({
      status: 422,
      details: [{ path: '/pick/boards/1', message: 'unknown board "no-such-board"' }],
    });
    expect(await attempt({ targets: [{ BOARD: 'nope' }] })).toMatchObject({ status: 422, details: [{ path: '/targets/0/BOARD' }] });
    expect(await attempt({ pick: { releases: ['trixie', 'bookworm', 'noble'], images: ['cli', 'minimal', 'desktop'] } })).toMatchObject({
      status: 422,
      code: 'too_many_cells',
      details: { limit: MAX_CELLS },
    });
    expect(await attempt({ pick: {}, targets: [] })).toMatchObject({ status: 422 });
    // A target the configuration cannot be built for: which cell, and why.
    const invalid = await attempt({ targets: [{ BRANCH: 'current' }, { BRANCH: 'ddk-nope' }] });
    expect(invalid).toMatchObject({ status: 422, details: [expect.objectContaining({ path: '/cells/1/BRANCH' })] });
    expect((await (await server.api(`/api/configs/${id}/matrices`)).json()) as unknown[]).toEqual([]);
    expect((await post(`/api/matrices/not-a-uuid/cancel`, {})).status).toBe(404);
  });

  it('asks the approval gate about the configuration state, for new matrices and retries', async () => {
    const id = await createConfig(server, { name: 'matrix approval', data: { ...VALID_CONFIG, VENDOR: 'approval' } });
    const matrix = await create(id, { targets: [{ BRANCH: 'edge' }] });
    await settled(matrix.id);
    expect((await server.api(`/api/configs/${id}/settings`, { method: 'PUT', body: JSON.stringify({ requireApproval: true }) })).status).toBe(200);
    expect(await refusal(await post(`/api/configs/${id}/matrices`, { targets: [{ BRANCH: 'vendor' }] }))).toMatchObject({ status: 409, code: 'approval_required' });
    expect(await refusal(await post(`/api/matrices/${matrix.id}/cells/0/retry`, {}))).toMatchObject({ status: 409, code: 'approval_required' });
    expect(await refusal(await post(`/api/builds/${matrix.cells[0]!.build.id}/retry`, {}))).toMatchObject({ status: 409, code: 'approval_required' });
  });
});
