/**
 * The JSON the history and review API answers with, and the live events it pushes to `?ext=1`
 * clients (`MessageType.event`, payloads with `type` change | version | comment | review |
 * settings). Types only: the server builds these, the History and Review panels read them.
 */
import type { CommentAnchor, DetachedReason } from './comment-anchor.ts';
import type { DiffEntry } from './config-diff.ts';

export type PersonKind = 'user' | 'guest' | 'server';

/** Who did something, as recorded then: a user id, `share:<link id>` / `guest:<id>` for guests,
 * null for the server itself (shape repairs). */
export interface Person {
  id: string | null;
  name: string;
  kind: PersonKind;
}

/** `edit`: text typed into (a free-text field or the notes), described by `edits`. */
export type ChangeOp = 'add' | 'remove' | 'change' | 'edit';

/** A place in a text where one person's burst deleted `delete` and inserted `insert`, at
 * character `at` (UTF-16 units) of the text as it was when the burst ended. A text too long to
 * keep is its start, with its full length in `insertLength` / `deleteLength`. */
export interface TextEdit {
  at: number;
  insert?: string;
  delete?: string;
  insertLength?: number;
  deleteLength?: number;
}

/** One change-log entry (`GET /api/configs/:id/history`). */
export interface ChangeView {
  id: string;
  /** Cursor: pass as `before` to get older entries. */
  seq: number;
  /** JSON Pointer of the field, or `#notes` for the rich-text notes (no values). */
  path: string;
  op: ChangeOp;
  /** The value before and after (null: absent; both null for op `edit`). A value too long to keep
   * is `{ "$omitted": <characters> }`. Entries recorded before text edits existed: for multi-line
   * text, only the part that changed, starting at character `offset` of the text. */
  before: unknown;
  after: unknown;
  offset?: number;
  /** Op `edit`: what was inserted and deleted where, in text order. */
  edits?: TextEdit[];
  author: Person;
  /** Present when several people changed the (non-text) field at the same moment. */
  coauthors?: Person[];
  /** sync (a live edit) | rest (PUT data) | restore | server (a repair) */
  source: string;
  /** Transactions folded into this entry. */
  changes: number;
  startedAt: string;
  at: string;
}

/** `GET /api/configs/:id/history/last`: per path. */
export interface LastChange {
  author: Person;
  at: string;
  source: string;
}

export type VersionKind = 'manual' | 'build' | 'review';

export interface VersionMeta {
  id: string;
  configId: string;
  kind: VersionKind;
  label: string;
  buildId: string | null;
  createdBy: Person;
  createdAt: string;
  /** sha256 (hex) of the canonical JSON of the version's configuration. */
  contentHash: string;
  schemaVersion: string;
}

export interface CommentView {
  id: string;
  author: Person;
  body: string;
  createdAt: string;
  editedAt: string | null;
}

/** A thread: its first comment's id, anchor and resolved state, and every comment in order. */
export interface ThreadView {
  id: string;
  /** null: the configuration as a whole. */
  anchor: CommentAnchor | null;
  reviewId: string | null;
  /** Worked out against the configuration when the thread was read or pushed. */
  detached: boolean;
  /** File-line threads: the line the thread is on in the file now (clients work it out live from
   * their own document; this is the server's answer when it was read). */
  line?: number;
  detachedReason?: DetachedReason;
  resolved: boolean;
  resolvedBy: Person | null;
  resolvedAt: string | null;
  createdAt: string;
  /** Time of the newest comment. */
  updatedAt: string;
  comments: CommentView[];
}

export type Decision = 'approve' | 'request_changes';
export type ReviewStatus = 'open' | 'approved' | 'changes_requested';

/** Why an approval does not count: a share-link guest, the review's opener, someone who changed
 * the content since the last approved version, or not (or no longer) a member of commenter rank. */
export type NotCountedCode = 'guest' | 'opener' | 'author' | 'role';

export interface DecisionView {
  by: Person;
  decision: Decision;
  comment: string | null;
  at: string;
  /** The state decided on: always the review's content hash. */
  contentHash: string;
  /** For approvals: false when it does not count towards the required approvals, with why. */
  counts?: boolean;
  notCounted?: { code: NotCountedCode; reason: string };
}

export interface ReviewView {
  id: string;
  configId: string;
  title: string;
  /** The reviewed state, frozen as version `versionId`. */
  contentHash: string;
  versionId: string;
  /** What it is compared with: the last approved state, else the last built one, else nothing. */
  baseVersionId: string | null;
  status: ReviewStatus;
  /** Approvals that count (each reviewer's latest decision) and how many the configuration needs. */
  approvals: { counted: number; required: number };
  openedBy: Person;
  openedAt: string;
  decisions: DecisionView[];
  /** The configuration now, compared with the reviewed state. */
  current: { contentHash: string; changed: boolean };
  /** Approved, and the configuration changed since: the approval does not cover what is there now. */
  changedSinceApproval: boolean;
  /** Reviewed state → now (empty when unchanged). */
  changesSinceReview: DiffEntry[];
  /** Base → reviewed state: what the reviewers are asked to look at (`GET …/reviews/:reviewId`). */
  diff?: DiffEntry[];
}

/** `GET /api/configs/:id/approval`: may the current state be built, and if not, why (the Build
 * button's tooltip). */
export interface ApprovalView {
  ok: boolean;
  required: boolean;
  contentHash: string;
  code?: 'approval_required' | 'not_found';
  reason?: string;
  reviewId?: string;
}

/** Live events (`MessageType.event`) of history and review. */
export type HistoryEvent =
  /** A burst of changes to a field started (no values yet) or ended (final entry). */
  | { type: 'change'; action: 'started'; entry: Pick<ChangeView, 'id' | 'seq' | 'path' | 'author' | 'source' | 'startedAt'> }
  | { type: 'change'; action: 'closed'; entry: ChangeView }
  /** A burst that ended as no change at all (typed and deleted again): it leaves the timeline. */
  | { type: 'change'; action: 'retracted'; id: string }
  | { type: 'version'; action: 'created'; version: VersionMeta }
  | { type: 'version'; action: 'restored'; versionId: string; label: string; path: string | null; changes: DiffEntry[]; by: Person }
  | { type: 'comment'; action: 'created' | 'updated'; thread: ThreadView }
  /** `review.diff` is left out of events; fetch the review for it. */
  | { type: 'review'; action: 'opened' | 'decided'; review: ReviewView }
  /** The settings that apply; `organisation` is the policy of the configuration's organisation
   * (a floor the configuration may only tighten), absent or null for a personal one. */
  | { type: 'settings'; requireApproval: boolean; requiredApprovals?: number; organisation?: OrgReviewRule | null };

/** An organisation's approval policy as a configuration's review settings show it. */
export interface OrgReviewRule {
  orgId: string;
  name: string;
  requireApproval: boolean;
  requiredApprovals: number;
}
