/**
 * Reads the change log: the rows in Postgres merged with the entries this process holds that are
 * not written yet (open bursts, and closed ones queued for the writer), so the log is current on
 * this process. A pending entry replaces its stored checkpoint (same id); a burst taken back
 * (ended as no change) hides its stored row until the writer has removed it.
 */
import { and, desc, eq, gt, lt, lte, ne } from 'drizzle-orm';
import { changeLog } from '../../shared/node/db/review-schema.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { NOTES_PATH } from './change-capture.ts';
import { rowView, type ChangeView, type LastChange } from './change-entry.ts';
import { personView, type Person } from './people.ts';

export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;

/** An entry not in Postgres yet, with who made its last change (for `lastByPath`). */
export type PendingView = ChangeView & { lastAuthor: Person };

export interface PendingSource {
  /** The configuration's entries not written yet, newest state of each. */
  pending(configId: string): PendingView[];
  /** Ids whose stored rows are being removed. */
  removing(): Set<string>;
}

export class ChangeReader {
  constructor(
    private readonly db: Db,
    private readonly source: PendingSource,
  ) {}

  /** The timeline of a configuration, newest first; `path` narrows it to one field. */
  async list(configId: string, options: { path?: string; limit: number; before?: number }): Promise<{ entries: ChangeView[]; next: number | null }> {
    const conditions = [eq(changeLog.configId, configId)];
    if (options.path !== undefined) conditions.push(eq(changeLog.path, options.path));
    if (options.before !== undefined) conditions.push(lt(changeLog.seq, options.before));
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    const rows = await withConfigTenant(this.db, configId, (tx) =>
      tx.select().from(changeLog).where(and(...conditions)).orderBy(desc(changeLog.seq)).limit(options.limit),
    );
    const removing = this.source.removing();
    const byId = new Map(rows.filter((r) => !removing.has(r.id)).map((r) => [r.id, rowView(r)]));
    for (const e of this.source.pending(configId)) {
      // An entry that grew since its checkpoint has a newer seq: it leaves this page's range.
      byId.delete(e.id);
      if (options.path !== undefined && e.path !== options.path) continue;
      if (options.before !== undefined && e.seq >= options.before) continue;
      const { lastAuthor: _, ...view } = e;
      byId.set(e.id, view);
    }
    const entries = [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, options.limit);
    return { entries, next: entries.length === options.limit ? entries[entries.length - 1].seq : null };
  }

  /** For each path, who changed it last and when (the form's hover). */
  async lastByPath(configId: string): Promise<Record<string, LastChange>> {
    const rows = await this.db
      .selectDistinctOn([changeLog.path])
      .from(changeLog)
      .where(eq(changeLog.configId, configId))
      .orderBy(changeLog.path, desc(changeLog.seq));
    const last = new Map<string, { seq: number; view: LastChange }>();
    for (const r of rows) {
      last.set(r.path, { seq: r.seq, view: { author: personView(r.authorId, r.authorName, r.authorKind), at: r.at.toISOString(), source: r.source } });
    }
    for (const e of this.source.pending(configId)) {
      const known = last.get(e.path);
      if (!known || known.seq < e.seq) last.set(e.path, { seq: e.seq, view: { author: e.lastAuthor, at: e.at, source: e.source } });
    }
    return Object.fromEntries([...last].map(([path, { view }]) => [path, view]));
  }

  /**
   * Ids of everyone who changed the configuration (not the notes: they are not part of what a
   * review approves) in a burst that ended after `from` (null: ever) and began by `to`, entries
   * still in memory included. Approvals by these people do not count (server/review).
   */
  authorsBetween(configId: string, from: Date | null, to: Date): Promise<Set<string>> {
    return authorsBetween(this.db, configId, from, to, this.source.pending(configId));
  }
}

/** `ChangeReader.authorsBetween` over the stored log plus `pending` entries (none: the log alone). */
export async function authorsBetween(db: Db, configId: string, from: Date | null, to: Date, pending: ChangeView[] = []): Promise<Set<string>> {
  const conditions = [eq(changeLog.configId, configId), ne(changeLog.path, NOTES_PATH), lte(changeLog.startedAt, to)];
  if (from) conditions.push(gt(changeLog.at, from));
  const rows = await db
    .selectDistinct({ authorId: changeLog.authorId, coauthors: changeLog.coauthors })
    .from(changeLog)
    .where(and(...conditions));
  const ids = new Set<string>();
  const add = (people: Array<{ id: string | null }>) => {
    for (const p of people) if (p.id) ids.add(p.id);
  };
  for (const r of rows) add([{ id: r.authorId }, ...((r.coauthors as Person[] | null) ?? [])]);
  for (const e of pending) {
    if (e.path === NOTES_PATH || new Date(e.startedAt) > to || (from && new Date(e.at) <= from)) continue;
    add([e.author, ...(e.coauthors ?? [])]);
  }
  return ids;
}
