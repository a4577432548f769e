/**
 * Named versions: a frozen copy of a configuration (its JSON, the whole Yjs state, the content
 * hash and the schema version) made by hand, for every build, and when a review opens.
 */
import { and, count, desc, eq, lt } from 'drizzle-orm';
import { configVersions } from '../../shared/node/db/review-schema.ts';
import type { Db } from '../db/connect.ts';
import type { FrozenState } from '../sync/room.ts';
import type { VersionKind, VersionMeta } from '../../shared/history-types.ts';
import { isUuid } from '../../shared/uuid.ts';
import { personView, type Person } from './people.ts';

export type { VersionKind, VersionMeta };

/** Version labels are shown in lists and timelines: a sentence, not a document. */
export const MAX_VERSION_LABEL_LENGTH = 100;
/** Hand-made versions per configuration. Each holds a whole state (up to the 8 MiB document
 * limit), so a runaway script cannot fill the database; builds make their own, uncounted. */
export const MAX_MANUAL_VERSIONS_PER_CONFIG = 500;
export const VERSIONS_PAGE_DEFAULT = 50;
export const VERSIONS_PAGE_MAX = 200;

/** What a version holds: one committed point of the room (`Room.freeze`, the one way to freeze). */
export type { FrozenState };

export interface Version extends VersionMeta {
  data: Record<string, unknown>;
  yjsState: Uint8Array;
}

const metaColumns = {
  id: configVersions.id,
  configId: configVersions.configId,
  kind: configVersions.kind,
  label: configVersions.label,
  buildId: configVersions.buildId,
  createdById: configVersions.createdById,
  createdByName: configVersions.createdByName,
  createdAt: configVersions.createdAt,
  contentHash: configVersions.contentHash,
  schemaVersion: configVersions.schemaVersion,
};

type MetaRow = { [K in keyof typeof metaColumns]: (typeof configVersions.$inferSelect)[K] };

function metaView(r: MetaRow): VersionMeta {
  return {
    id: r.id,
    configId: r.configId,
    kind: r.kind as VersionKind,
    label: r.label,
    buildId: r.buildId,
    createdBy: personView(r.createdById, r.createdByName),
    createdAt: r.createdAt.toISOString(),
    contentHash: r.contentHash,
    schemaVersion: r.schemaVersion,
  };
}

export async function insertVersion(
  db: Db,
  input: { configId: string; kind: VersionKind; label: string; buildId?: string | null; createdBy: Person; state: FrozenState },
): Promise<VersionMeta> {
  const [row] = await db
    .insert(configVersions)
    .values({
      configId: input.configId,
      kind: input.kind,
      label: input.label,
      buildId: input.buildId ?? null,
      createdById: input.createdBy.id,
      createdByName: input.createdBy.name,
      createdAt: new Date(),
      contentHash: input.state.contentHash,
      schemaVersion: input.state.schemaVersion,
      configJson: input.state.configJson,
      yjsState: input.state.yjsState,
    })
    .returning(metaColumns);
  return metaView(row);
}

export async function countManualVersions(db: Db, configId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(configVersions)
    .where(and(eq(configVersions.configId, configId), eq(configVersions.kind, 'manual')));
  return Number(row?.n ?? 0);
}

/** Newest first; `before` is the `createdAt` of the last version of the previous page. */
export async function listVersions(db: Db, configId: string, options: { limit: number; before?: Date; kind?: VersionKind }): Promise<VersionMeta[]> {
  const conditions = [eq(configVersions.configId, configId)];
  if (options.before) conditions.push(lt(configVersions.createdAt, options.before));
  if (options.kind) conditions.push(eq(configVersions.kind, options.kind));
  const rows = await db
    .select(metaColumns)
    .from(configVersions)
    .where(and(...conditions))
    .orderBy(desc(configVersions.createdAt))
    .limit(options.limit);
  return rows.map(metaView);
}

export async function getVersion(db: Db, configId: string, versionId: string): Promise<Version | null> {
  if (!isUuid(versionId)) return null;
  const [row] = await db
    .select()
    .from(configVersions)
    .where(and(eq(configVersions.configId, configId), eq(configVersions.id, versionId)));
  if (!row) return null;
  return { ...metaView(row), data: row.configJson as Record<string, unknown>, yjsState: row.yjsState };
}

/** What a build froze, as `shared/builds` `BuildRequest` carries it. */
export interface BuildSnapshot {
  configId: string;
  buildId: string;
  configJson: unknown;
  yjsState: Uint8Array;
  contentHash: string;
  schemaVersion: string;
  /** Who pressed Build; null: nobody in particular (an automatic build). */
  requestedBy?: { id: string; name: string } | null;
}

/**
 * The version every build gets ("Build 1a2b3c4d"). The build route calls it once the build is
 * accepted, with the snapshot it froze. Idempotent per build: calling it twice for one build (a
 * retried request) returns the first version.
 */
export async function createBuildVersion(deps: { db: Db }, snapshot: BuildSnapshot): Promise<VersionMeta> {
  const { db } = deps;
  const by = snapshot.requestedBy;
  const createdBy: Person = by ? { id: by.id, name: by.name, kind: 'user' } : { id: null, name: 'Boardroom', kind: 'server' };
  const inserted = await db
    .insert(configVersions)
    .values({
      configId: snapshot.configId,
      kind: 'build',
      label: `Build ${snapshot.buildId.slice(0, 8)}`,
      buildId: snapshot.buildId,
      createdById: createdBy.id,
      createdByName: createdBy.name,
      createdAt: new Date(),
      contentHash: snapshot.contentHash,
      schemaVersion: snapshot.schemaVersion,
      configJson: snapshot.configJson,
      yjsState: snapshot.yjsState,
    })
    .onConflictDoNothing({ target: configVersions.buildId })
    .returning(metaColumns);
  if (inserted[0]) return metaView(inserted[0]);
  const [existing] = await db.select(metaColumns).from(configVersions).where(eq(configVersions.buildId, snapshot.buildId));
  return metaView(existing);
}
