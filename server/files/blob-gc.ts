/**
 * Garbage collection of binary files' bytes (docs/architecture.md, "Document layout", the files
 * root): a blob that nothing of its configuration references any more — not the document, not a
 * version, not a build's snapshot, not a snapshot share link — is deleted once it is older than
 * the grace period. A trashed configuration keeps its document, so its blobs stay until the trash
 * sweep deletes the configuration (and they go by cascade).
 *
 * The race with an upload: the upload stores the bytes first and references them a moment later
 * (`files/routes.ts`, or a client that uploads then writes the reference). The grace period counts
 * from the last time the bytes were stored (`file_blobs.last_put_at`, set again on a re-upload),
 * and the deleting statement itself tests that age, so bytes stored while a pass is looking at
 * the references are never deleted by that pass. The grace period also covers edits a server
 * holds in memory before they reach the update log (seconds).
 *
 * Every server process runs the sweep; deletions are idempotent statements.
 */
import { eq, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { readTreeOfState } from '../../shared/files/file-tree.ts';
import { shareLinks } from '../../shared/node/db/auth-schema.ts';
import { buildJobs } from '../../shared/node/db/builds-schema.ts';
import { fileBlobs } from '../../shared/node/db/files-schema.ts';
import { configVersions } from '../../shared/node/db/review-schema.ts';
import type { Db } from '../db/connect.ts';
import type { DocStorage } from '../storage/types.ts';
import { mainDoc } from '../storage/doc-key.ts';
import type { BlobStore } from './blob-store.ts';
import * as Y from 'yjs';

/** How long unreferenced bytes are kept after they were last stored: a day covers an upload
 * whose reference is slow to arrive, a client offline with a pending reference, and an "undo" of
 * a deletion the same working day. */
export const BLOB_GC_GRACE_MS = 24 * 60 * 60 * 1000;
/** How often the sweep runs: blobs are small and few, an hour late costs nothing. */
export const BLOB_GC_INTERVAL_MS = 60 * 60 * 1000;
/** Configurations looked at per pass: bounds one pass's reads; the next pass takes the rest. */
export const BLOB_GC_CONFIGS_PER_PASS = 200;

export interface BlobGcDeps {
  db: Db;
  storage: DocStorage;
  blobs: BlobStore;
  graceMs?: number;
}

export interface BlobGcResult {
  /** configId → deleted sha256s. */
  deleted: Map<string, string[]>;
}

/** Every blob hash a stored Yjs state references. */
function blobHashesOf(state: Uint8Array | null, into: Set<string>): void {
  if (!state || state.length === 0) return;
  for (const entry of readTreeOfState(state)) if (entry.kind === 'blob') into.add(entry.sha256);
}

/** Every blob hash the configuration references anywhere it keeps a state. */
export async function referencedBlobs(deps: Pick<BlobGcDeps, 'db' | 'storage'>, configId: string): Promise<Set<string>> {
  const refs = new Set<string>();
  const stored = await deps.storage.loadDoc(mainDoc(configId));
  const doc = new Y.Doc();
  try {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    blobHashesOf(Y.encodeStateAsUpdate(doc), refs);
  } finally {
    doc.destroy();
  }
  const states = [
    deps.db.select({ state: configVersions.yjsState }).from(configVersions).where(eq(configVersions.configId, configId)),
    deps.db.select({ state: buildJobs.yjsState }).from(buildJobs).where(eq(buildJobs.configId, configId)),
    deps.db.select({ state: shareLinks.snapshotState }).from(shareLinks).where(eq(shareLinks.configId, configId)),
  ];
  for (const rows of await Promise.all(states)) for (const row of rows) blobHashesOf(row.state, refs);
  return refs;
}

/** One pass: every configuration with blobs older than the grace period, its unreferenced ones deleted. */
export async function collectBlobs(deps: BlobGcDeps, now = new Date()): Promise<BlobGcResult> {
  const cutoff = new Date(now.getTime() - (deps.graceMs ?? BLOB_GC_GRACE_MS));
  const candidates = await deps.db
    .select({ configId: fileBlobs.configId, hashes: sql<string[]>`json_agg(${fileBlobs.sha256})` })
    .from(fileBlobs)
    .where(lt(fileBlobs.lastPutAt, cutoff))
    .groupBy(fileBlobs.configId)
    .orderBy(fileBlobs.configId)
    .limit(BLOB_GC_CONFIGS_PER_PASS);
  const deleted = new Map<string, string[]>();
  for (const { configId, hashes } of candidates) {
    const refs = await referencedBlobs(deps, configId);
    const unreferenced = hashes.filter((h) => !refs.has(h));
    const gone = await deps.blobs.deleteStale(configId, unreferenced, cutoff);
    if (gone.length > 0) deleted.set(configId, gone);
  }
  return { deleted };
}

export interface BlobGcSweep {
  runOnce(now?: Date): Promise<BlobGcResult>;
  close(): void;
}

export function startBlobGc(deps: BlobGcDeps & { logger: Logger; intervalMs?: number }): BlobGcSweep {
  const runOnce = async (now?: Date) => {
    const result = await collectBlobs(deps, now);
    const count = [...result.deleted.values()].reduce((n, list) => n + list.length, 0);
    if (count > 0) deps.logger.info({ deleted: count, configs: result.deleted.size }, 'blob sweep: unreferenced file bytes deleted');
    return result;
  };
  const tick = () =>
    void runOnce().catch((err: unknown) => {
      // Postgres or the object store away: the next pass retries; nothing is lost by deleting late.
      deps.logger.warn({ err }, 'blob sweep failed; retrying at the next pass');
    });
  const timer = setInterval(tick, deps.intervalMs ?? BLOB_GC_INTERVAL_MS);
  timer.unref();
  return { runOnce, close: () => clearInterval(timer) };
}
