/**
 * "Is this process equal to Postgres?": the document rebuilt from what storage holds (snapshot
 * plus every log row), compared with a live document by state vector and by content (the state
 * vector alone does not see deletions). Used by the cluster chaos tests and `npm run bench:chaos`.
 */
import postgres from 'postgres';
import * as Y from 'yjs';

export interface DocDigest {
  stateVector: string;
  content: string;
}

export function digest(doc: Y.Doc): DocDigest {
  return {
    stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
    content: JSON.stringify({ config: doc.getMap('config').toJSON(), notes: doc.getXmlFragment('notes').toString() }),
  };
}

/** Reads a configuration's stored document straight from Postgres (no server involved). */
export function storedDocReader(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  return {
    async load(configId: string): Promise<Y.Doc> {
      // One statement: a compaction committing meanwhile cannot hide rows.
      const rows = await sql<Array<{ k: number; b: Uint8Array }>>`
        select 1 as k, 0::bigint as id, state as b from doc_snapshots where config_id = ${configId} and doc_name = 'main'
        union all select 2, id, update from doc_updates where config_id = ${configId} and doc_name = 'main' order by 1, 2`;
      const doc = new Y.Doc();
      for (const r of rows) Y.applyUpdate(doc, r.b);
      return doc;
    },
    async digest(configId: string): Promise<DocDigest> {
      const doc = await this.load(configId);
      try {
        return digest(doc);
      } finally {
        doc.destroy();
      }
    },
    close: () => sql.end({ timeout: 1 }),
  };
}

/**
 * Polls until every document in `docs()` equals Postgres; resolves with the milliseconds it took
 * (from the call), or rejects after `timeoutMs` saying which one differs.
 */
export async function convergedWithStorage(
  reader: ReturnType<typeof storedDocReader>,
  configId: string,
  docs: () => Array<Y.Doc | null | undefined>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<number> {
  const started = Date.now();
  let lastDiff = '';
  for (;;) {
    const stored = await reader.digest(configId);
    const diffs = docs().map((d, i) => {
      if (!d) return `doc ${i} missing`;
      const live = digest(d);
      if (live.stateVector !== stored.stateVector || live.content !== stored.content) return `doc ${i} differs (${live.content.length} vs ${stored.content.length} chars)`;
      return '';
    });
    lastDiff = diffs.filter(Boolean).join('; ');
    if (!lastDiff) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not equal to Postgres after ${timeoutMs} ms: ${lastDiff}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
