/**
 * Comment threads: anchored to a field (JSON Pointer plus schema version) or to the whole
 * configuration, with replies and resolve/reopen. A thread whose field is gone stays, marked
 * detached; that is worked out when threads are read (`shared/comment-anchor.ts`), against the
 * configuration as it is then, so a field that comes back re-attaches its threads.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull, isNotNull, sql } from 'drizzle-orm';
import type * as Y from 'yjs';
import { anchorStatus, type AnchorStatus, type CommentAnchor } from '../../shared/comment-anchor.ts';
import { fileLineStatus, isFileAnchorPath } from '../../shared/files/file-line-anchor.ts';
import { comments } from '../../shared/node/db/review-schema.ts';
import { configSchema } from '../../shared/validation/index.ts';
import type { Db } from '../db/connect.ts';
import type { CommentView, ThreadView } from '../../shared/history-types.ts';
import { personView, type Person } from '../history/people.ts';

export type { CommentView, ThreadView };

/** A comment is a remark, not a document: 10,000 characters is several screens. */
export const MAX_COMMENT_BODY_LENGTH = 10_000;
/** Threads per configuration: far more than any review produces, small enough to list at once. */
export const MAX_THREADS_PER_CONFIG = 2_000;
/** Replies per thread: past this, a thread has become a chat; start another. */
export const MAX_COMMENTS_PER_THREAD = 200;
/** `GET …/comments` returns at most this many threads (newest first). */
export const THREADS_PAGE_MAX = 500;
/** Schema versions are short tokens ("1"). */
export const MAX_SCHEMA_VERSION_LENGTH = 32;

type Row = typeof comments.$inferSelect;

const commentView = (r: Row): CommentView => ({
  id: r.id,
  author: personView(r.authorId, r.authorName),
  body: r.body,
  createdAt: r.createdAt.toISOString(),
  editedAt: r.editedAt?.toISOString() ?? null,
});

/** The configuration now: its JSON for field threads, and its document for file-line threads
 * (read only when a thread needs it: decoding a document with large files is not free). */
export interface ThreadContext {
  config: Record<string, unknown>;
  files?: () => Promise<Y.Doc>;
}

const hasFileAnchor = (rows: Row[]) => rows.some((r) => r.anchorPath !== null && isFileAnchorPath(r.anchorPath));

/** `rows`: the thread's comments, first one first. `files`: the document now (file-line threads). */
export function threadView(rows: Row[], config: Record<string, unknown>, files?: Y.Doc): ThreadView {
  const root = rows[0];
  const anchor: CommentAnchor | null =
    root.anchorPath === null
      ? null
      : {
          path: root.anchorPath,
          schemaVersion: root.anchorSchemaVersion ?? '',
          ...(root.anchorPosition !== null ? { position: root.anchorPosition } : {}),
          ...(root.anchorLine !== null ? { line: root.anchorLine } : {}),
        };
  let status: AnchorStatus = { detached: false };
  let line: number | undefined;
  if (anchor && isFileAnchorPath(anchor.path)) {
    const file = files ? fileLineStatus(files, anchor.path, anchor.position, anchor.line) : null;
    if (file?.detached) status = file;
    else line = file?.line ?? anchor.line;
  } else if (anchor) status = anchorStatus(configSchema, config, anchor.path);
  return {
    id: root.id,
    anchor,
    reviewId: root.reviewId,
    detached: status.detached,
    ...(line !== undefined ? { line } : {}),
    ...(status.detached ? { detachedReason: status.reason } : {}),
    resolved: root.resolvedAt !== null,
    resolvedBy: root.resolvedAt ? personView(root.resolvedById, root.resolvedByName ?? '') : null,
    resolvedAt: root.resolvedAt?.toISOString() ?? null,
    createdAt: root.createdAt.toISOString(),
    updatedAt: rows[rows.length - 1].createdAt.toISOString(),
    comments: rows.map(commentView),
  };
}

function groupThreads(rows: Row[], config: Record<string, unknown>, order: string[], files?: Y.Doc): ThreadView[] {
  const byThread = new Map<string, Row[]>();
  for (const r of rows) {
    const list = byThread.get(r.threadId) ?? [];
    list.push(r);
    byThread.set(r.threadId, list);
  }
  return order.filter((id) => byThread.has(id)).map((id) => threadView(byThread.get(id)!, config, files));
}

export interface ThreadFilter {
  path?: string;
  reviewId?: string;
  resolved?: boolean;
}

/** Threads of a configuration, newest first. */
export async function listThreads(db: Db, configId: string, context: ThreadContext, filter: ThreadFilter): Promise<ThreadView[]> {
  const conditions = [eq(comments.configId, configId), sql`${comments.threadId} = ${comments.id}`];
  if (filter.path !== undefined) conditions.push(eq(comments.anchorPath, filter.path));
  if (filter.reviewId !== undefined) conditions.push(eq(comments.reviewId, filter.reviewId));
  if (filter.resolved !== undefined) conditions.push(filter.resolved ? isNotNull(comments.resolvedAt) : isNull(comments.resolvedAt));
  const roots = await db
    .select({ id: comments.id })
    .from(comments)
    .where(and(...conditions))
    .orderBy(desc(comments.createdAt))
    .limit(THREADS_PAGE_MAX);
  if (roots.length === 0) return [];
  const ids = roots.map((r) => r.id);
  const rows = await db
    .select()
    .from(comments)
    .where(and(eq(comments.configId, configId), inArray(comments.threadId, ids)))
    .orderBy(asc(comments.createdAt), asc(comments.id));
  // The first comment sorts first even when a reply has the same millisecond.
  rows.sort((a, b) => Number(b.id === b.threadId) - Number(a.id === a.threadId) || a.createdAt.getTime() - b.createdAt.getTime());
  const files = hasFileAnchor(rows) ? await context.files?.() : undefined;
  return groupThreads(rows, context.config, ids, files);
}

export async function getThread(db: Db, configId: string, threadId: string, context: ThreadContext): Promise<ThreadView | null> {
  const rows = await db
    .select()
    .from(comments)
    .where(and(eq(comments.configId, configId), eq(comments.threadId, threadId)))
    .orderBy(asc(comments.createdAt));
  rows.sort((a, b) => Number(b.id === b.threadId) - Number(a.id === a.threadId) || a.createdAt.getTime() - b.createdAt.getTime());
  if (rows.length === 0) return null;
  const files = hasFileAnchor(rows) ? await context.files?.() : undefined;
  return threadView(rows, context.config, files);
}

export async function getComment(db: Db, configId: string, commentId: string): Promise<Row | null> {
  const [row] = await db
    .select()
    .from(comments)
    .where(and(eq(comments.configId, configId), eq(comments.id, commentId)));
  return row ?? null;
}

export async function countThreads(db: Db, configId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(comments)
    .where(and(eq(comments.configId, configId), sql`${comments.threadId} = ${comments.id}`));
  return Number(row?.n ?? 0);
}

export async function countInThread(db: Db, threadId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(comments).where(eq(comments.threadId, threadId));
  return Number(row?.n ?? 0);
}

export async function insertComment(
  db: Db,
  input: { configId: string; threadId?: string; anchor?: CommentAnchor | null; reviewId?: string | null; author: Person; body: string },
): Promise<string> {
  const id = randomUUID();
  const threadId = input.threadId ?? id;
  const root = threadId === id;
  await db.insert(comments).values({
    id,
    configId: input.configId,
    threadId,
    anchorPath: root ? (input.anchor?.path ?? null) : null,
    anchorSchemaVersion: root ? (input.anchor?.schemaVersion ?? null) : null,
    anchorPosition: root ? (input.anchor?.position ?? null) : null,
    anchorLine: root ? (input.anchor?.line ?? null) : null,
    reviewId: root ? (input.reviewId ?? null) : null,
    authorId: input.author.id,
    authorName: input.author.name,
    body: input.body,
    createdAt: new Date(),
  });
  return threadId;
}

export async function setResolved(db: Db, threadId: string, by: Person | null): Promise<void> {
  await db
    .update(comments)
    .set(by ? { resolvedAt: new Date(), resolvedById: by.id, resolvedByName: by.name } : { resolvedAt: null, resolvedById: null, resolvedByName: null })
    .where(eq(comments.id, threadId));
}

export async function editBody(db: Db, commentId: string, body: string): Promise<void> {
  await db.update(comments).set({ body, editedAt: new Date() }).where(eq(comments.id, commentId));
}

/** Moves a thread to another place (a file-line thread to its file's new path after a rename). */
export async function setAnchor(db: Db, threadId: string, anchor: CommentAnchor): Promise<void> {
  await db
    .update(comments)
    .set({ anchorPath: anchor.path, anchorSchemaVersion: anchor.schemaVersion, anchorPosition: anchor.position ?? null, anchorLine: anchor.line ?? null })
    .where(eq(comments.id, threadId));
}
