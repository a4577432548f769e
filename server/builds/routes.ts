/**
 * Builds: request one for a configuration's current state (`POST /api/configs/:id/builds`), list
 * them, follow one (status, live log stream), cancel, retry, read the exact configuration it
 * built, and download its artifacts.
 */
import { createConfigSecretStore } from '../../shared/node/secrets/config-secrets.ts';
import { Hono, type Context } from 'hono';
import { stream, streamSSE } from 'hono/streaming';
// Named modules rather than shared/node/builds/index.ts, which also pulls in BullMQ (tens of MB) —
// a server without a build queue should not pay for it.
import { checkArtifactName } from '../../shared/builds/artifact-name.ts';
import { cancelBuild, enqueueBuild, retryBuild } from '../../shared/node/builds/build-service.ts';
import { BuildError } from '../../shared/builds/errors.ts';
import { isTerminal, type BuildStatus } from '../../shared/builds/status.ts';
import { followBuildLog } from '../../shared/node/builds/follow-log.ts';
import { eq } from 'drizzle-orm';
import { buildJobs } from '../../shared/node/db/builds-schema.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { getArtifact, getBuild, getBuildSnapshot, listBuilds, readBuildLog } from '../../shared/node/builds/read.ts';
import { SCHEMA_VERSION } from '../../shared/schema/index.ts';
import { treeTextsOfState } from '../../shared/boards/custom-boards.ts';
import { customBoardsOfTree, validateConfig } from '../../shared/validation/index.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { accountIdOf, authorize, denialError, principalOf, requireAction } from '../access/authorize.ts';
import { actorUserId, type AppEnv } from '../auth/actor.ts';
import { auditActor, auditActorOf } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { BuildsContext } from './builds-context.ts';
import { ApiError, notFound, unprocessable } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { BUILD_BODY } from './api-spec.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';

/** The checksum of a download travels in this header so a client can verify what it saved. */
export const CHECKSUM_HEADER = 'x-checksum-sha256';
/** SSE comment sent this often so proxies do not close an idle log stream. */
const LOG_STREAM_KEEPALIVE_MS = 15_000;

export interface BuildGate {
  /** The one decision whether a build may start (server/review/build-permission.ts). Every route
   * that starts a build — create, retry, any added later — goes through `requireMayStart`. */
  mayStartBuild(request: { configId: string; contentHash: string }): Promise<
    { ok: true } | { ok: false; status: 404 | 409; code: string; reason: string; reviewId?: string }
  >;
  /** Called after a build was accepted (e.g. to record a version). */
  accepted?(info: { configId: string; buildId: string; contentHash: string; configJson: unknown; yjsState: Uint8Array; userId: string | null }): Promise<void>;
}

export interface BuildRouteDeps {
  storage: DocStorage;
  manager: DocumentRooms;
  access: AccessStore;
  /** Null when no Redis is configured: build routes answer 503. */
  builds: BuildsContext | null;
  gate: BuildGate;
  /** Builds started, cancelled and retried are recorded. */
  audit: AuditLog;
  /** Counts build requests by outcome (accepted, deduplicated, queue_unavailable, refused). */
  onBuildRequest?: (outcome: string) => void;
}

/** The documented answer while the queue cannot be reached (docs/operations.md). */
export const queueUnavailable = () => new ApiError(503, 'queue_unavailable', 'the build queue is unavailable (Redis cannot be reached), try again later');

export function mapBuildError(error: unknown): never {
  if (error instanceof BuildError) {
    if (error.code === 'enqueue_failed') throw queueUnavailable();
    const status = ({ not_found: 404, build_active: 409, build_conflict: 409, enqueue_failed: 503, invalid_request: 400 } as const)[error.code];
    throw new ApiError(status, error.code, error.message);
  }
  throw error;
}

/** Refuses (409 approval_required, with the reason) unless the gate lets this content be built. */
export async function requireGate(gate: BuildGate, configId: string, contentHash: string): Promise<void> {
  const permission = await gate.mayStartBuild({ configId, contentHash });
  if (!permission.ok) throw new ApiError(permission.status, permission.code, permission.reason, permission.reviewId ? { reviewId: permission.reviewId } : undefined);
}

/** The hash the build gate decides on for a stored build: a matrix cell's configuration state
 * before its target's overrides (approvals are of configuration states), else its own content. */
export const gateHashOf = (build: { contentHash: string; sourceContentHash: string | null }): string => build.sourceContentHash ?? build.contentHash;

export function buildRoutes(deps: BuildRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ctx = (): BuildsContext => {
    if (!deps.builds) throw new ApiError(503, 'queue_unavailable', 'the build queue is not configured (set REDIS_URL)');
    return deps.builds;
  };
  const service = () => {
    const b = ctx();
    return { db: b.db, queue: b.queue, redis: b.redis, keys: b.keys, logger: b.logger };
  };
  /**
   * Loads a build and checks the caller's role on its configuration. A build of a configuration
   * the caller cannot read is answered exactly like a build that does not exist (same status,
   * code and message), and a caller with no credential gets 401 whether or not the build exists:
   * build ids must not be an oracle for what exists.
   */
  const buildFor = async (c: Context<AppEnv>, action: 'read' | 'build') => {
    const actor = c.get('actor');
    if (!actor.session && !actor.shareToken && !actor.token) throw new ApiError(401, 'unauthorized', 'sign in or use a share link');
    const buildId = c.req.param('buildId') ?? '';
    // Only its configuration is read before the access check (that is what the check is made
    // on); the build itself is read after it, as the configuration's tenant (RLS, server/db/tenant.ts).
    const [owner] = isUuid(buildId) ? await ctx().db.select({ configId: buildJobs.configId }).from(buildJobs).where(eq(buildJobs.id, buildId)) : [];
    if (!owner) throw notFound('build');
    const principal = await principalOf(deps, actor);
    const decision = await authorize(deps, principal, owner.configId, action);
    // Only a lower role is told apart: anything else is "no such build".
    if (!decision.ok) throw decision.denial.reason === 'roleTooLow' || decision.denial.reason === 'tokenScope' ? denialError(decision.denial) : notFound('build');
    const build = await withConfigTenant(ctx().db, owner.configId, (tx) => getBuild(tx, buildId));
    if (!build) throw notFound('build');
    return { ...build, auditActor: auditActor(actor, principal.kind === 'shareLinkGuest' ? principal.link : null) };
  };

  const requireMayStart = (configId: string, hash: string) => requireGate(deps.gate, configId, hash);

  app.post('/configs/:id/builds', async (c) => {
    try {
      const body = await requestBuild(c);
      deps.onBuildRequest?.(body.deduplicated ? 'deduplicated' : 'accepted');
      return c.json(body, 202);
    } catch (error) {
      deps.onBuildRequest?.(error instanceof ApiError && error.code === 'queue_unavailable' ? 'queue_unavailable' : 'refused');
      throw error;
    }
  });

  // The schema the API description declares (builds/api-spec.ts); no body is `{}`.
  const readBuildRequest = validatedBody<{ force?: boolean }>(BUILD_BODY, { optional: true });

  async function requestBuild(c: Context<AppEnv>) {
    const id = c.req.param('id') ?? '';
    const access = await requireAction(deps, c.get('actor'), id, 'build');
    // Redis away: answer at once rather than record a build that can only fail.
    if (ctx().redis.status !== 'ready') throw queueUnavailable();
    const body = await readBuildRequest(c);
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    const room = await deps.manager.get(id);
    // JSON, Yjs state and hash of one committed point (Room.freeze).
    const { configJson, yjsState, contentHash: hash } = await room.freeze();
    // The frozen tree's board files are part of what the build is checked against.
    const validation = validateConfig(configJson, { customBoards: customBoardsOfTree(treeTextsOfState(yjsState)) });
    if (!validation.valid) {
      throw unprocessable(
        'the configuration has errors; fix them before building',
        validation.errors.map(({ path, message, keyword }) => ({ path, message, keyword })),
      );
    }
    await requireMayStart(id, hash);
    const result = await enqueueBuild(service(), {
      configId: id,
      configName: record.name,
      configJson,
      yjsState,
      schemaVersion: SCHEMA_VERSION,
      contentHash: hash,
      force: body.force === true,
      requestedBy: accountIdOf(access),
      // Which first-boot secrets are set (ids, never values): in the build's content hash, and
      // what its builder opens (docs/security.md, "First-boot secrets").
      firstbootSecrets: await createConfigSecretStore(ctx().db).stamp(id),
    }).catch(mapBuildError);
    if (!result.deduplicated) {
      await deps.audit.record({ action: 'build.started', ...auditActorOf(c.get('actor'), access), configId: id, target: { buildId: result.id, contentHash: hash, force: body.force === true } });
      await deps.gate.accepted?.({ configId: id, buildId: result.id, contentHash: hash, configJson, yjsState, userId: accountIdOf(access) });
    }
    return { ...result, contentHash: hash, warnings: validation.warnings };
  }

  app.get('/configs/:id/builds', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'read');
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json(await withConfigTenant(ctx().db, id, (tx) => listBuilds(tx, id)));
  });

  app.get('/builds/:buildId', async (c) => {
    const { auditActor: _who, ...build } = await buildFor(c, 'read');
    return c.json(build);
  });

  /** The frozen configuration the build ran on, exactly as hashed (never the live document). */
  app.get('/builds/:buildId/snapshot', async (c) => {
    const build = await buildFor(c, 'read');
    const snapshot = await withConfigTenant(ctx().db, build.configId, (tx) => getBuildSnapshot(tx, build.id));
    if (!snapshot) throw notFound('build');
    const { configJson, contentHash: hash, schemaVersion, builderVersion } = snapshot;
    return c.json({ configJson, contentHash: hash, schemaVersion, builderVersion });
  });

  /** The log: JSON lines by default; `Accept: text/event-stream` follows it live (stored lines
   * first, then new ones, each exactly once; `Last-Event-ID` resumes after a seq). */
  app.get('/builds/:buildId/logs', async (c) => {
    const build = await buildFor(c, 'read');
    const afterSeq = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0) || 0;
    if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
      return c.json(await withConfigTenant(ctx().db, build.configId, (tx) => readBuildLog(tx, build.id, { afterSeq })));
    }
    const b = ctx();
    return streamSSE(c, async (sse) => {
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => (done = resolve));
      // Each store read runs as the configuration's tenant on its own; the stream itself holds no
      // transaction open (it may last as long as the build).
      const readLog: typeof readBuildLog = (_db, id, options) => withConfigTenant(b.db, build.configId, (tx) => readBuildLog(tx, id, options));
      const stop = await followBuildLog({ db: b.db, hub: b.hub, readLog }, build.id, {
        afterSeq,
        onLines: (lines) => {
          for (const line of lines) void sse.writeSSE({ id: String(line.seq), event: 'log', data: JSON.stringify(line) });
        },
        onEvent: (event) => {
          void sse.writeSSE({ event: event.type, data: JSON.stringify(event) });
          if (event.type === 'status' && ['succeeded', 'failed', 'cancelled'].includes((event as { status: string }).status)) done();
        },
        onError: (err) => b.logger.warn({ err, buildId: build.id }, 'log stream store read failed'),
      });
      // A build that already ended: send what is stored and close.
      const current = await withConfigTenant(b.db, build.configId, (tx) => getBuild(tx, build.id));
      if (current && ['succeeded', 'failed', 'cancelled'].includes(current.status)) {
        await sse.writeSSE({ event: 'status', data: JSON.stringify({ type: 'status', buildId: build.id, status: current.status }) });
        done();
      }
      const keepalive = setInterval(() => void sse.write(': keepalive\n\n'), LOG_STREAM_KEEPALIVE_MS);
      sse.onAbort(() => done());
      await finished;
      clearInterval(keepalive);
      await stop();
    });
  });

  app.post('/builds/:buildId/cancel', async (c) => {
    const build = await buildFor(c, 'build');
    const result = await cancelBuild(service(), build.id).catch(mapBuildError);
    // A finished build is answered unchanged: nothing was cancelled, nothing to record.
    if (!isTerminal(build.status as BuildStatus)) await deps.audit.record({ action: 'build.cancelled', ...build.auditActor, configId: build.configId, target: { buildId: build.id, contentHash: build.contentHash } });
    return c.json(result);
  });

  app.post('/builds/:buildId/retry', async (c) => {
    const build = await buildFor(c, 'build');
    // A retry builds the same frozen content again: it needs the same permission as a new build.
    await requireMayStart(build.configId, gateHashOf(build));
    const requestedBy = actorUserId(c.get('actor'));
    const result = await retryBuild(service(), build.id, { requestedBy }).catch(mapBuildError);
    await deps.audit.record({ action: 'build.retried', ...build.auditActor, configId: build.configId, target: { buildId: result.id, retryOf: build.id, contentHash: build.contentHash } });
    return c.json(result, 202);
  });

  app.get('/builds/:buildId/artifacts/:name', async (c) => {
    const build = await buildFor(c, 'read');
    const name = c.req.param('name');
    const check = checkArtifactName(name);
    if (!check.ok) throw new ApiError(400, 'invalid_name', `artifact name refused: ${check.message}`);
    // The row under RLS; the file is streamed after the transaction ended (never held open by a download).
    const artifact = await withConfigTenant(ctx().db, build.configId, (tx) => getArtifact(tx, build.id, name));
    if (!artifact) throw notFound('artifact');
    const body = await ctx().storage.get(artifact.storageKey).catch(() => null);
    if (!body) throw new ApiError(410, 'artifact_gone', 'the artifact file is no longer stored');
    c.header(CHECKSUM_HEADER, artifact.sha256);
    c.header('content-length', String(artifact.size));
    c.header('content-type', 'application/octet-stream');
    c.header('content-disposition', `attachment; filename="${name}"`);
    return stream(c, async (s) => {
      for await (const chunk of body) await s.write(chunk as Uint8Array);
    });
  });

  return app;
}
