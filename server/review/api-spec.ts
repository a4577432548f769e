/** Route descriptions of comments, reviews and approval settings (docs/architecture.md, "REST API description"). */
import { arrayOf, bool, int, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';
import { MAX_REQUIRED_APPROVALS } from './approval-rules.ts';
import { DECISIONS, MAX_DECISION_COMMENT_LENGTH, MAX_REVIEW_TITLE_LENGTH } from './reviews.ts';

/** `PUT …/settings`: at least one of the two, nothing else. */
export const REVIEW_SETTINGS_BODY = obj(
  { requireApproval: bool, requiredApprovals: int({ minimum: 1, maximum: MAX_REQUIRED_APPROVALS }) },
  [],
  { additionalProperties: false, minProperties: 1 },
);
/** The approval policy of the configuration's organisation (null for a personal configuration). */
const orgRule = nullable(obj({ orgId: uuid, name: str(), requireApproval: bool, requiredApprovals: int({ minimum: 1 }) }, ['orgId', 'name', 'requireApproval', 'requiredApprovals']));
const reviewSettings = obj({ requireApproval: bool, requiredApprovals: int(), organisation: orgRule }, ['requireApproval', 'requiredApprovals', 'organisation']);

/** `POST …/reviews`: an optional title (trimmed; empty or absent: "Review"). */
export const NEW_REVIEW_BODY = obj({ title: nullable(str({ maxLength: MAX_REVIEW_TITLE_LENGTH })) });

/** `POST …/reviews/:reviewId/decision`: the comment is trimmed after; a `contentHash` that is not
 * the review's answers 409 `review_stale`. */
export const DECISION_BODY = obj(
  { decision: oneOfStrings(DECISIONS), comment: nullable(str({ maxLength: MAX_DECISION_COMMENT_LENGTH })), contentHash: str() },
  ['decision'],
);

/** Where a thread hangs; its fields are checked by the route, which names them (`/anchor/path`) in its answer. */
const ANCHOR = obj({
  path: { description: 'A JSON Pointer such as /BOARD (a field that exists), or #files/<path> for a line of a text file of the userpatches tree.' },
  schemaVersion: { description: 'A short string; default the current schema version.' },
  position: { description: 'With #files/<path>: the start of the line as an encoded Yjs relative position, base64 (shared/files/file-line-anchor.ts). It must point into that file; the line number is worked out from it.' },
});

/** `POST …/comments`: a new thread (`anchor`, optionally in a review) or a reply (`threadId`);
 * the text's length, the anchor's path and the thread's existence are checked after. */
export const NEW_COMMENT_BODY = obj(
  {
    body: str(),
    // Its fields are checked by the route, which names them (`/anchor/path`) in its answer.
    anchor: nullable(ANCHOR),
    threadId: str(),
    reviewId: nullable(str()),
  },
  ['body'],
);
/** `PATCH …/comments/:commentId`: resolve or reopen the thread, edit the comment's text, and/or
 * (editors, a file-line thread's first comment) move the thread to a line of a file — what a
 * rename of the file does. */
export const COMMENT_PATCH_BODY = obj({ resolved: bool, body: str(), anchor: ANCHOR }, [], { minProperties: 1 });

const thread = obj({ id: uuid }, ['id']);
const review = obj({ id: uuid }, ['id']);

export const reviewApi: ApiSpec = {
  tag: 'review',
  description: 'Comment threads anchored to fields, reviews of a state, approvals that builds may require.',
  operations: {
    'GET /api/configs/:id/comments': {
      summary: 'Comment threads',
      access: { action: 'read' },
      query: { resolved: { schema: str() }, reviewId: { schema: str() }, path: { schema: str() } },
      responses: { 200: json(arrayOf(thread)) },
    },
    'POST /api/configs/:id/comments': {
      summary: 'Start a thread or reply to one',
      access: { action: 'comment' },
      body: NEW_COMMENT_BODY,
      responses: { 201: json(thread, 'Posted') },
    },
    'PATCH /api/configs/:id/comments/:commentId': {
      summary: 'Resolve or reopen a thread, edit my comment\'s text, or move a file-line thread (editors)',
      access: { action: 'comment' },
      body: COMMENT_PATCH_BODY,
      responses: { 200: json(thread) },
    },
    'GET /api/configs/:id/reviews': { summary: 'Reviews', access: { action: 'read' }, query: { limit: { schema: str({ pattern: '^[0-9]+$' }) } }, responses: { 200: json(arrayOf(obj({ id: uuid, title: str(), contentHash: str() }, ['id']))) } },
    'GET /api/configs/:id/reviews/:reviewId': { summary: 'A review', access: { action: 'read' }, responses: { 200: json(review) } },
    'POST /api/configs/:id/reviews': { summary: 'Open a review of the current state', access: { action: 'openReview' }, body: NEW_REVIEW_BODY, bodyOptional: true, responses: { 201: json(review, 'Opened') } },
    'POST /api/configs/:id/reviews/:reviewId/decision': {
      summary: 'Approve or request changes',
      access: { action: 'decide' },
      body: DECISION_BODY,
      responses: { 200: json(review) },
    },
    'GET /api/configs/:id/approval': {
      summary: 'Whether the current state is approved for building (and what the organisation requires)',
      access: { action: 'read' },
      responses: { 200: json(obj({ required: bool, contentHash: str(), organisation: orgRule }, ['required'])) },
    },
    'GET /api/configs/:id/settings': { summary: 'Review settings that apply, and the organisation policy they may only tighten', access: { action: 'read' }, responses: { 200: json(reviewSettings) } },
    'PUT /api/configs/:id/settings': {
      summary: 'Whether builds need approval, and how many',
      access: { action: 'configureReview' },
      body: REVIEW_SETTINGS_BODY,
      description: 'Refused (422, naming the policy) when it would loosen the rule below the organisation policy.',
      responses: { 200: json(reviewSettings) },
    },
  },
};
