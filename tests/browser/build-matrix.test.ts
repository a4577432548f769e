/**
 * The matrix view of the Builds panel, in a real browser against a real server, Redis queue and
 * in-process builder (plan executor): pick two boards × two branches, see the cell count before
 * building, build, watch every cell reach "Succeeded" through the pushed status feed, open a cell's
 * build (its log), and see a targets.yaml the matrix cannot build refused with the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder, type Builder } from '../../builder/worker.ts';
import { createLocalArtifactStorage } from '../../shared/node/builds/artifact-storage-local.ts';
import { buildKeys } from '../../shared/builds/keys.ts';
import { planExecutor, REDIS_URL, VALID_CONFIG } from '../builder-harness.ts';
import { testLogger } from '../helpers/logger.ts';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let builder: Builder;
let builderRedis: Redis;
let tmp: string;
const errors: string[][] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'browser-matrix-'));
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const artifactsDir = path.join(tmp, 'artifacts');
  h = await startHarness('build-matrix', { redisUrl: REDIS_URL, keyPrefix, artifactsDir });
  builderRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  builder = createBuilder({
    db: h.server.database.db,
    redis: builderRedis,
    keys: buildKeys(keyPrefix),
    logger: testLogger(),
    executor: planExecutor(),
    storage: createLocalArtifactStorage(artifactsDir),
    workRoot: path.join(tmp, 'work'),
  });
  await builder.start();
}, 120_000);

afterAll(async () => {
  await h?.close();
  await builder?.close();
  builderRedis?.disconnect();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  expect(errors.flat()).toEqual([]);
});

async function openMatrixView(configId: string): Promise<Page> {
  const { page, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
  errors.push(pageErrors);
  await formReady(page);
  await page.locator('.lm_tab', { hasText: 'Builds' }).click();
  await page.getByTestId('builds-view-matrix').click();
  await page.getByTestId('matrix-picker').waitFor();
  return page;
}

describe('the matrix view', () => {
  it('picks boards × branches, builds every cell, follows their status and opens a cell', async () => {
    const configId = await createConfig(h.server, { name: 'Matrix in the browser', data: { ...VALID_CONFIG } });
    const page = await openMatrixView(configId);
    // It starts from the configuration's own target: one cell.
    await expect.poll(() => page.getByTestId('matrix-count').textContent()).toContain('1 cell');
    await page.getByTestId('matrix-board-input').fill('orangepi5');
    await page.getByTestId('matrix-board-input').press('Enter');
    await page.getByTestId('matrix-picker').getByRole('checkbox', { name: 'vendor', exact: true }).check();
    await expect.poll(() => page.getByTestId('matrix-count').textContent()).toContain('4 cells');
    await page.getByTestId('matrix-build').click();

    const cells = page.getByTestId('matrix-cell');
    await expect.poll(() => cells.count(), { timeout: 15_000 }).toBe(4);
    await expect.poll(() => page.locator('[data-testid=matrix-cell][data-status=succeeded]').count(), { timeout: 60_000 }).toBe(4);
    const [matrix] = (await (await h.server.api(`/api/configs/${configId}/matrices`)).json()) as Array<{ id: string }>;
    const stored = (await (await h.server.api(`/api/matrices/${matrix!.id}`)).json()) as { counts: Record<string, number>; cells: Array<{ target: Record<string, string>; build: { id: string } }> };
    expect(stored.counts).toEqual({ succeeded: 4 });
    expect(stored.cells.map((c) => `${c.target.BOARD}/${c.target.BRANCH}`)).toEqual(['rock-5b/current', 'rock-5b/vendor', 'orangepi5/current', 'orangepi5/vendor']);
    expect(await page.getByTestId('matrix-counts').textContent()).toBe('4 succeeded');

    // The picker folds away once there is a matrix to show.
    expect(await page.getByTestId('matrix-new').getAttribute('open')).toBeNull();
    // A cell opens its build: status, log lines, artifacts.
    await page.locator('[data-testid=matrix-cell][data-position="3"]').click();
    const details = page.getByTestId('matrix-cell-details');
    await details.locator('[data-testid=build-details][data-status=succeeded]').waitFor();
    expect(await details.locator('.matrix-cell-title').textContent()).toContain('orangepi5 · vendor');
    const log = (await (await h.server.api(`/api/builds/${stored.cells[3]!.build.id}/logs`)).json()) as unknown[];
    await expect.poll(() => details.locator('[data-testid=build-log] .log-line').count()).toBe(log.length);
    await h.screenshot(page, 'build-matrix-grid');
  });

  it('shows why a targets.yaml cannot be built', async () => {
    const configId = await createConfig(h.server, { name: 'Matrix yaml', data: { ...VALID_CONFIG, VENDOR: 'yaml' } });
    const page = await openMatrixView(configId);
    await page.getByTestId('matrix-mode-yaml').check();
    await page.getByTestId('matrix-yaml').fill('targets:\n  kernels:\n    pipeline:\n      only-artifacts: [ "kernel" ]\n    vars: { RELEASE: sid }\n    items:\n      - { BOARD: rock-5b, BRANCH: current }\n');
    await page.getByTestId('matrix-build').click();
    const problem = page.getByTestId('matrix-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('/targetsYaml/targets/kernels/pipeline');
    expect(await problem.textContent()).toContain('only some artifacts');
    await h.screenshot(page, 'build-matrix-yaml-refused');
  });
});
