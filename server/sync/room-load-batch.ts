/**
 * Room loads asked for together are read together (server/db/batched-reads.ts): a reconnect storm
 * after a restart asks for hundreds of rooms within a second, and one transaction per room (three
 * round trips each) queued them past the admission deadline. With `DocStorage.loadConfigDocs` a
 * batch costs a few round trips whatever its size; a lone load is `loadConfigDoc` as before.
 */
import { createBatchedRead } from '../db/batched-reads.ts';
import type { DocKey } from '../storage/doc-key.ts';
import type { DocStorage, StoredDoc } from '../storage/types.ts';

/** Documents per batched read: a batch's rows arrive as one result, so this bounds the memory of
 * one read (documents are kilobytes typically, megabytes at most). */
export const LOAD_BATCH_MAX = 50;
/** Batched reads in flight at once: each holds a pool connection for its transaction, and the
 * pool (ten by default) also serves sign-ins, role look-ups and REST. Loads asked for meanwhile
 * wait and form the next, larger batch. */
export const LOAD_BATCHES_IN_FLIGHT = 3;

/** `read(key)`: what `storage.loadConfigDoc(key)` answers, read in batches when the storage can. */
export function createRoomLoadBatch(storage: DocStorage): (key: DocKey) => Promise<StoredDoc | null> {
  const loadMany = storage.loadConfigDocs?.bind(storage);
  if (!loadMany) return (key) => storage.loadConfigDoc(key);
  return createBatchedRead<DocKey, StoredDoc | null>({
    readOne: (key) => storage.loadConfigDoc(key),
    readMany: async (keys) => {
      const loaded = await loadMany(keys);
      return keys.map((k) => loaded.get(k.id) ?? null);
    },
    maxBatch: LOAD_BATCH_MAX,
    maxInFlight: LOAD_BATCHES_IN_FLIGHT,
  });
}
