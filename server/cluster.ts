/**
 * What connects this server process to its siblings: the room bus (document updates, awareness,
 * extension messages) and the access-event channel, both on Redis pub/sub.
 *
 * While Redis is away the process keeps serving from Postgres (rooms load, edits commit); the
 * link's state is logged once per change (down, then up with how many publications failed
 * meanwhile), not once per failed message.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccessEventBus } from './access/access-control.ts';
import { watchRedisLink } from './redis-link.ts';
import { createRedisRoomBus, type BusObserver, type RoomBus } from './sync/room-bus.ts';

/** Longest pause between reconnect attempts to Redis. ioredis' default grows to 2 s: a publisher
 * still waiting for its next attempt after Redis is back is what left peers behind; half a second
 * keeps the whole link back well inside the 2 s convergence bound at negligible cost. */
const BUS_RECONNECT_MAX_MS = 500;
const BUS_RECONNECT_STEP_MS = 50;

export interface Cluster {
  roomBus: RoomBus;
  accessBus: AccessEventBus;
  /** Called after the link came back from an outage (access must be re-checked, rooms caught up). */
  onReconnect(fn: () => void): void;
  close(): Promise<void>;
}

export function createCluster(options: { redisUrl: string; prefix: string; logger: Logger; observer?: BusObserver }): Cluster {
  const { logger, observer } = options;
  const retryStrategy = (times: number) => Math.min(times * BUS_RECONNECT_STEP_MS, BUS_RECONNECT_MAX_MS);
  // Publishing must fail fast while Redis is away (it is best effort; receivers catch up from
  // Postgres), rather than queue in memory without bound.
  const publisher = new Redis(options.redisUrl, { enableOfflineQueue: false, retryStrategy });
  const subscriber = new Redis(options.redisUrl, { retryStrategy });
  let publishFailures = 0;
  const counting: BusObserver = {
    publishFailed() {
      publishFailures += 1;
      observer?.publishFailed();
    },
    linkState: (up) => observer?.linkState(up),
    delivered: (s) => observer?.delivered(s),
  };
  watchRedisLink({
    name: 'cluster bus',
    connections: [publisher, subscriber],
    logger,
    downMessage: 'serving from Postgres, peers catch up when it returns',
    onChange: (up) => counting.linkState(up),
    counters: () => ({ publishFailures }),
  });
  const roomBus = createRedisRoomBus({ publisher, subscriber, prefix: options.prefix, logger, observer: counting });
  const accessChannel = `${options.prefix}access`;
  const self = randomBytes(8).toString('hex');
  const handlers: Array<(message: unknown) => void> = [];
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== accessChannel) return;
    try {
      const parsed = JSON.parse(message) as { from?: unknown };
      if (parsed.from === self) return;
      for (const h of handlers) h(parsed);
    } catch (error) {
      logger.warn({ err: error }, 'ignored a malformed access event');
    }
  });
  const ready = subscriber.subscribe(accessChannel).catch((error: unknown) => logger.debug({ err: error }, 'access channel subscribe deferred'));
  // Re-subscribe after an outage: ioredis does not know channels whose first subscribe failed.
  subscriber.on('ready', () => void subscriber.subscribe(accessChannel).catch((error: unknown) => logger.debug({ err: error }, 'access channel re-subscribe failed')));
  const accessBus: AccessEventBus = {
    publish(event) {
      publisher.publish(accessChannel, JSON.stringify({ from: self, ...event })).catch(() => {
        // Not retried: every process re-checks its live connections against Postgres at a steady
        // interval and after every outage (access-revalidation.ts), which is what ends them.
        counting.publishFailed();
      });
    },
    subscribe(handler) {
      handlers.push(handler);
    },
  };
  return {
    roomBus,
    accessBus,
    onReconnect: (fn) => roomBus.onReconnect(fn),
    async close() {
      await ready;
      await roomBus.close();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
