/** The build queue, as the server (producer) and the builder's sweep (re-enqueue) open it. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BUILD_QUEUE_NAME, type BuildKeys } from '../../builds/keys.ts';
import type { BuildJobData } from './job.ts';

export type BuildQueue = Queue<BuildJobData>;

/**
 * `redis` is shared with the caller, not owned: closing the queue leaves it open. Producers want
 * commands to fail fast when Redis is away (a 503 beats a hanging request), so unlike a Worker's
 * connection it may keep ioredis' default `maxRetriesPerRequest`.
 */
export function createBuildQueue(redis: Redis, keys: BuildKeys): BuildQueue {
  return new Queue<BuildJobData>(BUILD_QUEUE_NAME, { connection: redis, prefix: keys.bullPrefix });
}
