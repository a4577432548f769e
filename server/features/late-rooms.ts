/**
 * The rooms as features see them before the rooms exist. Construction order is declared in
 * server.ts (docs/architecture.md, "Features"): the core, the features, one hook runner over them,
 * then the room manager that runs it. Features reach the rooms only from their hooks and routes,
 * which run after the server started; a feature that called them while being built would get an
 * error naming the mistake, never a half-built manager.
 */
import type { DocumentRooms } from '../sync/room-contract.ts';
import type { RoomManager } from '../sync/room-manager.ts';
import { mainDoc } from '../storage/doc-key.ts';

export interface LateRooms {
  /** What the core hands features. */
  readonly rooms: DocumentRooms;
  /** The manager, once opened (for the server's own wiring: access enforcement, metrics). */
  manager(): RoomManager;
  /** Called once, right after the manager is built. */
  open(manager: RoomManager): void;
}

export function lateRooms(): LateRooms {
  let opened: RoomManager | null = null;
  const manager = (): RoomManager => {
    if (!opened) throw new Error('rooms are not open yet: use core.rooms from hooks and routes, not while a feature is being built');
    return opened;
  };
  return {
    rooms: {
      // Routes mean the configuration's main document (docs/architecture.md, "Document layout").
      get: (configId) => manager().get(mainDoc(configId)),
      peek: (configId) => manager().peek(mainDoc(configId)),
      publishExt: (configId, kind, payload) => manager().publishExt(configId, kind, payload),
    },
    manager,
    open(m) {
      if (opened) throw new Error('rooms opened twice');
      opened = m;
    },
  };
}
