/**
 * Fan-out between server processes through Redis pub/sub, one channel per configuration
 * (DESIGN.md principle 5: no home-made cluster protocol). A process publishes a document update
 * only after it committed it, so whatever arrives on a channel is already durable and is never
 * persisted again. Awareness and extension messages (validation, comments, build events) travel
 * the same way. Frames are binary: kind byte, 16-byte process id, payload.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const BusKind = { update: 1, awareness: 2, ext: 3 } as const;
export type BusKindValue = (typeof BusKind)[keyof typeof BusKind];

const PROCESS_ID_BYTES = 16;

export interface BusMessage {
  kind: BusKindValue;
  payload: Uint8Array;
}

export type BusHandler = (message: BusMessage) => void;

export interface RoomBus {
  /** Resolves once Redis confirmed the subscription: later publications will arrive. */
  subscribe(configId: string, handler: BusHandler): Promise<() => Promise<void>>;
  publish(configId: string, kind: BusKindValue, payload: Uint8Array): void;
  /** Called after the subscriber reconnected: messages may have been missed meanwhile. */
  onReconnect(fn: () => void): void;
  close(): Promise<void>;
}

export function createRedisRoomBus(options: { publisher: Redis; subscriber: Redis; prefix: string; logger: Logger }): RoomBus {
  const { publisher, subscriber, logger } = options;
  const self = randomBytes(PROCESS_ID_BYTES);
  const handlers = new Map<string, BusHandler>();
  const reconnectListeners: Array<() => void> = [];
  const channel = (configId: string) => `${options.prefix}doc:${configId}`;
  let wasReady = false;
  let lostConnection = false;

  subscriber.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    const handler = handlers.get(channelBuf.toString());
    if (!handler || message.length < 1 + PROCESS_ID_BYTES) return;
    // Our own publications come back to us; we already delivered them locally.
    if (message.subarray(1, 1 + PROCESS_ID_BYTES).equals(self)) return;
    try {
      handler({ kind: message[0] as BusKindValue, payload: new Uint8Array(message.subarray(1 + PROCESS_ID_BYTES)) });
    } catch (error) {
      logger.error({ err: error }, 'bus message handler failed');
    }
  });
  subscriber.on('close', () => {
    if (wasReady) lostConnection = true;
  });
  subscriber.on('ready', () => {
    // ioredis re-subscribes by itself; what we missed while away must be caught up from Postgres.
    if (lostConnection) for (const fn of reconnectListeners) fn();
    lostConnection = false;
    wasReady = true;
  });

  return {
    async subscribe(configId, handler) {
      const name = channel(configId);
      handlers.set(name, handler);
      await subscriber.subscribe(name);
      return async () => {
        if (handlers.get(name) !== handler) return;
        handlers.delete(name);
        await subscriber.unsubscribe(name).catch((error: unknown) => logger.warn({ err: error }, 'unsubscribe failed'));
      };
    },
    publish(configId, kind, payload) {
      const frame = Buffer.allocUnsafe(1 + PROCESS_ID_BYTES + payload.length);
      frame[0] = kind;
      self.copy(frame, 1);
      frame.set(payload, 1 + PROCESS_ID_BYTES);
      // Best effort: a lost publication is caught up from Postgres when the receiver reconnects.
      publisher.publish(channel(configId), frame).catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : error, configId }, 'bus publish failed');
      });
    },
    onReconnect(fn) {
      reconnectListeners.push(fn);
    },
    async close() {
      handlers.clear();
      // Closing while Redis is away: nothing to unsubscribe from, the connection goes next.
      await subscriber.unsubscribe().catch((error: unknown) => logger.debug({ err: error }, 'unsubscribe on close failed'));
    },
  };
}
