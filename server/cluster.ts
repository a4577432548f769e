/**
 * What connects this server process to its siblings: the room bus (document updates, awareness,
 * extension messages) and the access-event channel, both on Redis pub/sub.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccessEventBus } from './access-control.ts';
import { createRedisRoomBus, type RoomBus } from './sync/room-bus.ts';

export interface Cluster {
  roomBus: RoomBus;
  accessBus: AccessEventBus;
  close(): Promise<void>;
}

export function createCluster(options: { redisUrl: string; prefix: string; logger: Logger }): Cluster {
  const { logger } = options;
  // Publishing must fail fast while Redis is away (it is best effort; receivers catch up from
  // Postgres), rather than queue in memory without bound.
  const publisher = new Redis(options.redisUrl, { enableOfflineQueue: false });
  const subscriber = new Redis(options.redisUrl);
  for (const r of [publisher, subscriber]) r.on('error', (err) => logger.warn({ err: err.message }, 'cluster redis error'));
  const roomBus = createRedisRoomBus({ publisher, subscriber, prefix: options.prefix, logger });
  const accessChannel = `${options.prefix}access`;
  const self = randomBytes(8).toString('hex');
  const handlers: Array<(event: { type: never; args: unknown[] }) => void> = [];
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== accessChannel) return;
    try {
      const parsed = JSON.parse(message) as { from: string; type: never; args: unknown[] };
      if (parsed.from === self) return;
      for (const h of handlers) h(parsed);
    } catch (error) {
      logger.warn({ err: error }, 'ignored a malformed access event');
    }
  });
  const ready = subscriber.subscribe(accessChannel).catch((error: unknown) => logger.warn({ err: error }, 'access channel subscribe failed'));
  const accessBus: AccessEventBus = {
    publish(event) {
      publisher.publish(accessChannel, JSON.stringify({ from: self, ...event })).catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : error }, 'access event publish failed');
      });
    },
    subscribe(handler) {
      handlers.push(handler as (event: { type: never; args: unknown[] }) => void);
    },
  };
  return {
    roomBus,
    accessBus,
    async close() {
      await ready;
      await roomBus.close();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
