/**
 * The server's side of the build pipeline: Redis connections, the queue it produces to, the event
 * hub it follows builds through, and the artifact storage it serves downloads from.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  buildKeys,
  createBuildEventHub,
  createBuildQueue,
  createLocalArtifactStorage,
  type ArtifactStorage,
  type BuildEventHub,
  type BuildKeys,
  type BuildQueue,
} from '../../shared/node/builds/index.ts';
import { builderAvailable } from '../../shared/node/builds/builder-setup.ts';
import type { Db } from '../db/connect.ts';
import { watchRedisLink } from '../redis-link.ts';

/** A Redis command that has not answered in this long fails, so requests answer 503 instead of hanging. */
const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** Shutdown waits this long for the queue to close cleanly before cutting its connections. */
const CLOSE_DEADLINE_MS = 2_000;

async function withDeadline(work: Promise<unknown>, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn({ ms }, 'build queue did not close in time; disconnecting');
      resolve();
    }, ms);
  });
  await Promise.race([work.then(() => undefined, (error: unknown) => logger.warn({ err: error }, 'build queue close failed')), deadline]);
  clearTimeout(timer);
}

export interface BuildsContext {
  db: Db;
  redis: Redis;
  subscriber: Redis;
  queue: BuildQueue;
  hub: BuildEventHub;
  keys: BuildKeys;
  storage: ArtifactStorage;
  logger: Logger;
  /** Is at least one builder process listening on the queue with a working setup? */
  builderReachable(): Promise<void>;
  close(): Promise<void>;
}

export function createBuildsContext(options: {
  db: Db;
  redisUrl: string;
  keyPrefix: string;
  artifactsDir: string;
  logger: Logger;
}): BuildsContext {
  const redis = new Redis(options.redisUrl, { commandTimeout: REDIS_COMMAND_TIMEOUT_MS, lazyConnect: false });
  const subscriber = new Redis(options.redisUrl);
  // ioredis reports connection trouble as 'error' events (listeners are required, or they crash
  // us); the link logs once per state change and counts the rest.
  const link = watchRedisLink({
    name: 'build queue',
    connections: [redis, subscriber],
    logger: options.logger,
    downMessage: 'build requests answer 503 queue_unavailable until Redis is back',
  });
  const keys = buildKeys(options.keyPrefix);
  const queue = createBuildQueue(redis, keys);
  queue.on('error', (err) => {
    if (link.up()) options.logger.warn({ err: err.message }, 'build queue error');
    else link.countError();
  });
  const hub = createBuildEventHub(subscriber, keys, options.logger);
  return {
    db: options.db,
    redis,
    subscriber,
    queue,
    hub,
    keys,
    storage: createLocalArtifactStorage(options.artifactsDir),
    logger: options.logger,
    async builderReachable() {
      // A builder whose setup is broken listens for nothing and says why (shared/node/builds/builder-setup.ts).
      await builderAvailable(queue, redis, keys);
    },
    async close() {
      link.stop();
      // With Redis away, a polite close would wait forever; bound it and cut the connections.
      await withDeadline(Promise.all([hub.close(), queue.close()]), CLOSE_DEADLINE_MS, options.logger);
      // ioredis subscribes again by itself when a connection comes back, with a promise nobody
      // holds: cutting the subscriber while that SUBSCRIBE is unanswered rejected it unhandled
      // ("Connection is closed.", seen after tests/cluster-revocation.test.ts restarts Redis).
      // QUIT is answered after every command sent before it, so waiting for it lets them settle.
      if (subscriber.status === 'ready') await withDeadline(subscriber.quit().catch(() => undefined), CLOSE_DEADLINE_MS, options.logger);
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
