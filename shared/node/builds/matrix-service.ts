/**
 * Build matrices: one request for many targets of one frozen configuration state. Each cell is an
 * ordinary build (`enqueueBuild`) of the configuration with the target's settings applied, so its
 * content hash covers the target and deduplication works per cell: a cell whose content already
 * built (or is building) points at that build. Cancel and retry act on the cells' builds.
 */
import type { FirstbootSecretStamp } from '../../firstboot-secrets.ts';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { buildJobs, buildMatrices, buildMatrixCells } from '../db/builds-schema.ts';
import { contentHash } from '../content-hash.ts';
import { cancelBuild, enqueueBuild, retryBuild, type BuildServiceDeps } from './build-service.ts';
import type { BuildsDb } from './db.ts';
import { BuildError } from '../../builds/errors.ts';
import { applyTarget } from '../../builds/matrix-targets.ts';
import { ACTIVE_BUILD_STATUSES, isTerminal, type BuildStatus } from '../../builds/status.ts';
import type { TargetVars } from '../../builds/targets-compositor.ts';

export type MatrixOrigin = 'pick' | 'targets' | 'targets.yaml';

export interface MatrixRequest {
  configId: string;
  configName: string;
  /** The frozen configuration (validated per cell by the caller). */
  configJson: Record<string, unknown>;
  yjsState: Uint8Array;
  schemaVersion: string;
  /** Hash of `configJson`: the state the build gate decided on. */
  contentHash: string;
  origin: MatrixOrigin;
  targets: readonly TargetVars[];
  requestedBy?: string | null;
  /** The first-boot secrets every cell uses (build-service.ts `BuildRequest.firstbootSecrets`). */
  firstbootSecrets?: FirstbootSecretStamp | null;
}

export interface MatrixCellView {
  position: number;
  target: TargetVars;
  build: {
    id: string;
    status: BuildStatus;
    stage: string | null;
    progress: number;
    error: string | null;
    contentHash: string;
    createdAt: Date;
    finishedAt: Date | null;
  };
}

export interface MatrixView {
  id: string;
  configId: string;
  sourceContentHash: string;
  origin: MatrixOrigin;
  requestedBy: string | null;
  createdAt: Date;
  cells: MatrixCellView[];
  /** How many cells are in each status. */
  counts: Partial<Record<BuildStatus, number>>;
}

export interface MatrixSummary {
  id: string;
  origin: MatrixOrigin;
  createdAt: Date;
  cells: number;
}

/** Queues one build per target and records the matrix. Returns the matrix and which cells were
 * deduplicated onto an existing build. */
export async function createMatrix(deps: BuildServiceDeps, request: MatrixRequest): Promise<{ matrix: MatrixView; deduplicated: number[] }> {
  if (request.targets.length === 0) throw new BuildError('invalid_request', 'a matrix needs at least one target');
  const [row] = await deps.db
    .insert(buildMatrices)
    .values({ configId: request.configId, sourceContentHash: request.contentHash, origin: request.origin, requestedBy: request.requestedBy ?? null })
    .returning({ id: buildMatrices.id });
  const matrixId = row!.id;
  const deduplicated: number[] = [];
  // One at a time: each cell's dedupe may find the build an earlier cell just queued.
  for (const [position, target] of request.targets.entries()) {
    const cellJson = applyTarget(request.configJson, target);
    const result = await enqueueBuild(deps, {
      configId: request.configId,
      configName: request.configName,
      configJson: cellJson,
      yjsState: request.yjsState,
      schemaVersion: request.schemaVersion,
      contentHash: contentHash(cellJson),
      sourceContentHash: request.contentHash,
      requestedBy: request.requestedBy ?? null,
      firstbootSecrets: request.firstbootSecrets ?? null,
    });
    if (result.deduplicated) deduplicated.push(position);
    await deps.db.insert(buildMatrixCells).values({ matrixId, position, target, buildId: result.id });
  }
  return { matrix: (await getMatrix(deps.db, matrixId))!, deduplicated };
}

export async function getMatrix(db: BuildsDb, matrixId: string): Promise<MatrixView | null> {
  const [matrix] = await db.select().from(buildMatrices).where(eq(buildMatrices.id, matrixId));
  if (!matrix) return null;
  const rows = await db
    .select({
      position: buildMatrixCells.position,
      target: buildMatrixCells.target,
      id: buildJobs.id,
      status: buildJobs.status,
      stage: buildJobs.stage,
      progress: buildJobs.progress,
      error: buildJobs.error,
      contentHash: buildJobs.contentHash,
      createdAt: buildJobs.createdAt,
      finishedAt: buildJobs.finishedAt,
    })
    .from(buildMatrixCells)
    .innerJoin(buildJobs, eq(buildJobs.id, buildMatrixCells.buildId))
    .where(eq(buildMatrixCells.matrixId, matrixId))
    .orderBy(asc(buildMatrixCells.position));
  const counts: MatrixView['counts'] = {};
  const cells = rows.map(({ position, target, ...build }): MatrixCellView => {
    const status = build.status as BuildStatus;
    counts[status] = (counts[status] ?? 0) + 1;
    return { position, target: target as TargetVars, build: { ...build, status } };
  });
  return {
    id: matrix.id,
    configId: matrix.configId,
    sourceContentHash: matrix.sourceContentHash,
    origin: matrix.origin as MatrixOrigin,
    requestedBy: matrix.requestedBy,
    createdAt: matrix.createdAt,
    cells,
    counts,
  };
}

/** Matrices listed per configuration (the matrix view offers the recent ones). */
export const MATRIX_LIST_LIMIT = 20;

export async function listMatrices(db: BuildsDb, configId: string): Promise<MatrixSummary[]> {
  const matrices = await db
    .select({ id: buildMatrices.id, origin: buildMatrices.origin, createdAt: buildMatrices.createdAt })
    .from(buildMatrices)
    .where(eq(buildMatrices.configId, configId))
    .orderBy(desc(buildMatrices.createdAt))
    .limit(MATRIX_LIST_LIMIT);
  if (matrices.length === 0) return [];
  const cells = await db
    .select({ matrixId: buildMatrixCells.matrixId })
    .from(buildMatrixCells)
    .where(inArray(buildMatrixCells.matrixId, matrices.map((m) => m.id)));
  const count = new Map<string, number>();
  for (const c of cells) count.set(c.matrixId, (count.get(c.matrixId) ?? 0) + 1);
  return matrices.map((m) => ({ ...m, origin: m.origin as MatrixOrigin, cells: count.get(m.id) ?? 0 }));
}

/** The cells a cancel or retry acts on: one (`position`) or all. */
async function cellsOf(db: BuildsDb, matrixId: string, position: number | 'all') {
  const where = position === 'all' ? eq(buildMatrixCells.matrixId, matrixId) : and(eq(buildMatrixCells.matrixId, matrixId), eq(buildMatrixCells.position, position));
  const rows = await db
    .select({
      position: buildMatrixCells.position,
      buildId: buildMatrixCells.buildId,
      status: buildJobs.status,
      contentHash: buildJobs.contentHash,
      sourceContentHash: buildJobs.sourceContentHash,
    })
    .from(buildMatrixCells)
    .innerJoin(buildJobs, eq(buildJobs.id, buildMatrixCells.buildId))
    .where(where)
    .orderBy(asc(buildMatrixCells.position));
  if (rows.length === 0) throw new BuildError('not_found', position === 'all' ? `no matrix ${matrixId}` : `no cell ${position} in matrix ${matrixId}`);
  return rows.map((r) => ({ ...r, status: r.status as BuildStatus }));
}

/** Cancels the queued and running builds of one cell or of all cells. A build that several cells
 * share (deduplication) is cancelled once, for all of them. */
export async function cancelMatrixCells(deps: BuildServiceDeps, matrixId: string, position: number | 'all'): Promise<{ cancelled: string[] }> {
  const cells = await cellsOf(deps.db, matrixId, position);
  const active = [...new Set(cells.filter((c) => (ACTIVE_BUILD_STATUSES as readonly string[]).includes(c.status)).map((c) => c.buildId))];
  for (const buildId of active) await cancelBuild(deps, buildId);
  return { cancelled: active };
}

/**
 * Retries one cell (any finished build: a rebuild of that cell), or all cells whose build failed
 * or was cancelled. The cells then point at the new builds; the old ones keep their logs.
 */
export async function retryMatrixCells(
  deps: BuildServiceDeps,
  matrixId: string,
  position: number | 'all',
  options: {
    requestedBy?: string | null;
    /** The build gate, asked before each build is run again (it throws to refuse). */
    mayStart?: (build: { contentHash: string; sourceContentHash: string | null }) => Promise<void>;
  } = {},
): Promise<{ retried: Array<{ position: number; buildId: string }> }> {
  const cells = await cellsOf(deps.db, matrixId, position);
  if (position !== 'all' && !isTerminal(cells[0]!.status)) {
    throw new BuildError('build_active', `cell ${position} is ${cells[0]!.status}; cancel it or wait`);
  }
  const wanted = position === 'all' ? cells.filter((c) => c.status === 'failed' || c.status === 'cancelled') : cells;
  // Every build the gate must allow, before any is queued: a refusal leaves the matrix unchanged.
  for (const cell of wanted) await options.mayStart?.(cell);
  const newBuildOf = new Map<string, string>();
  const retried: Array<{ position: number; buildId: string }> = [];
  for (const cell of wanted) {
    let next = newBuildOf.get(cell.buildId);
    if (!next) {
      next = (await retryBuild(deps, cell.buildId, { requestedBy: options.requestedBy })).id;
      newBuildOf.set(cell.buildId, next);
    }
    await deps.db
      .update(buildMatrixCells)
      .set({ buildId: next })
      .where(and(eq(buildMatrixCells.matrixId, matrixId), eq(buildMatrixCells.position, cell.position)));
    retried.push({ position: cell.position, buildId: next });
  }
  return { retried };
}

/** The configuration a matrix belongs to (for the access check), or null. */
export async function matrixConfigId(db: BuildsDb, matrixId: string): Promise<{ configId: string; sourceContentHash: string } | null> {
  const [row] = await db.select({ configId: buildMatrices.configId, sourceContentHash: buildMatrices.sourceContentHash }).from(buildMatrices).where(eq(buildMatrices.id, matrixId));
  return row ?? null;
}
