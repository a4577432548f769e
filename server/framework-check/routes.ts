/**
 * "Check with Armbian": `POST /api/configs/:id/framework-check` puts the configuration's current
 * state to the real framework through a builder that has a checkout, and answers with the
 * framework's verdict in its own words (200 `{ accepted, errors, warnings, imageFileId, … }`).
 * The server has no framework: 503 `framework_check_unavailable` when no builder can check,
 * 504 when none answered in time.
 */
import { Hono } from 'hono';
import {
  FRAMEWORK_CHECK_JOB_NAME,
  FRAMEWORK_CHECK_QUEUE_NAME,
  FRAMEWORK_CHECK_WAIT_MS,
  frameworkCheckerKey,
  frameworkCheckJobOptions,
  type FrameworkCheckAnswer,
  type FrameworkCheckJobData,
} from '../../shared/node/builds/framework-check.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import { actorUserId, type AppEnv } from '../auth/actor.ts';
import type { BuildsContext } from '../builds/builds-context.ts';
import { ApiError, notFound } from '../http-errors.ts';
import { CHECK_RETRY_AFTER_S, createCheckFlights, TooManyChecks, type CheckFlights } from './check-flights.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';

export interface FrameworkCheckRouteDeps {
  storage: DocStorage;
  manager: DocumentRooms;
  access: AccessStore;
  builds: BuildsContext | null;
  /** Checks in flight on this server (tests pass their own limits). */
  flights?: CheckFlights;
}

const UNAVAILABLE = 'No builder has an Armbian checkout (ARMBIAN_DIR), so the framework check is unavailable; builds run unchecked';

export function frameworkCheckRoutes(deps: FrameworkCheckRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const flights = deps.flights ?? createCheckFlights();

  app.post('/configs/:id/framework-check', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'build');
    const b = deps.builds;
    if (!b) throw new ApiError(503, 'framework_check_unavailable', `${UNAVAILABLE} (no build queue: set REDIS_URL)`);
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    if ((await b.redis.exists(frameworkCheckerKey(b.keys))) === 0) throw new ApiError(503, 'framework_check_unavailable', UNAVAILABLE);
    // Only what is durable is sent to a builder (docs/architecture.md, "Durability").
    const { configJson, contentHash, yjsState } = (await deps.manager.get(id)).readDurable();
    const actor = c.get('actor');
    const userId = actorUserId(actor);
    const person = userId ? `user:${userId}` : `link:${actor.shareToken ?? c.get('clientAddress')}`;
    try {
      return c.json(await flights.run(`${id}:${contentHash}:${record.name}`, person, () => askBuilder(b, { configId: id, configName: record.name, configJson, yjsState: Buffer.from(yjsState).toString('base64') })));
    } catch (err) {
      if (err instanceof TooManyChecks) c.header('retry-after', String(CHECK_RETRY_AFTER_S));
      throw err;
    }
  });

  return app;
}

/** Puts one check on the queue and waits for a builder's answer. */
async function askBuilder(b: BuildsContext, data: FrameworkCheckJobData): Promise<FrameworkCheckAnswer> {
  // Per request: checks are rare and interactive, and QueueEvents holds a blocking connection
  // that a long-lived one would keep open for every server whose users never check. BullMQ is
  // loaded here, not at start: a server without Redis never gets this far.
  const { Queue, QueueEvents } = await import('bullmq');
  const queue = new Queue<FrameworkCheckJobData, FrameworkCheckAnswer>(FRAMEWORK_CHECK_QUEUE_NAME, { connection: b.redis, prefix: b.keys.bullPrefix });
  // Blocking reads: no per-command timeout, no retry limit (BullMQ's requirement).
  const eventsRedis = b.redis.duplicate({ maxRetriesPerRequest: null, commandTimeout: undefined });
  const events = new QueueEvents(FRAMEWORK_CHECK_QUEUE_NAME, { connection: eventsRedis, prefix: b.keys.bullPrefix });
  events.on('error', (err) => b.logger.warn({ err }, 'framework check events error'));
  try {
    await events.waitUntilReady();
    const job = await queue.add(FRAMEWORK_CHECK_JOB_NAME, data, frameworkCheckJobOptions());
    try {
      return await job.waitUntilFinished(events, FRAMEWORK_CHECK_WAIT_MS);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out/i.test(message)) {
        await job.remove().catch((removeErr: unknown) => b.logger.warn({ err: removeErr }, 'could not drop an unanswered framework check'));
        throw new ApiError(504, 'framework_check_timeout', `no builder answered within ${FRAMEWORK_CHECK_WAIT_MS / 1000} s`);
      }
      throw new ApiError(502, 'framework_check_failed', `the builder could not run the check: ${message}`);
    }
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    eventsRedis.disconnect();
  }
}
