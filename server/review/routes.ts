/**
 * Review REST, under `/api/configs/:id`:
 *
 * - `GET   /comments?path=&reviewId=&resolved=`  threads, newest first (read)
 * - `POST  /comments` `{ body, anchor?: { path, schemaVersion? } | null, threadId?, reviewId? }`
 *          a new thread, or with `threadId` a reply (comment)
 * - `PATCH /comments/:commentId` `{ resolved?, body? }`  resolve/reopen its thread (comment);
 *          edit the text (editOwnComment: its author only)
 * - `GET   /reviews?limit=`, `GET /reviews/:reviewId`  (read)
 * - `POST  /reviews` `{ title? }`                     review the current state (openReview: editors)
 * - `POST  /reviews/:reviewId/decision` `{ decision: approve|request_changes, comment?, contentHash? }`
 *          (decide: commenters review too, that is what a commenter link is for)
 * - `GET   /approval`                                may the current state be built? (read)
 * - `GET/PUT /settings` `{ requireApproval, requiredApprovals, organisation }`  (read / configureReview:
 *          owners); the values that apply, never looser than the organisation's policy
 *
 * Every change is pushed to the configuration's extension clients as a live event (`ExtPayloads`).
 */
import { Hono, type Context } from 'hono';
import * as Y from 'yjs';
import { anchorStatus, type CommentAnchor } from '../../shared/comment-anchor.ts';
import { filePathProblem } from '../../shared/files/file-path.ts';
import { filesRoot } from '../../shared/files/file-tree.ts';
import { decodePosition, fileLineStatus, filePathOfAnchor, isFileAnchorPath } from '../../shared/files/file-line-anchor.ts';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import type { Action } from '../../shared/roles.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import { configSchema } from '../../shared/validation/index.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { actorIdOf, requireAction, requireAlso } from '../access/authorize.ts';
import type { AppEnv } from '../auth/actor.ts';
import { auditActorOf } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { readDurable } from '../config-doc.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { readLimit, readText } from '../history/params.ts';
import { personOf } from '../history/people.ts';
import { MAX_PATH_LENGTH } from '../history/routes.ts';
import { insertVersion, type VersionMeta } from '../history/versions.ts';
import { isUuid } from '../../shared/uuid.ts';
import { ApiError, badRequest, notFound, unprocessable } from '../http-errors.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';
import {
  countInThread,
  countThreads,
  editBody,
  getComment,
  getThread,
  insertComment,
  listThreads,
  MAX_COMMENT_BODY_LENGTH,
  MAX_COMMENTS_PER_THREAD,
  MAX_SCHEMA_VERSION_LENGTH,
  MAX_THREADS_PER_CONFIG,
  setAnchor,
  setResolved,
  type ThreadContext,
} from './comments.ts';
import type { ApprovalDeps, AuthorLookup } from './approval-rules.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { looserThanOrg } from '../policies/policy-rules.ts';
import { COMMENT_PATCH_BODY, DECISION_BODY, NEW_COMMENT_BODY, NEW_REVIEW_BODY, REVIEW_SETTINGS_BODY } from './api-spec.ts';
import {
  baseVersionFor,
  checkBuildApproval,
  getReviewSettings,
  getReview,
  insertDecision,
  insertReview,
  listReviews,
  MAX_DECISION_COMMENT_LENGTH,
  MAX_REVIEW_TITLE_LENGTH,
  reviewRow,
  REVIEWS_PAGE_DEFAULT,
  REVIEWS_PAGE_MAX,
  setReviewSettings,
  type Decision,
} from './reviews.ts';

export interface ReviewRouteDeps {
  db: Db;
  storage: DocStorage;
  manager: DocumentRooms;
  access: AccessStore;
  push: ExtPublisher;
  /** Changes of the review settings are recorded. */
  audit: AuditLog;
  /** Who changed a configuration when (the change log, with what it still holds in memory). */
  authors?: AuthorLookup;
  /** Told after a version (a review's) is stored (webhooks' `version.created`). */
  onVersionCreated?: (configId: string, version: VersionMeta) => void;
  /** Told after a decision is stored (webhooks' `review.approved` / `review.changes_requested`). */
  onDecision?: (fact: { configId: string; decisionId: string; decision: Decision; review: { id: string; title: string | null; contentHash: string }; by: { name: string }; at: Date }) => void;
}

const invalid = (path: string, message: string, keyword: string) => unprocessable(message, [{ path, message, keyword }]);

/**
 * A file-line anchor (`#files/<path>` with a position): the file must be a text file of the
 * document now and the position must point into it (a position from another file, or made up,
 * is refused); the line is worked out here, not taken from the client.
 */
function readFileAnchor(path: string, position: unknown, doc: Y.Doc): CommentAnchor {
  const filePath = filePathOfAnchor(path);
  const problem = filePathProblem(filePath);
  if (problem) throw invalid('/anchor/path', `invalid file path: ${problem}`, 'format');
  if (typeof position !== 'string') throw invalid('/anchor/position', 'a comment on a file line needs anchor.position (the line\'s start as an encoded Yjs relative position)', 'required');
  if (!(filesRoot(doc).get(filePath) instanceof Y.Text)) throw invalid('/anchor/path', `there is no text file at ${filePath}`, 'anchor');
  const status = decodePosition(position) ? fileLineStatus(doc, path, position, null) : null;
  if (!status || status.detached || !status.exact) throw invalid('/anchor/position', `anchor.position is not a place in ${filePath}`, 'anchor');
  return { path, schemaVersion: SCHEMA_VERSION, position, line: status.line };
}

async function readAnchor(raw: unknown, config: Record<string, unknown>, files: () => Promise<Y.Doc>): Promise<CommentAnchor | null> {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('/anchor', 'anchor must be { path, schemaVersion } or null', 'type');
  const { path, schemaVersion, position } = raw as Record<string, unknown>;
  if (typeof path === 'string' && isFileAnchorPath(path) && path.length <= MAX_PATH_LENGTH) return readFileAnchor(path, position, await files());
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > MAX_PATH_LENGTH) {
    throw invalid('/anchor/path', `anchor.path must be a JSON Pointer such as /BOARD, or #files/<path> for a line of a file (at most ${MAX_PATH_LENGTH} characters)`, 'format');
  }
  if (schemaVersion !== undefined && (typeof schemaVersion !== 'string' || schemaVersion.length > MAX_SCHEMA_VERSION_LENGTH)) {
    throw invalid('/anchor/schemaVersion', 'anchor.schemaVersion must be a short string', 'type');
  }
  const status = anchorStatus(configSchema, config, path);
  if (status.detached && status.reason === 'removed') throw invalid('/anchor/path', `there is no field at ${path}`, 'anchor');
  return { path, schemaVersion: (schemaVersion as string | undefined) ?? SCHEMA_VERSION };
}

export function reviewRoutes(deps: ReviewRouteDeps): Hono<AppEnv> {
  const { db, push } = deps;
  const approval: ApprovalDeps = { db, authors: deps.authors };
  const app = new Hono<AppEnv>();
  const allow = (c: Context<AppEnv>, action: Action) => requireAction(deps, c.get('actor'), c.req.param('id')!, action);
  const currentJson = async (id: string) => (await readDurable(id, deps)).configJson;
  /** The configuration's JSON, and its document when a file-line thread needs it (decoded once per request). */
  const contextOf = async (id: string): Promise<ThreadContext> => {
    const durable = await readDurable(id, deps);
    let doc: Y.Doc | null = null;
    return {
      config: durable.configJson,
      files: async () => {
        if (!doc) {
          doc = new Y.Doc();
          Y.applyUpdate(doc, durable.yjsState);
        }
        return doc;
      },
    };
  };
  const current = async (id: string) => {
    const durable = await readDurable(id, deps);
    return { json: durable.configJson, yjsState: durable.yjsState, contentHash: durable.contentHash };
  };

  app.get('/:id/comments', async (c) => {
    const id = c.req.param('id');
    await allow(c, 'read');
    const resolved = c.req.query('resolved');
    if (resolved !== undefined && resolved !== 'true' && resolved !== 'false') {
      throw badRequest('resolved must be true or false', [{ path: 'resolved', message: `not a boolean: ${resolved}`, keyword: 'type' }]);
    }
    const reviewId = c.req.query('reviewId');
    if (reviewId !== undefined && !isUuid(reviewId)) throw notFound('review');
    const path = c.req.query('path');
    if (path !== undefined && path.length > MAX_PATH_LENGTH) throw badRequest(`path is longer than ${MAX_PATH_LENGTH} characters`);
    const filter = { path, reviewId, resolved: resolved === undefined ? undefined : resolved === 'true' };
    const context = await contextOf(id);
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json(await withConfigTenant(db, id, (tx) => listThreads(tx, id, context, filter)));
  });

  // The schemas the API description declares (review/api-spec.ts); the rest is checked below.
  const readNewComment = validatedBody(NEW_COMMENT_BODY);
  const readCommentPatch = validatedBody(COMMENT_PATCH_BODY);
  app.post('/:id/comments', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, 'comment');
    const body = await readNewComment(c);
    const text = readText(body, 'body', { max: MAX_COMMENT_BODY_LENGTH, required: true })!;
    const context = await contextOf(id);
    const author = personOf(access);
    let threadId: string;
    if (body.threadId !== undefined) {
      if (typeof body.threadId !== 'string' || !isUuid(body.threadId)) throw notFound('thread');
      const root = await getComment(db, id, body.threadId);
      if (!root || root.threadId !== root.id) throw notFound('thread');
      if ((await countInThread(db, root.id)) >= MAX_COMMENTS_PER_THREAD) {
        throw new ApiError(409, 'limit_reached', `a thread holds at most ${MAX_COMMENTS_PER_THREAD} comments; start a new one`);
      }
      threadId = await insertComment(db, { configId: id, threadId: root.id, author, body: text });
    } else {
      const anchor = await readAnchor(body.anchor, context.config, context.files!);
      let reviewId: string | null = null;
      if (body.reviewId !== undefined && body.reviewId !== null) {
        if (typeof body.reviewId !== 'string' || !(await reviewRow(db, id, body.reviewId))) throw notFound('review');
        reviewId = body.reviewId;
      }
      if ((await countThreads(db, id)) >= MAX_THREADS_PER_CONFIG) {
        throw new ApiError(409, 'limit_reached', `a configuration holds at most ${MAX_THREADS_PER_CONFIG} comment threads`);
      }
      threadId = await insertComment(db, { configId: id, anchor, reviewId, author, body: text });
    }
    const thread = (await getThread(db, id, threadId, context))!;
    push(id, 'comment', { action: 'created', thread });
    return c.json(thread, 201);
  });

  app.patch('/:id/comments/:commentId', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, 'comment');
    const commentId = c.req.param('commentId');
    const comment = isUuid(commentId) ? await getComment(db, id, commentId) : null;
    if (!comment) throw notFound('comment');
    const body = await readCommentPatch(c);
    if (body.resolved === undefined && body.body === undefined && body.anchor === undefined) {
      throw invalid('', 'send resolved (true or false), body and/or anchor', 'required');
    }
    const context = await contextOf(id);
    if (body.anchor !== undefined) {
      // Moving a thread follows a file that was renamed or moved: that is an edit of the tree,
      // so editors and owners do it, whoever started the thread. Only file-line threads move.
      requireAlso(access, 'edit');
      if (comment.threadId !== comment.id) throw invalid('/anchor', 'a thread is moved through its first comment', 'anchor');
      const root = comment.anchorPath;
      if (root === null || !isFileAnchorPath(root)) throw invalid('/anchor', 'only threads on a line of a file can be moved', 'anchor');
      const anchor = await readAnchor(body.anchor, context.config, context.files!);
      if (!anchor || !isFileAnchorPath(anchor.path)) throw invalid('/anchor/path', 'a thread on a line of a file moves to a line of a file (#files/<path>)', 'anchor');
      await setAnchor(db, comment.id, anchor);
    }
    const me = personOf(access);
    if (body.body !== undefined) {
      const text = readText(body, 'body', { max: MAX_COMMENT_BODY_LENGTH, required: true })!;
      requireAlso(access, 'editOwnComment', { comment: { authorId: comment.authorId, actorId: actorIdOf(access) } });
      await editBody(db, comment.id, text);
    }
    if (body.resolved !== undefined) {
      if (typeof body.resolved !== 'boolean') throw invalid('/resolved', 'resolved must be true or false', 'type');
      await setResolved(db, comment.threadId, body.resolved ? me : null);
    }
    const thread = (await getThread(db, id, comment.threadId, context))!;
    push(id, 'comment', { action: 'updated', thread });
    return c.json(thread);
  });

  app.get('/:id/reviews', async (c) => {
    const id = c.req.param('id');
    await allow(c, 'read');
    const limit = readLimit(c.req.query('limit'), REVIEWS_PAGE_DEFAULT, REVIEWS_PAGE_MAX);
    const state = await current(id);
    // As the configuration's tenant: RLS is the second line on these reads (server/db/tenant.ts).
    return c.json(await withConfigTenant(db, id, (tx) => listReviews({ ...approval, db: tx }, id, state, limit)));
  });

  app.get('/:id/reviews/:reviewId', async (c) => {
    const id = c.req.param('id');
    await allow(c, 'read');
    const state = await current(id);
    const review = await withConfigTenant(db, id, (tx) => getReview({ ...approval, db: tx }, id, c.req.param('reviewId'), state));
    if (!review) throw notFound('review');
    return c.json(review);
  });

  const readNewReview = validatedBody<{ title?: string | null }>(NEW_REVIEW_BODY, { optional: true });
  app.post('/:id/reviews', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, 'openReview');
    const body = await readNewReview(c);
    const title = readText(body, 'title', { max: MAX_REVIEW_TITLE_LENGTH }) || 'Review';
    const openedBy = personOf(access);
    const baseVersionId = await baseVersionFor(approval, id);
    const state = await (await deps.manager.get(id)).freeze();
    const version = await insertVersion(db, { configId: id, kind: 'review', label: title, createdBy: openedBy, state });
    const reviewId = await insertReview(db, { configId: id, contentHash: state.contentHash, versionId: version.id, baseVersionId, title, openedBy });
    const review = (await getReview(approval, id, reviewId, await current(id)))!;
    push(id, 'review', { action: 'opened', review: { ...review, diff: undefined } });
    deps.onVersionCreated?.(id, version);
    return c.json(review, 201);
  });

  // The schema the API description declares (review/api-spec.ts).
  const readDecision = validatedBody<{ decision: Decision; comment?: string | null; contentHash?: string }>(DECISION_BODY);
  app.post('/:id/reviews/:reviewId/decision', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, 'decide');
    const row = await reviewRow(db, id, c.req.param('reviewId'));
    if (!row) throw notFound('review');
    const body = await readDecision(c);
    const comment = readText(body, 'comment', { max: MAX_DECISION_COMMENT_LENGTH }) || null;
    if (body.contentHash !== undefined && body.contentHash !== row.contentHash) {
      throw new ApiError(409, 'review_stale', `this review is of ${String(row.contentHash).slice(0, 12)}…, not of the state you sent; open a new review of it`, {
        reviewed: row.contentHash,
      });
    }
    const by = personOf(access);
    const decided = await insertDecision(db, { reviewId: row.id, by, decision: body.decision as Decision, comment, contentHash: row.contentHash });
    const review = (await getReview(approval, id, row.id, await current(id)))!;
    push(id, 'review', { action: 'decided', review: { ...review, diff: undefined } });
    deps.onDecision?.({ configId: id, decisionId: decided.id, decision: body.decision as Decision, review: { id: row.id, title: review.title ?? null, contentHash: row.contentHash }, by, at: decided.at });
    return c.json(review);
  });

  app.get('/:id/approval', async (c) => {
    const id = c.req.param('id');
    await allow(c, 'read');
    const { contentHash: hash } = await current(id);
    const [check, { organisation }] = await withConfigTenant(db, id, async (tx) => [await checkBuildApproval({ ...approval, db: tx }, id, hash), await getReviewSettings(tx, id)] as const);
    return c.json({ ...check, required: check.ok ? check.required : true, contentHash: hash, organisation });
  });

  app.get('/:id/settings', async (c) => {
    const id = c.req.param('id');
    await allow(c, 'read');
    return c.json(await withConfigTenant(db, id, (tx) => getReviewSettings(tx, id)));
  });

  // The schema the API description declares (review/api-spec.ts).
  const readSettings = validatedBody<{ requireApproval?: boolean; requiredApprovals?: number }>(REVIEW_SETTINGS_BODY);
  app.put('/:id/settings', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, 'configureReview');
    const body = await readSettings(c);
    // A configuration may only tighten its organisation's policy (server/policies/).
    const looser = looserThanOrg(body, (await getReviewSettings(db, id)).organisation);
    if (looser) throw invalid(looser.path, looser.message, 'organisationPolicy');
    await setReviewSettings(db, id, {
      ...(body.requireApproval !== undefined ? { requireApproval: body.requireApproval } : {}),
      ...(body.requiredApprovals !== undefined ? { requiredApprovals: body.requiredApprovals } : {}),
    });
    const settings = await getReviewSettings(db, id);
    push(id, 'settings', settings);
    await deps.audit.record({ action: 'review_settings.changed', ...auditActorOf(c.get('actor'), access), configId: id, target: { ...body, now: settings } });
    return c.json(settings);
  });

  return app;
}
