/**
 * Build matrices over REST: build one configuration state for a set of targets
 * (`POST /api/configs/:id/matrices` with a `pick` of boards × branches × releases × image types,
 * a list of `targets`, or a framework `targetsYaml`), list them, follow one (each cell's build and
 * status), and cancel or retry one cell or all. Each cell is a normal build (routes/builds.ts):
 * its logs and artifacts are the build's.
 */
import { createConfigSecretStore } from '../../shared/node/secrets/config-secrets.ts';
import { Hono, type Context } from 'hono';
import {
  cancelMatrixCells,
  createMatrix,
  getMatrix,
  listMatrices,
  matrixConfigId,
  retryMatrixCells,
  type MatrixOrigin,
} from '../../shared/node/builds/matrix-service.ts';
import { applyTarget, expandPick, targetLabel, uniqueTargets, type MatrixPick } from '../../shared/builds/matrix-targets.ts';
import { expandTargetsYaml, TargetsFileError, type TargetVars } from '../../shared/builds/targets-compositor.ts';
import { configSchema, SCHEMA_VERSION } from '../../shared/schema/index.ts';
import { isUuid } from '../../shared/uuid.ts';
import { treeTextsOfState } from '../../shared/boards/custom-boards.ts';
import { customBoardsOfTree, validateConfig } from '../../shared/validation/index.ts';
import { accountIdOf, authorize, denialError, principalOf, requireAction } from '../access/authorize.ts';
import { actorUserId, type AppEnv } from '../auth/actor.ts';
import { auditActor, auditActorOf } from '../audit/audit-actor.ts';
import { ApiError, notFound, unprocessable } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { MATRIX_BODY } from './api-spec.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { gateHashOf, mapBuildError, queueUnavailable, requireGate, type BuildRouteDeps } from './routes.ts';

export interface MatrixRouteDeps extends BuildRouteDeps {
  /** Most cells one matrix may have (BUILD_MATRIX_MAX_CELLS, server/settings.ts). */
  maxMatrixCells: number;
}

type Detail = { path: string; message: string; keyword: string };

const inventory = configSchema['x-boards'];
const knownBoards = new Set(inventory.map((b) => b.board));
const isSetting = (name: string) => Object.hasOwn(configSchema.properties, name);

/** A matrix request, as its declared schema lets it through (builds/api-spec.ts). */
type MatrixRequest = { pick?: Partial<MatrixPick>; targets?: TargetVars[]; targetsYaml?: string };

/** The targets a request names, or 422 with every problem the schema cannot state (a board that
 * does not exist, a targets file the framework would refuse). */
function targetsOf(body: MatrixRequest, max: number): { origin: MatrixOrigin; targets: TargetVars[]; skipped: number } {
  const details: Detail[] = [];
  let origin: MatrixOrigin;
  let targets: TargetVars[] = [];
  let skipped = 0;
  if (body.pick !== undefined) {
    origin = 'pick';
    const boards = body.pick.boards ?? [];
    boards.forEach((v, i) => {
      if (!knownBoards.has(v)) details.push({ path: `/pick/boards/${i}`, message: `unknown board "${v}"`, keyword: 'enum' });
    });
    const expansion = expandPick({ boards, branches: body.pick.branches ?? [], releases: body.pick.releases ?? [], images: body.pick.images ?? [] }, inventory);
    targets = expansion.targets;
    skipped = expansion.skipped.length;
  } else if (body.targets !== undefined) {
    origin = 'targets';
    body.targets.forEach((t, i) => {
      if (t.BOARD !== undefined && !knownBoards.has(t.BOARD)) details.push({ path: `/targets/${i}/BOARD`, message: `unknown board "${t.BOARD}"`, keyword: 'enum' });
    });
    targets = body.targets;
  } else {
    origin = 'targets.yaml';
    try {
      targets = expandTargetsYaml(body.targetsYaml ?? '', inventory, { isSetting, maxTargets: max });
    } catch (error) {
      if (!(error instanceof TargetsFileError)) throw error;
      // Too many targets is the answer only when nothing else is wrong with the file.
      const tooMany = error.problems.every((p) => p.message.startsWith('the file expands to more than'));
      if (tooMany) throw tooManyCells(max, `the targets file expands to more than ${max} targets`);
      throw unprocessable('the targets file cannot be imported', error.problems.map((p) => ({ path: `/targetsYaml/${p.path}`, message: p.message, keyword: 'targets' })));
    }
  }
  if (details.length > 0) throw unprocessable('the matrix request has errors', details);
  targets = uniqueTargets(targets);
  if (targets.length === 0) throw unprocessable('the matrix has no targets', [{ path: '', message: 'no targets', keyword: 'minItems' }]);
  if (targets.length > max) throw tooManyCells(max, `the matrix has ${targets.length} targets`);
  return { origin, targets, skipped };
}

const tooManyCells = (max: number, what: string) =>
  new ApiError(422, 'too_many_cells', `${what}; a matrix builds at most ${max} (BUILD_MATRIX_MAX_CELLS). Split it, or narrow the pick.`, { limit: max });

export function matrixRoutes(deps: MatrixRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ctx = () => {
    if (!deps.builds) throw new ApiError(503, 'queue_unavailable', 'the build queue is not configured (set REDIS_URL)');
    return deps.builds;
  };
  const service = () => {
    const b = ctx();
    return { db: b.db, queue: b.queue, redis: b.redis, keys: b.keys, logger: b.logger };
  };

  /** The matrix and the caller's right to `action` on its configuration; like builds, a matrix
   * of a configuration the caller cannot read is answered as one that does not exist. */
  const matrixFor = async (c: Context<AppEnv>, action: 'read' | 'build') => {
    const actor = c.get('actor');
    if (!actor.session && !actor.shareToken && !actor.token) throw new ApiError(401, 'unauthorized', 'sign in or use a share link');
    const matrixId = c.req.param('matrixId') ?? '';
    const found = isUuid(matrixId) ? await matrixConfigId(ctx().db, matrixId) : null;
    if (!found) throw notFound('matrix');
    const principal = await principalOf(deps, actor);
    const decision = await authorize(deps, principal, found.configId, action);
    if (!decision.ok) throw decision.denial.reason === 'roleTooLow' || decision.denial.reason === 'tokenScope' ? denialError(decision.denial) : notFound('matrix');
    return { matrixId, ...found, auditActor: auditActor(actor, principal.kind === 'shareLinkGuest' ? principal.link : null) };
  };
  const positionOf = (c: Context<AppEnv>): number => {
    const raw = c.req.param('position') ?? '';
    if (!/^\d{1,6}$/.test(raw)) throw new ApiError(400, 'invalid_position', 'a cell position is a whole number from 0');
    return Number(raw);
  };

  // The schema the API description declares (builds/api-spec.ts).
  const readMatrix = validatedBody<MatrixRequest>(MATRIX_BODY);
  app.post('/configs/:id/matrices', async (c) => {
    const id = c.req.param('id');
    const access = await requireAction(deps, c.get('actor'), id, 'build');
    if (ctx().redis.status !== 'ready') throw queueUnavailable();
    const body = await readMatrix(c);
    const { origin, targets, skipped } = targetsOf(body, deps.maxMatrixCells);
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    const room = await deps.manager.get(id);
    const { configJson, yjsState, contentHash: hash } = await room.freeze();
    const base = configJson as Record<string, unknown>;
    // Every cell must be buildable before any is queued; the errors say which cell.
    const details: Detail[] = [];
    const customBoards = customBoardsOfTree(treeTextsOfState(yjsState));
    for (const [i, target] of targets.entries()) {
      const validation = validateConfig(applyTarget(base, target), { customBoards });
      for (const e of validation.errors) details.push({ path: `/cells/${i}${e.path}`, message: `${targetLabel(target)}: ${e.message}`, keyword: e.keyword });
    }
    if (details.length > 0) throw unprocessable('some targets do not give a buildable configuration; fix them or leave them out', details);
    // Approvals are of configuration states: the gate decides on the frozen state every cell starts from.
    await requireGate(deps.gate, id, hash);
    const result = await createMatrix(service(), {
      configId: id,
      configName: record.name,
      configJson: base,
      yjsState,
      schemaVersion: SCHEMA_VERSION,
      contentHash: hash,
      origin,
      targets,
      requestedBy: accountIdOf(access),
      // Which first-boot secrets are set (ids, never values): in every cell's content hash.
      firstbootSecrets: await createConfigSecretStore(ctx().db).stamp(id),
    }).catch(mapBuildError);
    deps.onBuildRequest?.('matrix');
    // One entry per matrix, not per cell: a 64-cell matrix is one decision by one person.
    await deps.audit.record({
      action: 'build.started',
      ...auditActorOf(c.get('actor'), access),
      configId: id,
      target: { matrixId: result.matrix.id, cells: result.matrix.cells.length, contentHash: hash, origin },
    });
    return c.json({ ...result.matrix, deduplicated: result.deduplicated, skipped }, 202);
  });

  app.get('/configs/:id/matrices', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'read');
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json(await withConfigTenant(ctx().db, id, (tx) => listMatrices(tx, id)));
  });

  app.get('/matrices/:matrixId', async (c) => {
    const { matrixId, configId } = await matrixFor(c, 'read');
    const matrix = await withConfigTenant(ctx().db, configId, (tx) => getMatrix(tx, matrixId));
    if (!matrix) throw notFound('matrix');
    return c.json(matrix);
  });

  // The position is read after the access check: a bad one is no hint about the matrix.
  const cancel = async (c: Context<AppEnv>, cell: (c: Context<AppEnv>) => number | 'all') => {
    const { matrixId, configId, auditActor: who } = await matrixFor(c, 'build');
    const position = cell(c);
    const result = await cancelMatrixCells(service(), matrixId, position).catch(mapBuildError);
    if (result.cancelled.length > 0) {
      await deps.audit.record({ action: 'build.cancelled', ...who, configId, target: { matrixId, cell: position, cells: result.cancelled.length, buildIds: result.cancelled } });
    }
    return c.json(result);
  };
  const retry = async (c: Context<AppEnv>, cell: (c: Context<AppEnv>) => number | 'all') => {
    const { matrixId, configId, auditActor: who } = await matrixFor(c, 'build');
    const position = cell(c);
    const requestedBy = actorUserId(c.get('actor'));
    const result = await retryMatrixCells(service(), matrixId, position, {
      requestedBy,
      // A retry builds again: the same permission as a new build, for each build it repeats.
      mayStart: (build) => requireGate(deps.gate, configId, gateHashOf(build)),
    }).catch(mapBuildError);
    if (result.retried.length > 0) {
      await deps.audit.record({ action: 'build.retried', ...who, configId, target: { matrixId, cell: position, cells: result.retried.length, buildIds: result.retried.map((r) => r.buildId) } });
    }
    return c.json(result, 202);
  };
  const all = () => 'all' as const;
  app.post('/matrices/:matrixId/cancel', (c) => cancel(c, all));
  app.post('/matrices/:matrixId/retry', (c) => retry(c, all));
  app.post('/matrices/:matrixId/cells/:position/cancel', (c) => cancel(c, positionOf));
  app.post('/matrices/:matrixId/cells/:position/retry', (c) => retry(c, positionOf));

  return app;
}
