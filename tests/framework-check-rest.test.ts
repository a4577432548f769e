/**
 * "Check with Armbian" over REST: the server has no framework, so it asks a builder that has one
 * (here the real framework beside the repository) through the framework-check queue, and answers
 * with the framework's verdict in its own words. Without such a builder it says at once that the
 * check is unavailable.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameworkCheckWorker, type FrameworkCheckWorker } from '../builder/framework-check/check-worker.ts';
import { blobFetcherFor } from '../builder/blob-fetch.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import type { FrameworkCheckAnswer } from '../shared/node/builds/framework-check.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { authed, signUp } from './helpers/auth.ts';
import { testLogger } from './helpers/logger.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { REDIS_URL } from './builder-harness.ts';
import { startFrameworkRig, type FrameworkRig } from './framework/framework-rig.ts';

/** A board file of the configuration's own (userpatches/config/boards/). */
const ACME_BOARD = '# Acme One, our own RK3588 board\nBOARD_NAME="Acme One"\nBOARDFAMILY="rockchip-rk3588"\nBOARD_VENDOR="acme"\nKERNEL_TARGET="vendor"\n';

/** Two framework runs on a busy two-core machine, plus the queue round trips. */
const CHECK_TEST_TIMEOUT_MS = 300_000;

describe('Check with Armbian over REST', () => {
  const { server, keyPrefix } = useTestServer({ redis: 'fwcheck' });
  let redis: Redis;
  let rig: FrameworkRig;
  let worker: FrameworkCheckWorker | null = null;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    rig = await startFrameworkRig(2);
  });
  afterAll(async () => {
    await worker?.close();
    redis?.disconnect();
    await rig?.close();
  });

  const check = (id: string, token = server.token) => authed(server.url, token)(`/api/configs/${id}/framework-check`, { method: 'POST' });

  it('says the check is unavailable when no builder has a checkout', async () => {
    const id = await createConfig(server, { name: 'no framework', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
    const res = await check(id);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('framework_check_unavailable');
    expect(body.error.message).toMatch(/ARMBIAN_DIR/);
  });

  it("answers with the framework's verdict and words", async () => {
    worker = createFrameworkCheckWorker({
      redis,
      keys: buildKeys(keyPrefix!),
      judge: rig.judge,
      facts: loadArmbianFacts(),
      builderVersion: '1.0.0',
      logger: testLogger(),
      workerName: 'test-builder',
      blobsOf: (id) => blobFetcherFor(server.database.db as BuildsDb, id),
    });
    await worker.start();

    const good = await createConfig(server, { name: 'Build', data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', ENABLE_EXTENSIONS: ['cloud-init'] } });
    const typo = await createConfig(server, { name: 'typo', data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', ENABLE_EXTENSIONS: ['docker'] } });
    const [okRes, badRes] = await Promise.all([check(good), check(typo)]);
    expect(okRes.status).toBe(200);
    const ok = (await okRes.json()) as FrameworkCheckAnswer;
    expect(ok).toMatchObject({ accepted: true, errors: [], imageFileId: 'Orangepi5_noble_vendor_6.1.y_gnome-ci_desktop', kernelVersion: '6.1' });
    expect(ok.predictedImageName).toBe('Armbian-unofficial_26.08.0-trunk_Orangepi5_noble_vendor_6.1.y_gnome-ci_desktop.img');
    expect(ok.framework.commit).toBe(loadArmbianFacts().framework.commit);

    expect(badRes.status).toBe(200);
    const bad = (await badRes.json()) as FrameworkCheckAnswer;
    expect(bad.accepted).toBe(false);
    expect(bad.errors.join('\n')).toMatch(/the Armbian framework refused this configuration: .*cant find extension 'docker'/);

    // The userpatches tree is in place for the check as for a build: a board of the
    // configuration's own is resolved by the framework from its file.
    const own = await createConfig(server, { name: 'own board', data: { BOARD: 'acme-one', BRANCH: 'vendor', RELEASE: 'noble' } });
    const upload = await server.api(`/api/configs/${own}/files/upload`, { method: 'POST', body: JSON.stringify({ path: 'config/boards/acme-one.csc', text: ACME_BOARD }) });
    expect(upload.status).toBe(201);
    const ownRes = await check(own);
    const ownAnswer = (await ownRes.json()) as FrameworkCheckAnswer;
    expect({ status: ownRes.status, accepted: ownAnswer.accepted, errors: ownAnswer.errors }).toEqual({ status: 200, accepted: true, errors: [] });
    expect(ownAnswer.imageFileId).toMatch(/^Acme-one_noble_vendor_/);

    // Who may build may check; a viewer may not.
    const viewer = await signUp(server.url, 'Viewer');
    expect((await check(good, viewer.token)).status).toBe(404);
  }, CHECK_TEST_TIMEOUT_MS);
});
