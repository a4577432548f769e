/**
 * From a fact to HTTP requests (docs/webhooks.md, "Delivery"): `emit` makes one delivery row per
 * subscribed webhook (unique per webhook and event id, so the same fact heard by several processes
 * is delivered once) and puts it on the BullMQ queue `webhooks`; a worker in every server process
 * takes jobs, makes an attempt (delivery.ts), writes it to the delivery log, and fails the job so
 * BullMQ retries it with exponential backoff until `WEBHOOK_ATTEMPTS` are used up. A redelivery is
 * a new job for the same delivery: the same body and event id, the next attempt number.
 */
import { tenantOfOrg, type Tenant } from '../../shared/tenant.ts';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { BlockList } from 'node:net';
import type { Logger } from 'pino';
import type { Sealer } from '../../shared/node/secrets/sealed.ts';
import { watchRedisLink } from '../redis-link.ts';
import { attemptDelivery } from './delivery.ts';
import type { WebhookEvent } from './events.ts';
import { secretContext, type WebhookStore } from './store.ts';

export const WEBHOOK_QUEUE_NAME = 'webhooks';
/** A delivery job's BullMQ name: `t:<tenant>:deliver`, for whoever looks at the queue. */
export const webhookJobName = (tenant: Tenant): string => `t:${tenant}:deliver`;
/** Attempts one process makes at once: receivers are slow, not busy; this keeps a process's
 * sockets and Postgres pool for its users when many receivers hang until their timeout. */
const WORKER_CONCURRENCY = 8;
/** A Redis command that has not answered in this long fails (routes answer 503, not hang). */
const REDIS_COMMAND_TIMEOUT_MS = 2_000;
/** Shutdown waits this long for attempts in flight, then cuts the connections (the job is
 * retried by another process once its lock expires). */
const CLOSE_DEADLINE_MS = 3_000;
/** Finished jobs BullMQ keeps (the delivery log in Postgres is the record; these only let a
 * duplicate enqueue of the same delivery be recognised for a while). */
const KEEP_FINISHED = { age: 24 * 3600, count: 10_000 };
/** How often every process looks for deliveries that were written but never queued (their
 * process died between the row and the job, or Redis was away), and how old such a row must be:
 * well past the moment its own process would have queued it. Queueing one twice is harmless (a
 * first delivery's job id is the delivery's id). */
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_MIN_AGE_MS = 30_000;
const SWEEP_BATCH = 500;

export interface DeliveryJob {
  deliveryId: string;
  redelivery: boolean;
}

export interface WebhookSettings {
  attempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  allowed: BlockList;
}

export interface WebhookDispatcher {
  /** Deliver `event` to every active webhook of its configuration that subscribed to its type.
   * Never throws: a failure is logged (the fact itself has happened either way). */
  emit(event: WebhookEvent): Promise<void>;
  /** Queue a delivery (a new one, a redelivery or a ping); rejects when Redis is away. */
  enqueue(deliveryId: string, redelivery: boolean): Promise<void>;
  close(): Promise<void>;
}

export function createWebhookDispatcher(deps: {
  store: WebhookStore;
  sealer: Sealer;
  redisUrl: string;
  bullPrefix: string;
  settings: WebhookSettings;
  logger: Logger;
}): WebhookDispatcher {
  const { store, sealer, settings } = deps;
  const logger = deps.logger.child({ part: 'webhooks' });
  const redis = new Redis(deps.redisUrl, { commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
  // BullMQ workers need blocking commands without a retry limit.
  const workerRedis = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  const link = watchRedisLink({ name: 'webhook queue', connections: [redis, workerRedis], logger, downMessage: 'webhook deliveries wait until Redis is back' });
  const queue = new Queue<DeliveryJob>(WEBHOOK_QUEUE_NAME, { connection: redis, prefix: deps.bullPrefix });
  const quiet = (what: string) => (err: Error) => {
    if (link.up()) logger.warn({ err: err.message }, what);
    else link.countError();
  };
  queue.on('error', quiet('webhook queue error'));

  const runAttempt = async (job: Job<DeliveryJob>): Promise<string> => {
    const found = await store.forAttempt(job.data.deliveryId);
    if (!found) return 'gone'; // the webhook (and with it the delivery) was deleted meanwhile
    const { delivery, webhook } = found;
    const attempt = await store.nextAttempt(delivery.id);
    const maxAttempts = job.opts.attempts ?? 1;
    const record = (result: { statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null }, status: 'pending' | 'succeeded' | 'failed') =>
      store.recordAttempt(delivery.id, { attempt, redelivery: job.data.redelivery, ...result }, status);
    if (!webhook.active) {
      await record({ statusCode: null, durationMs: 0, error: 'the webhook is inactive', responseExcerpt: null }, 'failed');
      return 'inactive';
    }
    let secret: string;
    try {
      secret = sealer.open(webhook.secretSealed, secretContext(webhook.id));
    } catch (error) {
      // A SECRETS_KEY without the key that sealed it: say so in the log the owner reads, and
      // do not retry (the operator must bring the old key back, or the owner rotate the secret).
      await record({ statusCode: null, durationMs: 0, error: `the signing secret cannot be opened: ${(error as Error).message}`, responseExcerpt: null }, 'failed');
      throw new UnrecoverableError('signing secret cannot be opened');
    }
    const result = await attemptDelivery({
      url: webhook.url,
      secret,
      body: delivery.body,
      eventType: delivery.eventType,
      eventId: delivery.eventId,
      deliveryId: delivery.id,
      timeoutMs: settings.timeoutMs,
      allowed: settings.allowed,
    });
    const last = !result.ok && (!result.retryable || job.attemptsMade + 1 >= maxAttempts);
    await record(result, result.ok ? 'succeeded' : last ? 'failed' : 'pending');
    if (result.ok) return 'delivered';
    throw result.retryable ? new Error(result.error ?? 'failed') : new UnrecoverableError(result.error ?? 'refused');
  };

  const worker = new Worker<DeliveryJob, string>(WEBHOOK_QUEUE_NAME, runAttempt, {
    connection: workerRedis,
    prefix: deps.bullPrefix,
    concurrency: WORKER_CONCURRENCY,
    // An attempt lasts at most its timeout plus two database writes.
    lockDuration: Math.max(30_000, settings.timeoutMs * 2),
  });
  worker.on('error', quiet('webhook worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.info({ deliveryId: job.data.deliveryId, err: err.message }, 'webhook delivery failed for good');
  });

  const enqueue = async (deliveryId: string, redelivery: boolean): Promise<void> => {
    // The job's name carries the delivery's tenant (docs/architecture.md, "Redis key layout");
    // the worker takes jobs of any name and reads the delivery, never the name.
    const orgId = await store.orgOf(deliveryId);
    await queue.add(
      webhookJobName(tenantOfOrg(orgId)),
      { deliveryId, redelivery },
      {
        // A first delivery's job id is the delivery's: enqueueing it twice queues it once. A
        // redelivery is a new job each time the owner asks.
        jobId: redelivery ? undefined : deliveryId,
        attempts: redelivery ? 1 : settings.attempts,
        backoff: { type: 'exponential', delay: settings.retryBaseMs },
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
      },
    );
  };

  const sweep = async (): Promise<void> => {
    try {
      const ids = await store.unqueued(SWEEP_MIN_AGE_MS, SWEEP_BATCH);
      for (const id of ids) await enqueue(id, false);
      if (ids.length > 0) logger.info({ deliveries: ids.length }, 'queued webhook deliveries that had been written but not queued');
    } catch (error) {
      if (link.up()) logger.warn({ err: error }, 'webhook sweep failed; the next one tries again');
    }
  };
  const sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    async emit(event) {
      try {
        const targets = await store.subscribers(event.configId, event.type);
        for (const webhook of targets) {
          const deliveryId = await store.createDelivery(webhook.id, event);
          if (deliveryId) await enqueue(deliveryId, false);
        }
      } catch (error) {
        // The fact stands; its webhook is not sent (docs/webhooks.md, "What is not guaranteed").
        logger.error({ err: error, eventId: event.id, type: event.type }, 'could not queue a webhook delivery');
      }
    },
    enqueue,
    async close() {
      clearInterval(sweeper);
      link.stop();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_DEADLINE_MS);
      });
      await Promise.race([Promise.allSettled([worker.close(), queue.close()]), deadline]);
      clearTimeout(timer);
      redis.disconnect();
      workerRedis.disconnect();
    },
  };
}
