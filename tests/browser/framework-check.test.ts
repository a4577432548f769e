/**
 * "Check with Armbian" in the browser: the button in Problems asks the real framework (through a
 * builder-side check worker on the framework beside the repository) and shows its verdict in its
 * own words: the refusal of a misspelt extension, then the accepted configuration with the image
 * name the framework resolved.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameworkCheckWorker, type FrameworkCheckWorker } from '../../builder/framework-check/check-worker.ts';
import { blobFetcherFor } from '../../builder/blob-fetch.ts';
import type { BuildsDb } from '../../shared/node/builds/db.ts';
import { loadArmbianFacts } from '../../builder/plan/armbian-facts.ts';
import { buildKeys } from '../../shared/builds/keys.ts';
import { REDIS_URL } from '../builder-harness.ts';
import { startFrameworkRig, type FrameworkRig } from '../framework/framework-rig.ts';
import { testLogger } from '../helpers/logger.ts';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

/** One framework run on a loaded machine, plus the queue round trip. */
const CHECK_WAIT_MS = 180_000;

let h: Harness;
let rig: FrameworkRig;
let worker: FrameworkCheckWorker;
let redis: Redis;

beforeAll(async () => {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  h = await startHarness('framework-check', { redisUrl: REDIS_URL, keyPrefix });
  rig = await startFrameworkRig(2);
  redis = new Redis(REDIS_URL);
  worker = createFrameworkCheckWorker({ redis, keys: buildKeys(keyPrefix), judge: rig.judge, facts: loadArmbianFacts(), builderVersion: '1.0.0', logger: testLogger(), workerName: 'browser-test', blobsOf: (id) => blobFetcherFor(h.server.database.db as BuildsDb, id) });
  await worker.start();
}, 180_000);

afterAll(async () => {
  await worker?.close();
  redis?.disconnect();
  await rig?.close();
  await h?.close();
});

describe('Check with Armbian', () => {
  it("shows the framework's refusal, then its acceptance with the image name", async () => {
    const id = await createConfig(h.server, { name: 'Orange Pi 5 desktop', data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', ENABLE_EXTENSIONS: ['docker'] } });
    const { page, errors } = await h.open(h.owner, `/c/${id}`);
    await formReady(page);
    await page.locator('[data-panel=problems]').waitFor({ state: 'visible' });
    // The project's own rule says it first, with a suggestion…
    await page.locator('.problem[data-path="/ENABLE_EXTENSIONS/0"]', { hasText: 'did you mean docker-ce' }).waitFor();
    // …and the framework agrees, in its words.
    await page.getByTestId('framework-check').click();
    const result = page.getByTestId('framework-check-result');
    await result.getByText('Armbian refuses this configuration').waitFor({ timeout: CHECK_WAIT_MS });
    expect(await result.textContent()).toMatch(/cant find extension 'docker'/);
    await h.screenshot(page, 'refused');

    const fixed = await h.server.api(`/api/configs/${id}/data`, {
      method: 'PUT',
      body: JSON.stringify({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', ENABLE_EXTENSIONS: ['cloud-init'] }),
    });
    expect(fixed.ok).toBe(true);
    await page.locator('.problem[data-path="/ENABLE_EXTENSIONS/0"]').waitFor({ state: 'detached' });
    await page.getByTestId('framework-check').click();
    await result.getByText('Armbian accepts this configuration').waitFor({ timeout: CHECK_WAIT_MS });
    expect(await page.getByTestId('framework-image-name').textContent()).toBe('Armbian-unofficial_26.08.0-trunk_Orangepi5_noble_vendor_6.1.y_gnome-ci_desktop.img');
    await h.screenshot(page, 'accepted');
    expect(errors).toEqual([]);
  }, CHECK_WAIT_MS * 2 + 60_000);
});
