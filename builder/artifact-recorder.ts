/** Stores an executor's output file and records it on the build. */
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { checkArtifactName } from '../shared/builds/artifact-name.ts';
import { artifactTenantOf, type ArtifactStorage } from '../shared/node/builds/artifact-storage.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import type { BuildArtifactInfo } from '../shared/builds/events.ts';
import type { BuildKeys } from '../shared/builds/keys.ts';
import { publishBuildEvent } from '../shared/node/builds/transition.ts';
import { tenantOfOrg } from '../shared/tenant.ts';
import { buildArtifacts, buildJobs } from '../shared/node/db/builds-schema.ts';
import { ExecutorError } from './executors/types.ts';

export interface ArtifactRecorderDeps {
  db: BuildsDb;
  redis: Redis;
  keys: BuildKeys;
  storage: ArtifactStorage;
  /** How long artifacts are kept after they are stored. */
  ttlMs: number;
}

export async function recordArtifact(
  deps: ArtifactRecorderDeps,
  buildId: string,
  name: string,
  filePath: string,
): Promise<BuildArtifactInfo> {
  const check = checkArtifactName(name);
  if (!check.ok) throw new ExecutorError('no_output', `artifact name ${JSON.stringify(name)} refused: ${check.message}`);
  // Under the build's tenant (its row's org_id, set by the database from the configuration).
  const [build] = await deps.db.select({ orgId: buildJobs.orgId }).from(buildJobs).where(eq(buildJobs.id, buildId));
  const stored = await deps.storage.put(buildId, name, filePath, artifactTenantOf(build?.orgId));
  const expiresAt = new Date(Date.now() + deps.ttlMs);
  const row = { size: stored.size, sha256: stored.sha256, expiresAt, storageKey: stored.key };
  await deps.db
    .insert(buildArtifacts)
    .values({ buildId, name, ...row })
    .onConflictDoUpdate({ target: [buildArtifacts.buildId, buildArtifacts.name], set: { ...row, createdAt: new Date() } });
  const info: BuildArtifactInfo = { name, size: stored.size, sha256: stored.sha256, expiresAt: expiresAt.toISOString() };
  await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(build?.orgId), { type: 'artifact', buildId, artifact: info });
  return info;
}

/** A new attempt starts clean: what an earlier, failed attempt stored is not this build's output. */
export async function clearArtifacts(deps: ArtifactRecorderDeps, buildId: string): Promise<void> {
  const rows = await deps.db
    .select({ name: buildArtifacts.name, storageKey: buildArtifacts.storageKey })
    .from(buildArtifacts)
    .where(eq(buildArtifacts.buildId, buildId));
  for (const row of rows) {
    await deps.storage.delete(row.storageKey);
    await deps.db.delete(buildArtifacts).where(and(eq(buildArtifacts.buildId, buildId), eq(buildArtifacts.name, row.name)));
  }
}
