/**
 * Artifacts: names with path tricks are refused (by the validator the download route shares and
 * by the storage itself), local storage returns the bytes it checksummed, and the cleanup job
 * deletes expired artifacts (file and row) while keeping the rest.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredArtifacts } from '../shared/node/builds/artifact-cleanup.ts';
import { ARTIFACT_NAME_MAX_LENGTH, checkArtifactName, isValidArtifactName } from '../shared/builds/artifact-name.ts';
import { bufferSource } from '../shared/node/builds/artifact-storage-local.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getArtifact, getBuild, listArtifacts } from '../shared/node/builds/read.ts';
import { buildArtifacts } from '../shared/node/db/builds-schema.ts';
import { recordArtifact } from '../builder/artifact-recorder.ts';
import { buildRequest, createBuildsEnv, insertConfig, readStream, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';

let env: BuildsEnv;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_artifacts');
});

afterAll(async () => {
  await env?.cleanup();
});

describe('artifact names', () => {
  it.each([
    ['', 'empty'],
    ['../etc/passwd', 'separator'],
    ['..', 'dot_segment'],
    ['a..b', 'dot_segment'],
    ['dir/file.img', 'separator'],
    ['dir\\file.img', 'separator'],
    ['.hidden', 'leading_dot'],
    ['nul\u0000.img', 'control'],
    ['line\nbreak', 'control'],
    ['x'.repeat(ARTIFACT_NAME_MAX_LENGTH + 1), 'too_long'],
  ])('refuses %j (%s)', (name, problem) => {
    expect(checkArtifactName(name)).toMatchObject({ ok: false, problem });
  });

  it.each(['manifest.json', 'SHA256SUMS', 'Armbian-unofficial_26.02.0-trunk_Rock-5b_trixie_current_6.18.1.img.sha', 'x'.repeat(ARTIFACT_NAME_MAX_LENGTH)])(
    'accepts %j',
    (name) => expect(isValidArtifactName(name)).toBe(true),
  );
});

describe('local artifact storage', () => {
  it('stores, checksums, streams back and deletes', async () => {
    const buildId = randomUUID();
    const bytes = Buffer.from('hello image\n'.repeat(1000));
    const stored = await env.storage.put(buildId, 'image.img', bufferSource(bytes));
    expect(stored).toEqual({
      key: `${buildId}/image.img`,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect((await readStream(await env.storage.get(stored.key))).equals(bytes)).toBe(true);
    await env.storage.delete(stored.key);
    await expect(env.storage.get(stored.key)).rejects.toMatchObject({ code: 'ENOENT' });
    // The emptied build directory goes too.
    expect(existsSync(path.join(env.artifactsDir, buildId))).toBe(false);
  });

  it('refuses names and keys that would leave its directory', async () => {
    const buildId = randomUUID();
    await expect(env.storage.put(buildId, '../escape', bufferSource(Buffer.from('x')))).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(env.storage.put('../../tmp', 'x', bufferSource(Buffer.from('x')))).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(env.storage.get(`${buildId}/../../etc/passwd`)).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(env.storage.get('/etc/passwd')).rejects.toMatchObject({ code: 'invalid_key' });
    expect(existsSync(path.join(env.artifactsDir, '..', 'escape'))).toBe(false);
  });
});

describe('expired artifact cleanup', () => {
  it('deletes expired artifacts, file and row, and keeps the others', async () => {
    const configId = await insertConfig(env.db, 'cleanup');
    const { id: buildId } = await enqueueBuild(env.service, buildRequest(configId));
    const file = path.join(env.tmp, 'payload.bin');
    await writeFile(file, 'payload');
    const deps = { db: env.db, redis: env.redis, keys: env.keys, storage: env.storage, ttlMs: 60_000 };
    await recordArtifact({ ...deps, ttlMs: -1_000 }, buildId, 'old.img', file);
    await recordArtifact(deps, buildId, 'fresh.img', file);
    const old = (await env.db.select().from(buildArtifacts)).find((row) => row.name === 'old.img')!;

    // An expired artifact is no longer offered for download even before the cleanup runs.
    expect(await getArtifact(env.db, buildId, 'old.img')).toBeNull();
    expect((await listArtifacts(env.db, buildId)).map((a) => a.name)).toEqual(['fresh.img']);

    expect(await deleteExpiredArtifacts({ db: env.db, storage: env.storage, logger: env.logger })).toBe(1);
    expect(existsSync(path.join(env.artifactsDir, old.storageKey))).toBe(false);
    const rows = await env.db.select().from(buildArtifacts);
    expect(rows.map((row) => row.name)).toEqual(['fresh.img']);
    const fresh = (await getArtifact(env.db, buildId, 'fresh.img'))!;
    expect((await readStream(await env.storage.get(fresh.storageKey))).toString()).toBe('payload');
    expect((await getBuild(env.db, buildId))!.artifacts.map((a) => a.name)).toEqual(['fresh.img']);
    // Nothing left to do: a second run deletes nothing.
    expect(await deleteExpiredArtifacts({ db: env.db, storage: env.storage, logger: env.logger })).toBe(0);
  });
});
