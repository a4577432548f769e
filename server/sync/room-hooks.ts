/**
 * Several features hook into rooms (the schema authority, the change log); the manager holds one
 * set of hooks, so they are composed here: every hook of every set runs, in the given order.
 */
import type { RoomHooks } from './room.ts';

export function composeRoomHooks(...sets: RoomHooks[]): RoomHooks {
  return {
    afterClientChange: (room, author, change) => sets.forEach((h) => h.afterClientChange?.(room, author, change)),
    afterCommit: (room, change) => sets.forEach((h) => h.afterCommit?.(room, change)),
    onJoin: (room, conn) => sets.forEach((h) => h.onJoin?.(room, conn)),
    afterTransaction: (room, transaction) => sets.forEach((h) => h.afterTransaction?.(room, transaction)),
  };
}
