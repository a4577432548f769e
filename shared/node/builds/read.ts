/** Read side of builds, for the REST routes and the builder. Never returns the snapshot blobs
 * except through `getBuildSnapshot`, which only the builder needs. */
import { and, asc, desc, eq, gt, gte } from 'drizzle-orm';
import { buildArtifacts, buildJobs, buildLogs } from '../db/builds-schema.ts';
import type { BuildsDb } from './db.ts';
import type { BuildArtifactInfo, BuildLogLine, LogStream } from '../../builds/events.ts';
import type { BuildStatus } from '../../builds/status.ts';
import type { FirstbootSecretStamp } from '../../firstboot-secrets.ts';

/** One page of stored log lines: enough for a quick catch-up, small enough for one response. */
export const BUILD_LOG_PAGE_LINES = 5_000;
/** Builds listed per configuration by default (the build panel shows the recent ones). */
export const BUILD_LIST_DEFAULT_LIMIT = 50;

export interface BuildView {
  id: string;
  configId: string;
  configName: string;
  status: BuildStatus;
  stage: string | null;
  progress: number;
  contentHash: string;
  schemaVersion: string;
  builderVersion: string;
  executor: string | null;
  error: string | null;
  attempts: number;
  cancelRequested: boolean;
  requestedBy: string | null;
  retryOf: string | null;
  /** Set for a matrix cell whose target changed settings: the configuration state it came from. */
  sourceContentHash: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface BuildDetails extends BuildView {
  artifacts: BuildArtifactInfo[];
}

/** The frozen snapshot the builder runs. */
export interface BuildSnapshot {
  buildId: string;
  configId: string;
  configName: string;
  configJson: unknown;
  yjsState: Uint8Array;
  schemaVersion: string;
  builderVersion: string;
  contentHash: string;
  /** The build's organisation (null: personal), as the database set it: its tenant names the
   * build's events channel. Optional for snapshots made by hand (tests). */
  orgId?: string | null;
  /** The first-boot secrets the build uses (names and value ids, never values); absent or null:
   * none (shared/node/builds/firstboot-stamp.ts). */
  firstbootSecrets?: FirstbootSecretStamp | null;
}

const viewColumns = {
  id: buildJobs.id,
  configId: buildJobs.configId,
  configName: buildJobs.configName,
  status: buildJobs.status,
  stage: buildJobs.stage,
  progress: buildJobs.progress,
  contentHash: buildJobs.contentHash,
  schemaVersion: buildJobs.schemaVersion,
  builderVersion: buildJobs.builderVersion,
  executor: buildJobs.executor,
  error: buildJobs.error,
  attempts: buildJobs.attempts,
  cancelRequested: buildJobs.cancelRequested,
  requestedBy: buildJobs.requestedBy,
  retryOf: buildJobs.retryOf,
  sourceContentHash: buildJobs.sourceContentHash,
  createdAt: buildJobs.createdAt,
  startedAt: buildJobs.startedAt,
  finishedAt: buildJobs.finishedAt,
};

export async function getBuild(db: BuildsDb, buildId: string): Promise<BuildDetails | null> {
  const rows = await db.select(viewColumns).from(buildJobs).where(eq(buildJobs.id, buildId));
  const row = rows[0] as BuildView | undefined;
  if (!row) return null;
  return { ...row, artifacts: await listArtifacts(db, buildId) };
}

export async function listBuilds(
  db: BuildsDb,
  configId: string,
  limit: number = BUILD_LIST_DEFAULT_LIMIT,
): Promise<BuildView[]> {
  const rows = await db
    .select(viewColumns)
    .from(buildJobs)
    .where(eq(buildJobs.configId, configId))
    .orderBy(desc(buildJobs.createdAt))
    .limit(limit);
  return rows as BuildView[];
}

export async function getBuildSnapshot(db: BuildsDb, buildId: string): Promise<BuildSnapshot | null> {
  const rows = await db
    .select({
      buildId: buildJobs.id,
      configId: buildJobs.configId,
      configName: buildJobs.configName,
      configJson: buildJobs.configJson,
      yjsState: buildJobs.yjsState,
      schemaVersion: buildJobs.schemaVersion,
      builderVersion: buildJobs.builderVersion,
      contentHash: buildJobs.contentHash,
      firstbootSecrets: buildJobs.firstbootSecrets,
      orgId: buildJobs.orgId,
    })
    .from(buildJobs)
    .where(eq(buildJobs.id, buildId));
  const row = rows[0];
  return row ? { ...row, firstbootSecrets: (row.firstbootSecrets as FirstbootSecretStamp | null) ?? null } : null;
}

/** Stored log lines with seq > afterSeq, in order, at most `limit`. */
export async function readBuildLog(
  db: BuildsDb,
  buildId: string,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<BuildLogLine[]> {
  const rows = await db
    .select({ seq: buildLogs.seq, ts: buildLogs.ts, stream: buildLogs.stream, line: buildLogs.line })
    .from(buildLogs)
    .where(and(eq(buildLogs.buildId, buildId), gt(buildLogs.seq, options.afterSeq ?? 0)))
    .orderBy(asc(buildLogs.seq))
    .limit(options.limit ?? BUILD_LOG_PAGE_LINES);
  return rows.map((row) => ({
    seq: row.seq,
    ts: row.ts.toISOString(),
    stream: row.stream as LogStream,
    line: row.line,
  }));
}

/** Artifacts of a build that have not expired. */
export async function listArtifacts(db: BuildsDb, buildId: string, now: Date = new Date()): Promise<BuildArtifactInfo[]> {
  const rows = await db
    .select({
      name: buildArtifacts.name,
      size: buildArtifacts.size,
      sha256: buildArtifacts.sha256,
      expiresAt: buildArtifacts.expiresAt,
    })
    .from(buildArtifacts)
    .where(and(eq(buildArtifacts.buildId, buildId), gte(buildArtifacts.expiresAt, now)))
    .orderBy(asc(buildArtifacts.name));
  return rows.map((row) => ({ ...row, expiresAt: row.expiresAt.toISOString() }));
}

export interface StoredArtifact extends BuildArtifactInfo {
  buildId: string;
  storageKey: string;
}

/** One artifact for download; null if unknown or expired. Validate `name` first
 * (`validateArtifactName`): this lookup is exact, but the answer to a bad name should be a 400. */
export async function getArtifact(
  db: BuildsDb,
  buildId: string,
  name: string,
  now: Date = new Date(),
): Promise<StoredArtifact | null> {
  const rows = await db
    .select()
    .from(buildArtifacts)
    .where(and(eq(buildArtifacts.buildId, buildId), eq(buildArtifacts.name, name), gte(buildArtifacts.expiresAt, now)));
  const row = rows[0];
  if (!row) return null;
  return {
    buildId: row.buildId,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    expiresAt: row.expiresAt.toISOString(),
    storageKey: row.storageKey,
  };
}
