/**
 * A configuration that leaves the trash for good takes its builds' artifact files with it; the
 * artifacts of every other configuration stay on disk and downloadable.
 */
import { ARTIFACT_PERSONAL_TENANT } from '../shared/node/builds/artifact-storage.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from './helpers/logger.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { type PlanBuilder, VALID_CONFIG, startPlanBuilder } from './builder-harness.ts';

interface BuildBody {
  id: string;
  status: string;
  artifacts: Array<{ name: string }>;
}

describe('purging a configuration from the trash', () => {
  let builder: PlanBuilder;
  let tmp: string | undefined;
  let artifactsDir: string;
  // Registered before the rig, so the folder goes after the server stopped.
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const rig = useTestServer(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'trash-artifacts-'));
    artifactsDir = path.join(tmp, 'artifacts');
    return { redis: 'trash_artifacts', artifactsDir };
  });
  const { server } = rig;

  beforeAll(async () => {
    builder = await startPlanBuilder({ db: server.database.db, keyPrefix: rig.keyPrefix!, artifactsDir, workRoot: path.join(tmp!, 'work'), logger: testLogger() });
  });
  afterAll(async () => {
    await builder?.close();
  });

  const buildOf = async (configId: string): Promise<BuildBody> => {
    const res = await server.api(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    return eventually(
      async () => {
        const b = (await (await server.api(`/api/builds/${id}`)).json()) as BuildBody;
        expect(b.status).toBe('succeeded');
        return b;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  };

  it('deletes the artifact files of the purged configuration and keeps the others', async () => {
    const owner = { url: server.url, token: server.token };
    const purged = await createConfig(owner, { name: 'Old', data: { ...VALID_CONFIG, VENDOR: 'Old' } });
    const kept = await createConfig(owner, { name: 'Kept', data: { ...VALID_CONFIG, VENDOR: 'Kept' } });
    const [gone, stays] = await Promise.all([buildOf(purged), buildOf(kept)]);
    expect(gone.artifacts.length).toBeGreaterThan(0);
    // Personal configurations' builds are stored under the `personal` tenant prefix.
    const tenantDir = path.join(artifactsDir, ARTIFACT_PERSONAL_TENANT);
    expect((await readdir(tenantDir)).sort()).toEqual([gone.id, stays.id].sort());

    expect((await server.api(`/api/configs/${purged}`, { method: 'DELETE' })).status).toBe(204);
    // Still in the trash: nothing is deleted, the owner could restore it with its artifacts.
    expect(await server.trashSweep.runOnce()).toEqual([]);
    expect((await readdir(tenantDir)).sort()).toEqual([gone.id, stays.id].sort());

    await server.database.db.execute(sql`update configs set deleted_at = now() - interval '31 days' where id = ${purged}`);
    expect(await server.trashSweep.runOnce()).toEqual([purged]);
    expect(await readdir(tenantDir)).toEqual([stays.id]);
    const download = await server.api(`/api/builds/${stays.id}/artifacts/${encodeURIComponent(stays.artifacts[0].name)}`);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
