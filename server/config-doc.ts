/**
 * Reading and writing a configuration's Y.Doc on the server: the initial state of a new config
 * and the JSON view of a stored or loaded one.
 */
import * as Y from 'yjs';
import type { DocStorage } from './storage/types.ts';
import type { RoomManager } from './sync/room-manager.ts';
import { configToJson, writeConfig } from '../shared/doc-binding.ts';
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

/** The configuration as JSON: from the live room when it is loaded, else from storage. */
export async function readConfigJson(
  configId: string,
  deps: { storage: DocStorage; manager: RoomManager },
): Promise<{ data: Record<string, unknown>; doc: Y.Doc | null }> {
  const room = deps.manager.peek(configId);
  if (room) return { data: configToJson(room.doc), doc: room.doc };
  const stored = await deps.storage.loadDoc(configId);
  const doc = new Y.Doc();
  try {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    return { data: configToJson(doc), doc: null };
  } finally {
    doc.destroy();
  }
}
