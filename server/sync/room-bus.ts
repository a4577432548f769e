/**
 * Fan-out between server processes through Redis pub/sub, one channel per document of a
 * configuration (docs/architecture.md, "Many processes": no home-made cluster protocol). The main
 * document's channel is `doc:<configId>`, as it was when a configuration had one document, so
 * processes of the previous release and this one share it during a rolling upgrade; any other
 * document's is `doc:<configId>:<docName>` (`DocKey.id`). A process publishes a document update
 * only after it committed it, so whatever arrives on a channel is already durable and is never
 * persisted again. Awareness and extension messages (validation, comments, build events) travel
 * the same way. Frames: see bus-frame.ts.
 *
 * Pub/sub is best effort: what is lost while Redis (or one process's link to it) is away is read
 * back from Postgres. This module says when that is needed: after the subscriber comes back (every
 * channel re-subscribed first, so nothing falls between the catch-up and the subscription), and on
 * the publishing side, once the publisher is back, with a catch-up hint on each channel whose
 * publications failed meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DocKey } from '../storage/doc-key.ts';
import { BusKind, decodeFrame, encodeFrame, PROCESS_ID_BYTES, type BusKindValue, type BusMessage, type StoredRange } from './bus-frame.ts';

export { BusKind, type BusKindValue, type BusMessage, type StoredRange };

export type BusHandler = (message: BusMessage) => void;

/** What the bus reports to metrics. */
export interface BusObserver {
  publishFailed(): void;
  /** Both connections ready (true) or not. */
  linkState(up: boolean): void;
  /** A message from another process arrived this long after it was published. */
  delivered(seconds: number): void;
}

export interface Subscription {
  /** Resolves once Redis confirmed the subscription (maybe only after an outage ends). */
  ready: Promise<void>;
  unsubscribe(): Promise<void>;
}

export interface RoomBus {
  subscribe(doc: DocKey, handler: BusHandler): Subscription;
  publish(doc: DocKey, kind: BusKindValue, payload: Uint8Array, stored?: StoredRange): void;
  /** Both Redis connections are up right now. */
  isUp(): boolean;
  /** Called after the subscriber came back and re-subscribed: messages may have been missed. */
  onReconnect(fn: () => void): void;
  close(): Promise<void>;
}

interface Channel {
  handler: BusHandler;
  confirmed: boolean;
  waiters: Array<() => void>;
}

export function createRedisRoomBus(options: {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  logger: Logger;
  observer?: BusObserver;
}): RoomBus {
  const { publisher, subscriber, logger, observer } = options;
  const self = randomBytes(PROCESS_ID_BYTES);
  const channels = new Map<string, Channel>();
  const reconnectListeners: Array<() => void> = [];
  /** Documents whose publications failed (by `DocKey.id`): they get a catch-up hint when the
   * publisher is back. */
  const missed = new Map<string, DocKey>();
  const channel = (doc: DocKey) => `${options.prefix}doc:${doc.id}`;
  let subscriberLost = false;
  let closed = false;

  const confirm = (entry: Channel) => {
    entry.confirmed = true;
    for (const w of entry.waiters.splice(0)) w();
  };
  const trySubscribe = (names: string[]) =>
    subscriber.subscribe(...names).then(
      () => {
        for (const name of names) {
          const entry = channels.get(name);
          if (entry) confirm(entry);
        }
        return true;
      },
      (error: unknown) => {
        // Redis is away: the channel is subscribed again (and caught up) when it returns.
        logger.debug({ err: error instanceof Error ? error.message : error }, 'subscribe deferred until Redis is back');
        return false;
      },
    );

  subscriber.on('messageBuffer', (channelBuf: Buffer, frame: Buffer) => {
    const entry = channels.get(channelBuf.toString());
    if (!entry || frame.length < 1 + PROCESS_ID_BYTES) return;
    // Our own publications come back to us; we already delivered them locally.
    if (frame.subarray(1, 1 + PROCESS_ID_BYTES).equals(self)) return;
    try {
      const { message } = decodeFrame(frame);
      observer?.delivered(Math.max(0, Date.now() - message.sentAt) / 1000);
      entry.handler(message);
    } catch (error) {
      logger.error({ err: error }, 'bus message handler failed');
    }
  });
  subscriber.on('close', () => {
    subscriberLost = true;
    for (const entry of channels.values()) entry.confirmed = false;
  });
  subscriber.on('ready', () => {
    if (!subscriberLost || closed) return;
    subscriberLost = false;
    // ioredis re-subscribes what it knew of; channels whose subscribe failed during the outage it
    // does not know. Subscribing to all again is idempotent, and once it is confirmed whatever was
    // published meanwhile is in Postgres, so the catch-up that follows misses nothing.
    const names = [...channels.keys()];
    void (names.length > 0 ? trySubscribe(names) : Promise.resolve(true)).then((ok) => {
      if (ok) for (const fn of reconnectListeners) fn();
    });
  });
  publisher.on('ready', () => {
    if (missed.size === 0 || closed) return;
    const docs = [...missed.values()];
    missed.clear();
    for (const doc of docs) publish(doc, BusKind.catchUpHint, new Uint8Array(0));
  });

  function publish(doc: DocKey, kind: BusKindValue, payload: Uint8Array, stored?: StoredRange): void {
    const frame = encodeFrame(self, { kind, payload, sentAt: Date.now(), stored });
    publisher.publish(channel(doc), frame).catch(() => {
      // Counted, not logged one by one (the link's state changes are logged by the cluster).
      observer?.publishFailed();
      missed.set(doc.id, doc);
    });
  }

  return {
    subscribe(doc, handler) {
      const name = channel(doc);
      const entry: Channel = { handler, confirmed: false, waiters: [] };
      channels.set(name, entry);
      const ready = new Promise<void>((resolve) => entry.waiters.push(resolve));
      void trySubscribe([name]);
      return {
        ready,
        async unsubscribe() {
          if (channels.get(name) !== entry) return;
          channels.delete(name);
          for (const w of entry.waiters.splice(0)) w();
          await subscriber.unsubscribe(name).catch((error: unknown) => logger.debug({ err: error, doc: doc.id }, 'unsubscribe failed'));
        },
      };
    },
    publish,
    isUp: () => publisher.status === 'ready' && subscriber.status === 'ready' && !subscriberLost,
    onReconnect(fn) {
      reconnectListeners.push(fn);
    },
    async close() {
      closed = true;
      for (const entry of channels.values()) for (const w of entry.waiters.splice(0)) w();
      channels.clear();
      // Closing while Redis is away: nothing to unsubscribe from, the connection goes next.
      await subscriber.unsubscribe().catch((error: unknown) => logger.debug({ err: error }, 'unsubscribe on close failed'));
    },
  };
}
