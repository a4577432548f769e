/**
 * Reading and writing a configuration's Y.Doc on the server: the initial state of a new config
 * and the durable view of a stored or loaded one.
 */
import * as Y from 'yjs';
import { readStored } from './storage/stored-doc.ts';
import type { DocStorage } from './storage/types.ts';
import { mainDoc } from './storage/doc-key.ts';
import type { DocumentRooms, DurableSnapshot } from './sync/room.ts';
import { writeConfig } from '../shared/doc-binding.ts';
import { durableSnapshotOf } from './sync/durable-state.ts';
/** The Yjs state of a brand-new configuration holding `data` (defaults already merged in). */
export function initialState(data: Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc();
  try {
    writeConfig(doc, data);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The configuration as it is durable (docs/architecture.md, "Durability"): from the loaded room's
 * committed copy when this process holds the room, else from storage, which holds nothing else.
 * A change that is not committed yet is never in it, so nothing a REST caller reads can be lost.
 */
export async function readDurable(configId: string, deps: { storage: DocStorage; manager: DocumentRooms }): Promise<DurableSnapshot> {
  const room = deps.manager.peek(configId);
  if (room) return room.readDurable();
  return readStored(await deps.storage.loadDoc(mainDoc(configId)), durableSnapshotOf);
}
