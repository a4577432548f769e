/**
 * Building from the browser: real server with a real Redis queue and an in-process builder (plan
 * executor). Build on a valid configuration shows the build running to "succeeded" with its log
 * and checksummed artifacts, and the exact configuration it used; a configuration with errors,
 * or a viewer, gets a Build button that says why it cannot build; a build someone else starts
 * shows up in an open Builds panel and follows its pushed status.
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

interface BuildBody {
  id: string;
  status: string;
  contentHash: string;
  artifacts: Array<{ name: string; size: number; sha256: string }>;
}

let h: Harness;
let builder: Builder;
let builderRedis: Redis;
let tmp: string;
const errors: string[][] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'browser-builds-'));
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const artifactsDir = path.join(tmp, 'artifacts');
  h = await startHarness('builds', { redisUrl: REDIS_URL, keyPrefix, artifactsDir });
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

async function open(pathname: string, user = h.owner): Promise<Page> {
  const { page, errors: pageErrors } = await h.open(user, pathname);
  errors.push(pageErrors);
  await formReady(page);
  return page;
}

const topBuild = (page: Page) => page.locator('.top-bar [data-testid=build-button]');

describe('the Build button and the Builds panel', () => {
  it('builds a valid configuration: live status to succeeded, log lines, artifacts with checksums, the exact snapshot', async () => {
    const configId = await createConfig(h.server, { name: 'Rock 5B server', data: { ...VALID_CONFIG } });
    const page = await open(`/c/${configId}`);
    await expect.poll(() => topBuild(page).getAttribute('aria-disabled')).toBe('false');
    await topBuild(page).click();

    // The Builds panel comes to the front with the new build selected, and follows it to the end.
    const details = page.getByTestId('build-details');
    await details.waitFor();
    await page.waitForSelector('[data-testid=build-details][data-status=succeeded]');
    const list = (await (await h.server.api(`/api/configs/${configId}/builds`)).json()) as Array<{ id: string }>;
    expect(list).toHaveLength(1);
    const build = (await (await h.server.api(`/api/builds/${list[0].id}`)).json()) as BuildBody;
    expect(build.status).toBe('succeeded');
    expect(await page.locator(`.build-row[data-build="${build.id}"]`).getAttribute('aria-current')).toBe('true');
    expect(await page.locator(`.build-row[data-build="${build.id}"] [data-testid=build-status]`).textContent()).toBe('Succeeded');

    // Every log line the builder stored is on screen, in order.
    const stored = (await (await h.server.api(`/api/builds/${build.id}/logs`)).json()) as Array<{ seq: number; line: string }>;
    expect(stored.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=build-log] .log-line').count()).toBe(stored.length);
    expect(await page.locator('[data-testid=build-log] .log-text').allTextContents()).toEqual(stored.map((l) => l.line));

    await h.screenshot(page, 'build-succeeded-log');

    // Artifacts: a download link per file, with its size and full sha256.
    await page.getByRole('tab', { name: `Artifacts (${build.artifacts.length})` }).click();
    const rows = page.locator('[data-testid=artifacts] tbody tr');
    await rows.first().waitFor({ state: 'visible' });
    await expect.poll(() => rows.count()).toBe(build.artifacts.length);
    for (const a of build.artifacts) {
      const row = page.locator(`[data-testid=artifacts] tr[data-artifact="${a.name}"]`);
      expect(await row.locator('[data-sha256]').getAttribute('data-sha256')).toBe(a.sha256);
      expect(await row.locator('a').getAttribute('href')).toBe(`/api/builds/${build.id}/artifacts/${encodeURIComponent(a.name)}`);
    }
    await h.screenshot(page, 'build-succeeded-artifacts');

    // The log stops following when scrolled up and follows again from the button.
    await page.getByRole('tab', { name: 'Log' }).click();
    const log = page.getByTestId('build-log');
    const scrollable = await log.evaluate((el) => el.scrollHeight > el.clientHeight);
    if (scrollable) {
      await log.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => log.getAttribute('data-following')).toBe('false');
      await page.getByTestId('log-follow').click();
      await expect.poll(() => log.getAttribute('data-following')).toBe('true');
      expect(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    }

    // "Open the exact configuration this build used": the frozen JSON and its hash, read-only.
    await page.getByTestId('open-snapshot').click();
    const dialog = page.getByTestId('build-snapshot');
    await dialog.getByTestId('snapshot-json').waitFor();
    expect(await dialog.getByTestId('snapshot-hash').textContent()).toBe(build.contentHash);
    const shown = JSON.parse((await dialog.getByTestId('snapshot-json').textContent()) ?? '') as Record<string, unknown>;
    const current = (await (await h.server.api(`/api/configs/${configId}`)).json()) as { data: Record<string, unknown> };
    expect(shown).toEqual(current.data);
    expect(shown).toMatchObject({ ...VALID_CONFIG });
    await h.screenshot(page, 'build-snapshot');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('keeps Build disabled with the reason when the configuration has errors', async () => {
    const configId = await createConfig(h.server, { name: 'Broken branch', data: { BOARD: 'rock-5b', BRANCH: 'legacy' } });
    const page = await open(`/c/${configId}`);
    const button = topBuild(page);
    await expect.poll(() => button.getAttribute('aria-disabled')).toBe('true');
    await button.hover();
    const tip = page.locator('.top-bar [data-testid=build-blocked-reason]');
    await tip.waitFor({ state: 'visible' });
    expect(await tip.textContent()).toMatch(/^Fix \d+ errors? before building/);
    await h.screenshot(page, 'build-blocked-errors');
    // It stays reachable by keyboard (aria-disabled); pressing it shows the problems instead of
    // asking the server.
    await page.mouse.move(0, 0);
    await button.focus();
    await tip.waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('[data-panel=problems]').waitFor({ state: 'visible' });
    const list = (await (await h.server.api(`/api/configs/${configId}/builds`)).json()) as unknown[];
    expect(list).toEqual([]);
  });

  it('tells a viewer that only editors and owners can build', async () => {
    const configId = await createConfig(h.server, { name: 'Viewer check', data: { ...VALID_CONFIG, VENDOR: 'viewer' } });
    const viewer = await h.member('Vera Viewer', configId, 'viewer');
    const page = await open(`/c/${configId}`, viewer);
    await expect.poll(() => topBuild(page).getAttribute('aria-disabled')).toBe('true');
    await page.locator('.lm_tab', { hasText: 'Builds' }).click();
    const reason = page.getByTestId('panel-build-blocked');
    await reason.waitFor();
    expect(await reason.textContent()).toBe('You are a viewer here: only editors and owners can start a build.');
    expect(await page.getByTestId('status-role').textContent()).toBe('· viewer');
    await h.screenshot(page, 'build-blocked-viewer');
  });

  it('shows a build someone else started as the server pushes its status', async () => {
    const configId = await createConfig(h.server, { name: 'Watched', data: { ...VALID_CONFIG, VENDOR: 'watched' } });
    const viewer = await h.member('Walt Watcher', configId, 'viewer');
    const page = await open(`/c/${configId}`, viewer);
    await page.locator('.lm_tab', { hasText: 'Builds' }).click();
    await page.getByTestId('panel-build-blocked').waitFor();
    // The owner starts it elsewhere (another tab, the API): the `build/status` events bring it in.
    const res = await h.server.api(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const status = page.locator(`.build-row[data-build="${id}"] [data-testid=build-status]`);
    await expect.poll(() => status.textContent()).toBe('Succeeded');
    await h.screenshot(page, 'build-pushed-to-watcher');
  });
});
