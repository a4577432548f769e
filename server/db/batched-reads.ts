/**
 * Reads asked for together go to Postgres together (docs/architecture.md, "Access": admission).
 * After a restart a reconnect storm asks for hundreds of sessions, roles and rooms within a second;
 * one query each queued them behind ten pool connections for seconds, past the admission
 * deadline. A reader made here gathers the keys asked for in one event-loop turn, and those asked
 * for while its earlier batches are still out, into one `readMany` call. A lone key goes through
 * `readOne`, the query it always had. Callers coalesce equal keys themselves (one promise per key
 * in flight); a batch may still hold a key twice.
 */

export interface BatchedReadOptions<K, V> {
  /** The read of one key (a batch of one). */
  readOne: (key: K) => Promise<V>;
  /** The read of several keys in a few round trips; answers in the order of `keys`. */
  readMany: (keys: K[]) => Promise<V[]>;
  /** Keys per `readMany`: bounds one result's size. */
  maxBatch: number;
  /** `readMany` calls out at once: each holds a pool connection, and the pool serves everyone. */
  maxInFlight: number;
}

type Waiter<K, V> = { key: K; resolve: (value: V) => void; reject: (error: unknown) => void };

export function createBatchedRead<K, V>(options: BatchedReadOptions<K, V>): (key: K) => Promise<V> {
  const { readOne, readMany, maxBatch, maxInFlight } = options;
  let queued: Array<Waiter<K, V>> = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || queued.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    // After this turn's I/O callbacks: every request read in the same turn joins the batch.
    setImmediate(flush);
  };

  const flush = () => {
    scheduled = false;
    while (queued.length > 0 && inFlight < maxInFlight) {
      const batch = queued.slice(0, maxBatch);
      queued = queued.slice(maxBatch);
      inFlight++;
      void read(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  };

  const read = async (batch: Array<Waiter<K, V>>): Promise<void> => {
    try {
      if (batch.length === 1) {
        batch[0].resolve(await readOne(batch[0].key));
        return;
      }
      const values = await readMany(batch.map((w) => w.key));
      batch.forEach((w, i) => w.resolve(values[i]));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      queued.push({ key, resolve, reject });
      schedule();
    });
}
