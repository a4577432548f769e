/**
 * Fan-out between server processes through Redis pub/sub, one channel per document of a
 * configuration (docs/architecture.md, "Many processes": no home-made cluster protocol), named
 * with the configuration's tenant (issue #20: Redis names carry the tenant, docs/architecture.md
 * "Redis key layout"): `t:<tenant>:doc:<DocKey.id>`, the tenant being the configuration's
 * organisation id or `personal` (server/db/tenant.ts). A configuration that moves to another
 * organisation changes channel: its rooms are reloaded on every process (RoomManager.relocate).
 * During a rolling upgrade across this naming, processes of the two releases do not hear each
 * other; the steady catch-up from Postgres (room-catch-up.ts, every second) is what keeps their
 * rooms converged until the old ones are gone. A process publishes a document update
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
import type { Tenant } from '../db/tenant.ts';
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

/** The channel of a configuration's document (`keyPrefix` included). */
export const roomChannel = (prefix: string, tenant: Tenant, doc: DocKey): string => `${prefix}t:${tenant}:doc:${doc.id}`;

export interface RoomBus {
  /** `tenant`: the configuration's (`tenantOfOrg`), which names the channel. */
  subscribe(doc: DocKey, tenant: Tenant, handler: BusHandler): Subscription;
  publish(doc: DocKey, tenant: Tenant, kind: BusKindValue, payload: Uint8Array, stored?: StoredRange): void;
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
  /** Documents whose publications failed (by channel): they get a catch-up hint when the
   * publisher is back. */
  const missed = new Map<string, { doc: DocKey; tenant: Tenant }>();
  const channel = (doc: DocKey, tenant: Tenant) => roomChannel(options.prefix, tenant, doc);
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
    for (const { doc, tenant } of docs) publish(doc, tenant, BusKind.catchUpHint, new Uint8Array(0));
  });

  function publish(doc: DocKey, tenant: Tenant, kind: BusKindValue, payload: Uint8Array, stored?: StoredRange): void {
    const frame = encodeFrame(self, { kind, payload, sentAt: Date.now(), stored });
    const name = channel(doc, tenant);
    publisher.publish(name, frame).catch(() => {
      // Counted, not logged one by one (the link's state changes are logged by the cluster).
      observer?.publishFailed();
      missed.set(name, { doc, tenant });
    });
  }

  return {
    subscribe(doc, tenant, handler) {
      const name = channel(doc, tenant);
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
