/**
 * Review sessions. A review is of one exact state: opening it freezes the configuration as a
 * version and pins its content hash. Reviewers compare it with the last approved state (or, when
 * nothing was approved yet, the last built one), comment, and approve or request changes. An
 * approval is of that hash only: when the configuration changes afterwards the review says so,
 * with the diff, and a build that requires approval is refused until the new state is approved.
 *
 * Status: each reviewer's latest decision is theirs. Any "request changes" among them makes the
 * review `changes_requested`; otherwise enough approvals *that count* (approval-rules.ts: not the
 * opener's, not an author's, not a guest's) make it `approved`; otherwise it is `open`.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { diffConfigs, type DiffEntry } from '../../shared/config-diff.ts';
import { diffTrees } from '../../shared/files/file-diff.ts';
import { readTreeOfState } from '../../shared/files/file-tree.ts';
import { configVersions, reviewDecisions, reviews } from '../../shared/node/db/review-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { configSchema } from '../../shared/validation/index.ts';
import type { Db } from '../db/connect.ts';
import type { Decision, DecisionView, ReviewStatus, ReviewView } from '../../shared/history-types.ts';
import { personView, type Person } from '../history/people.ts';
import { NOT_COUNTED_WORDS, tallyReviews, type ApprovalDeps } from './approval-rules.ts';
import { reviewRulesOf } from '../policies/policy-store.ts';
import type { OrgRule } from '../policies/policy-rules.ts';

export type { Decision, DecisionView, ReviewStatus, ReviewView };
export type { ApprovalDeps };
import { isUuid } from '../../shared/uuid.ts';

export const MAX_REVIEW_TITLE_LENGTH = 200;
/** The note that goes with a decision ("LGTM", or what to change). */
export const MAX_DECISION_COMMENT_LENGTH = 10_000;
export const REVIEWS_PAGE_DEFAULT = 20;
export const REVIEWS_PAGE_MAX = 100;
/** How far back the base of a new review (the last approved state) is looked for. */
const BASE_LOOKBACK_REVIEWS = 200;
/** Reviews tallied per round while looking for that base: usually the newest approved one is
 * among the first few. */
const BASE_TALLY_CHUNK = 10;

export const DECISIONS = ['approve', 'request_changes'] as const satisfies readonly Decision[];

type ReviewRow = typeof reviews.$inferSelect;
type DecisionRow = typeof reviewDecisions.$inferSelect;

async function decisionsOf(db: Db, reviewIds: string[]): Promise<Map<string, DecisionRow[]>> {
  const byReview = new Map<string, DecisionRow[]>(reviewIds.map((id) => [id, []]));
  if (reviewIds.length === 0) return byReview;
  const rows = await db.select().from(reviewDecisions).where(inArray(reviewDecisions.reviewId, reviewIds)).orderBy(reviewDecisions.at);
  for (const r of rows) byReview.get(r.reviewId)?.push(r);
  return byReview;
}

/** A reviewed state: the configuration and the Yjs state its userpatches tree is read from. */
interface ReviewedState {
  json: Record<string, unknown>;
  yjsState: Uint8Array;
}

async function versionStates(db: Db, versionIds: string[]): Promise<Map<string, ReviewedState>> {
  if (versionIds.length === 0) return new Map();
  const rows = await db
    .select({ id: configVersions.id, json: configVersions.configJson, yjsState: configVersions.yjsState })
    .from(configVersions)
    .where(inArray(configVersions.id, versionIds));
  return new Map(rows.map((r) => [r.id, { json: r.json as Record<string, unknown>, yjsState: r.yjsState }]));
}

const EMPTY_STATE: ReviewedState = { json: {}, yjsState: new Uint8Array() };

/** What changed between two states, over everything a build reads (what the content hash and so
 * an approval cover): the configuration's settings and its userpatches tree, file by file. */
function changesBetween(before: ReviewedState, after: ReviewedState): DiffEntry[] {
  return [...diffConfigs(before.json, after.json, configSchema), ...diffTrees(readTreeOfState(before.yjsState), readTreeOfState(after.yjsState))];
}

export interface CurrentState {
  json: Record<string, unknown>;
  /** The durable Yjs state (its userpatches tree is diffed too). */
  yjsState: Uint8Array;
  contentHash: string;
}

async function views(deps: ApprovalDeps, rows: ReviewRow[], current: CurrentState, withDiff: boolean): Promise<ReviewView[]> {
  const { db } = deps;
  const decisions = await decisionsOf(db, rows.map((r) => r.id));
  const tallies = await tallyReviews(deps, rows, decisions);
  const ids = new Set(rows.map((r) => r.versionId));
  if (withDiff) for (const r of rows) if (r.baseVersionId) ids.add(r.baseVersionId);
  const states = await versionStates(db, [...ids]);
  return rows.map((r) => {
    const ds = decisions.get(r.id) ?? [];
    const tally = tallies.get(r.id)!;
    const status = tally.status;
    const reviewed = states.get(r.versionId) ?? EMPTY_STATE;
    const changed = current.contentHash !== r.contentHash;
    const view: ReviewView = {
      id: r.id,
      configId: r.configId,
      title: r.title,
      contentHash: r.contentHash,
      versionId: r.versionId,
      baseVersionId: r.baseVersionId,
      status,
      approvals: { counted: tally.counted, required: tally.required },
      openedBy: personView(r.openedById, r.openedByName),
      openedAt: r.openedAt.toISOString(),
      decisions: ds.map((d) => {
        const why = tally.notCounted.get(d.id);
        return {
          by: personView(d.byId, d.byName),
          decision: d.decision as Decision,
          comment: d.comment,
          at: d.at.toISOString(),
          contentHash: d.contentHash,
          ...(d.decision === 'approve' ? { counts: !why } : {}),
          ...(why ? { notCounted: { code: why, reason: `${d.byName} ${NOT_COUNTED_WORDS[why]}` } } : {}),
        };
      }),
      current: { contentHash: current.contentHash, changed },
      changedSinceApproval: status === 'approved' && changed,
      changesSinceReview: changed ? changesBetween(reviewed, current) : [],
    };
    if (withDiff) view.diff = changesBetween(r.baseVersionId ? (states.get(r.baseVersionId) ?? EMPTY_STATE) : EMPTY_STATE, reviewed);
    return view;
  });
}

export async function listReviews(deps: ApprovalDeps, configId: string, current: CurrentState, limit: number): Promise<ReviewView[]> {
  const rows = await deps.db.select().from(reviews).where(eq(reviews.configId, configId)).orderBy(desc(reviews.openedAt)).limit(limit);
  return views(deps, rows, current, false);
}

export async function getReview(deps: ApprovalDeps, configId: string, reviewId: string, current: CurrentState): Promise<ReviewView | null> {
  if (!isUuid(reviewId)) return null;
  const rows = await deps.db.select().from(reviews).where(and(eq(reviews.configId, configId), eq(reviews.id, reviewId)));
  if (rows.length === 0) return null;
  return (await views(deps, rows, current, true))[0];
}

/** The version new reviews compare against: the last approved review's state, else the last build's. */
export async function baseVersionFor(deps: ApprovalDeps, configId: string): Promise<string | null> {
  const { db } = deps;
  const recent = await db
    .select()
    .from(reviews)
    .where(eq(reviews.configId, configId))
    .orderBy(desc(reviews.openedAt))
    .limit(BASE_LOOKBACK_REVIEWS);
  // Only reviews with an approval can be approved; newest first, a few at a time, since telling
  // whether an approval counts reads the change log.
  const decisions = await decisionsOf(db, recent.map((r) => r.id));
  const candidates = recent.filter((r) => (decisions.get(r.id) ?? []).some((d) => d.decision === 'approve'));
  for (let i = 0; i < candidates.length; i += BASE_TALLY_CHUNK) {
    const chunk = candidates.slice(i, i + BASE_TALLY_CHUNK);
    const tallies = await tallyReviews(deps, chunk, decisions);
    const approved = chunk.find((r) => tallies.get(r.id)?.status === 'approved');
    if (approved) return approved.versionId;
  }
  const [built] = await db
    .select({ id: configVersions.id })
    .from(configVersions)
    .where(and(eq(configVersions.configId, configId), eq(configVersions.kind, 'build')))
    .orderBy(desc(configVersions.createdAt))
    .limit(1);
  return built?.id ?? null;
}

export async function insertReview(
  db: Db,
  input: { configId: string; contentHash: string; versionId: string; baseVersionId: string | null; title: string; openedBy: Person },
): Promise<string> {
  const [row] = await db
    .insert(reviews)
    .values({
      configId: input.configId,
      contentHash: input.contentHash,
      versionId: input.versionId,
      baseVersionId: input.baseVersionId,
      title: input.title,
      openedById: input.openedBy.id,
      openedByName: input.openedBy.name,
      openedAt: new Date(),
    })
    .returning({ id: reviews.id });
  return row.id;
}

export async function insertDecision(
  db: Db,
  input: { reviewId: string; by: Person; decision: Decision; comment: string | null; contentHash: string },
): Promise<{ id: string; at: Date }> {
  const [row] = await db.insert(reviewDecisions).values({
    reviewId: input.reviewId,
    byId: input.by.id,
    byName: input.by.name,
    decision: input.decision,
    comment: input.comment,
    contentHash: input.contentHash,
    at: new Date(),
  }).returning({ id: reviewDecisions.id, at: reviewDecisions.at });
  return row;
}

export async function reviewRow(db: Db, configId: string, reviewId: string): Promise<ReviewRow | null> {
  if (!isUuid(reviewId)) return null;
  const [row] = await db.select().from(reviews).where(and(eq(reviews.configId, configId), eq(reviews.id, reviewId)));
  return row ?? null;
}

export type ApprovalCheck =
  | { ok: true; required: boolean; reviewId?: string }
  | { ok: false; code: 'approval_required' | 'not_found'; reason: string; reviewId?: string };

const short = (hash: string) => hash.slice(0, 12);

/**
 * May the state with `contentHash` be built? Always yes when the configuration does not require
 * approval; otherwise only when a review of exactly that hash is approved. The refusal's `reason`
 * is a sentence for the Build button ("why is this disabled").
 */
export async function checkBuildApproval(deps: ApprovalDeps, configId: string, contentHash: string): Promise<ApprovalCheck> {
  const { db } = deps;
  if (!isUuid(configId)) return { ok: false, code: 'not_found', reason: 'unknown configuration' };
  // The effective rule: the configuration's own, tightened by its organisation's policy.
  const rules = await reviewRulesOf(db, configId);
  if (!rules) return { ok: false, code: 'not_found', reason: 'unknown configuration' };
  if (!rules.effective.requireApproval) return { ok: true, required: false };
  const org = rules.org?.requireApproval ? rules.org : null;
  const byOrg = org ? ` (The organisation ${org.name} requires ${org.requiredApprovals === 1 ? 'an approval' : `at least ${org.requiredApprovals} approvals`} before every build.)` : '';
  const ofHash = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.configId, configId), eq(reviews.contentHash, contentHash)))
    .orderBy(desc(reviews.openedAt));
  const decisions = await decisionsOf(db, ofHash.map((r) => r.id));
  const tallies = await tallyReviews(deps, ofHash, decisions);
  const status = (r: ReviewRow) => tallies.get(r.id)?.status;
  const approved = ofHash.find((r) => status(r) === 'approved');
  if (approved) return { ok: true, required: true, reviewId: approved.id };
  const blocked = ofHash.find((r) => status(r) === 'changes_requested');
  if (blocked) {
    const who = [...new Set((decisions.get(blocked.id) ?? []).filter((d) => d.decision === 'request_changes').map((d) => d.byName))];
    return {
      ok: false,
      code: 'approval_required',
      reason: `Changes were requested in the review "${blocked.title}" (by ${who.join(', ')}); this state needs an approval before it is built.${byOrg}`,
      reviewId: blocked.id,
    };
  }
  if (ofHash[0]) {
    const tally = tallies.get(ofHash[0].id)!;
    const missing = tally.required - tally.counted;
    const uncounted = (decisions.get(ofHash[0].id) ?? []).filter((d) => tally.notCounted.has(d.id));
    const why = [...new Map(uncounted.map((d) => [d.byId ?? d.byName, `${d.byName} ${NOT_COUNTED_WORDS[tally.notCounted.get(d.id)!]}`])).values()];
    return {
      ok: false,
      code: 'approval_required',
      reason:
        `The review "${ofHash[0].title}" of this state is waiting for ${missing === 1 ? 'an approval' : `${missing} more approvals`} ` +
        `(${tally.counted} of ${tally.required} counted)${why.length ? `. Not counted: ${why.join('; ')}` : ''}.${byOrg}`,
      reviewId: ofHash[0].id,
    };
  }
  const lastApproved = await baseVersionFor(deps, configId);
  const [approvedReview] = lastApproved
    ? await db.select().from(reviews).where(and(eq(reviews.configId, configId), eq(reviews.versionId, lastApproved)))
    : [];
  if (approvedReview) {
    return {
      ok: false,
      code: 'approval_required',
      reason: `The configuration changed since it was approved (review "${approvedReview.title}" approved ${short(approvedReview.contentHash)}…, this state is ${short(contentHash)}…). Open a review of this state and get it approved.${byOrg}`,
      reviewId: approvedReview.id,
    };
  }
  return {
    ok: false,
    code: 'approval_required',
    reason: `Builds of this configuration need an approved review of the exact state, and this state has not been reviewed. Open a review and get it approved.${byOrg}`,
  };
}

export interface ReviewSettings {
  requireApproval: boolean;
  /** Approvals that count needed before a state may be built (1 to MAX_REQUIRED_APPROVALS). */
  requiredApprovals: number;
}

/** The settings as they apply (the configuration's own tightened by its organisation's policy),
 * and the organisation's policy when the configuration belongs to one: what a client shows as
 * "Required by <organisation>" and will not offer to loosen. */
export interface EffectiveReviewSettings extends ReviewSettings {
  organisation: OrgRule | null;
}

export async function getReviewSettings(db: Db, configId: string): Promise<EffectiveReviewSettings> {
  const rules = await reviewRulesOf(db, configId);
  if (!rules) return { requireApproval: false, requiredApprovals: 1, organisation: null };
  return { ...rules.effective, organisation: rules.org };
}

export async function setReviewSettings(db: Db, configId: string, value: Partial<ReviewSettings>): Promise<ReviewSettings> {
  const [row] = await db
    .update(configs)
    .set(value)
    .where(eq(configs.id, configId))
    .returning({ requireApproval: configs.requireApproval, requiredApprovals: configs.requiredApprovals });
  return row;
}
