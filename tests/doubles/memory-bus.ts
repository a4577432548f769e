/**
 * Redis pub/sub between server processes, in memory, for the unit tier: each process gets a
 * RoomBus (server/sync/room-bus.ts) and an AccessEventBus (server/access/access-control.ts). Frames go
 * through the real wire format (bus-frame.ts) and arrive on a later turn, never at the sender,
 * like Redis. `down()` is an outage: publications are lost (as `enableOfflineQueue: false` loses
 * them) and `up()` tells every process it reconnected, so it catches up from storage.
 */
import { randomBytes } from 'node:crypto';
import type { AccessEventBus } from '../../server/access/access-control.ts';
import { decodeFrame, encodeFrame, PROCESS_ID_BYTES } from '../../server/sync/bus-frame.ts';
import type { BusHandler, BusKindValue, RoomBus, StoredRange } from '../../server/sync/room-bus.ts';

export interface MemoryBusProcess {
  roomBus: RoomBus;
  accessBus: AccessEventBus;
}

export interface MemoryBusNetwork {
  /** One server process's end of the bus. */
  join(): MemoryBusProcess;
  /** Redis goes away: nothing published meanwhile is delivered. */
  down(): void;
  /** Redis is back: every process hears `onReconnect`. */
  up(): void;
  /** Frames published so far (delivered or lost), for tests that count traffic. */
  readonly published: number;
}

const later = (fn: () => void) => setImmediate(fn);

export function createMemoryBusNetwork(): MemoryBusNetwork {
  const rooms = new Map<string, Set<{ self: Uint8Array; handler: BusHandler }>>();
  const access = new Set<{ self: Uint8Array; handler: (message: unknown) => void }>();
  const reconnectListeners: Array<() => void> = [];
  let isUp = true;
  let published = 0;
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

  return {
    get published() {
      return published;
    },
    down() {
      isUp = false;
    },
    up() {
      isUp = true;
      for (const fn of reconnectListeners) later(fn);
    },
    join() {
      const self = new Uint8Array(randomBytes(PROCESS_ID_BYTES));
      const mine = new Set<{ self: Uint8Array; handler: BusHandler; channel: string }>();
      let closed = false;
      const roomBus: RoomBus = {
        // One channel per document of a tenant, like the Redis bus's.
        subscribe(doc, tenant, handler) {
          const channel = `t:${tenant}:doc:${doc.id}`;
          const entry = { self, handler, channel };
          let set = rooms.get(channel);
          if (!set) rooms.set(channel, (set = new Set()));
          set.add(entry);
          mine.add(entry);
          return {
            ready: Promise.resolve(),
            async unsubscribe() {
              rooms.get(channel)?.delete(entry);
              mine.delete(entry);
            },
          };
        },
        publish(doc, tenant, kind: BusKindValue, payload: Uint8Array, stored?: StoredRange) {
          const channel = `t:${tenant}:doc:${doc.id}`;
          if (closed) return;
          published += 1;
          if (!isUp) return;
          const frame = encodeFrame(self, { kind, payload, sentAt: Date.now(), stored });
          for (const entry of [...(rooms.get(channel) ?? [])]) {
            if (same(entry.self, self)) continue;
            later(() => {
              // Unsubscribed before delivery: Redis would not deliver either.
              if (!rooms.get(channel)?.has(entry)) return;
              entry.handler(decodeFrame(frame).message);
            });
          }
        },
        isUp: () => isUp && !closed,
        onReconnect(fn) {
          reconnectListeners.push(fn);
        },
        async close() {
          closed = true;
          for (const entry of mine) rooms.get(entry.channel)?.delete(entry);
          mine.clear();
        },
      };
      const accessBus: AccessEventBus = {
        publish(event) {
          if (closed || !isUp) return;
          const text = JSON.stringify(event);
          for (const entry of access) if (!same(entry.self, self)) later(() => entry.handler(JSON.parse(text)));
        },
        subscribe(handler) {
          access.add({ self, handler });
        },
      };
      return { roomBus, accessBus };
    },
  };
}
