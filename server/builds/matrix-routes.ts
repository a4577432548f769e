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
import { applyTarget, expandPick, IMAGE_TYPE_NAMES, targetLabel, uniqueTargets, type ImageType } from '../../shared/builds/matrix-targets.ts';
import { expandTargetsYaml, TargetsFileError, type TargetVars } from '../../shared/builds/targets-compositor.ts';
import { configSchema, SCHEMA_VERSION } from '../../shared/schema/index.ts';
import { isUuid } from '../../shared/uuid.ts';
import { validateConfig } from '../../shared/validation/index.ts';
import { accountIdOf, authorize, denialError, principalOf, requireAction } from '../access/authorize.ts';
import { actorUserId, type AppEnv } from '../auth/actor.ts';
import { auditActor, auditActorOf } from '../audit/audit-actor.ts';
import { ApiError, notFound, readJsonObject, unprocessable } from '../http-errors.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { gateHashOf, mapBuildError, queueUnavailable, requireGate, type BuildRouteDeps } from './routes.ts';

export interface MatrixRouteDeps extends BuildRouteDeps {
  /** Most cells one matrix may have (BUILD_MATRIX_MAX_CELLS, server/settings.ts). */
  maxMatrixCells: number;
}

/** Longest targets.yaml accepted, in characters: Armbian's own largest target files are ~40 KB. */
const MAX_TARGETS_YAML_CHARS = 256 * 1024;

type Detail = { path: string; message: string; keyword: string };

const inventory = configSchema['x-boards'];
const knownBoards = new Set(inventory.map((b) => b.board));
const isSetting = (name: string) => Object.hasOwn(configSchema.properties, name);

/** The targets a request names, or 422 with every problem. */
function targetsOf(body: Record<string, unknown>, max: number): { origin: MatrixOrigin; targets: TargetVars[]; skipped: number } {
  const given = (['pick', 'targets', 'targetsYaml'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw unprocessable('give exactly one of "pick", "targets" or "targetsYaml"', [{ path: '', message: 'exactly one of pick, targets, targetsYaml', keyword: 'oneOf' }]);
  const details: Detail[] = [];
  let origin: MatrixOrigin;
  let targets: TargetVars[] = [];
  let skipped = 0;
  if (body.pick !== undefined) {
    origin = 'pick';
    const pick = body.pick as Record<string, unknown>;
    const list = (name: string, allowed: (v: string) => string | null): string[] => {
      const raw = typeof pick === 'object' && pick !== null ? pick[name] : undefined;
      if (raw === undefined) return [];
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) {
        details.push({ path: `/pick/${name}`, message: 'must be a list of strings', keyword: 'type' });
        return [];
      }
      raw.forEach((v: string, i) => {
        const problem = allowed(v);
        if (problem) details.push({ path: `/pick/${name}/${i}`, message: problem, keyword: 'enum' });
      });
      return raw as string[];
    };
    const expansion = expandPick(
      {
        boards: list('boards', (v) => (knownBoards.has(v) ? null : `unknown board "${v}"`)),
        branches: list('branches', () => null),
        releases: list('releases', () => null),
        images: list('images', (v) => ((IMAGE_TYPE_NAMES as string[]).includes(v) ? null : `unknown image type "${v}" (one of ${IMAGE_TYPE_NAMES.join(', ')})`)) as ImageType[],
      },
      inventory,
    );
    targets = expansion.targets;
    skipped = expansion.skipped.length;
  } else if (body.targets !== undefined) {
    origin = 'targets';
    if (!Array.isArray(body.targets)) details.push({ path: '/targets', message: 'must be a list of targets', keyword: 'type' });
    else {
      body.targets.forEach((t: unknown, i) => {
        if (typeof t !== 'object' || t === null || Array.isArray(t)) {
          details.push({ path: `/targets/${i}`, message: 'a target is an object of settings', keyword: 'type' });
          return;
        }
        for (const [name, value] of Object.entries(t)) {
          if (!isSetting(name)) details.push({ path: `/targets/${i}/${name}`, message: `"${name}" is not a configuration setting`, keyword: 'additionalProperties' });
          else if (typeof value !== 'string') details.push({ path: `/targets/${i}/${name}`, message: 'must be a string', keyword: 'type' });
          else if (name === 'BOARD' && !knownBoards.has(value)) details.push({ path: `/targets/${i}/BOARD`, message: `unknown board "${value}"`, keyword: 'enum' });
        }
        targets.push(t as TargetVars);
      });
    }
  } else {
    origin = 'targets.yaml';
    const text = body.targetsYaml;
    if (typeof text !== 'string') details.push({ path: '/targetsYaml', message: 'must be the text of a targets.yaml', keyword: 'type' });
    else if (text.length > MAX_TARGETS_YAML_CHARS) details.push({ path: '/targetsYaml', message: `longer than ${MAX_TARGETS_YAML_CHARS} characters`, keyword: 'maxLength' });
    else {
      try {
        targets = expandTargetsYaml(text, inventory, { isSetting, maxTargets: max });
      } catch (error) {
        if (!(error instanceof TargetsFileError)) throw error;
        // Too many targets is the answer only when nothing else is wrong with the file.
        const tooMany = error.problems.every((p) => p.message.startsWith('the file expands to more than'));
        if (tooMany) throw tooManyCells(max, `the targets file expands to more than ${max} targets`);
        throw unprocessable('the targets file cannot be imported', error.problems.map((p) => ({ path: `/targetsYaml/${p.path}`, message: p.message, keyword: 'targets' })));
      }
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

  app.post('/configs/:id/matrices', async (c) => {
    const id = c.req.param('id');
    const access = await requireAction(deps, c.get('actor'), id, 'build');
    if (ctx().redis.status !== 'ready') throw queueUnavailable();
    const body = await readJsonObject(c);
    const { origin, targets, skipped } = targetsOf(body, deps.maxMatrixCells);
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    const room = await deps.manager.get(id);
    const { configJson, yjsState, contentHash: hash } = await room.freeze();
    const base = configJson as Record<string, unknown>;
    // Every cell must be buildable before any is queued; the errors say which cell.
    const details: Detail[] = [];
    for (const [i, target] of targets.entries()) {
      const validation = validateConfig(applyTarget(base, target));
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
