/**
 * Which approvals count. An approval means someone else looked: it counts only from a signed-in
 * person who holds at least the commenter role on the configuration now, did not open the review,
 * and changed nothing in the reviewed content since the last approved version. A guest on a share
 * link never counts (anyone holding the link could be behind it). Each reviewer's latest decision
 * is theirs; any "request changes" holds the review; otherwise it is approved once the approvals
 * that count reach the configuration's `requiredApprovals`.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { users } from '../../shared/node/db/auth-schema.ts';
import { configVersions, type reviewDecisions, type reviews } from '../../shared/node/db/review-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import type { NotCountedCode, ReviewStatus } from '../../shared/history-types.ts';
import { isRole, roleRank, type Role } from '../../shared/roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import { isGuestPersonId } from '../access/policy.ts';
import type { Db } from '../db/connect.ts';
import { authorsBetween } from '../history/change-log.ts';
import { reviewRulesOf } from '../policies/policy-store.ts';

/** Most approvals a configuration may require: more than a team this size reviews with is a
 * setting that would stop every build. */
export const MAX_REQUIRED_APPROVALS = 10;

type ReviewRow = typeof reviews.$inferSelect;
type DecisionRow = typeof reviewDecisions.$inferSelect;

/** Who changed a configuration between two moments (the change log; see ChangeLog.authorsBetween). */
export type AuthorLookup = (configId: string, from: Date | null, to: Date) => Promise<Set<string>>;

export interface ApprovalDeps {
  db: Db;
  /** Default: the stored change log only (entries still in a process's memory are not seen). */
  authors?: AuthorLookup;
}

export const NOT_COUNTED_WORDS: Record<NotCountedCode, string> = {
  guest: 'approvals through a share link do not count; a signed-in member must approve',
  opener: 'opened this review; someone else must approve it',
  author: 'changed this content since the last approved version; someone else must approve it',
  role: 'is not a member with the commenter role or higher',
};

interface Tally {
  status: ReviewStatus;
  counted: number;
  required: number;
  /** Why an approval decision does not count, by decision id (absent: it counts). */
  notCounted: Map<string, NotCountedCode>;
}

interface ReviewFacts {
  openerId: string | null;
  authors: Set<string>;
  roles: Map<string, Role>;
}

export function whyNotCounted(personId: string | null, facts: ReviewFacts): NotCountedCode | null {
  if (!personId || isGuestPersonId(personId)) return 'guest';
  if (personId === facts.openerId) return 'opener';
  if (facts.authors.has(personId)) return 'author';
  const role = facts.roles.get(personId);
  if (!role || roleRank(role) < roleRank('commenter')) return 'role';
  return null;
}

const reviewerKey = (d: DecisionRow) => d.byId ?? `name:${d.byName}`;

export function tally(decisions: DecisionRow[], facts: ReviewFacts, required: number): Tally {
  const notCounted = new Map<string, NotCountedCode>();
  for (const d of decisions) {
    if (d.decision !== 'approve') continue;
    const why = whyNotCounted(d.byId, facts);
    if (why) notCounted.set(d.id, why);
  }
  const latest = new Map<string, DecisionRow>();
  for (const d of [...decisions].sort((a, b) => a.at.getTime() - b.at.getTime())) latest.set(reviewerKey(d), d);
  const finals = [...latest.values()];
  const counted = finals.filter((d) => d.decision === 'approve' && !notCounted.has(d.id)).length;
  const status: ReviewStatus = finals.some((d) => d.decision === 'request_changes') ? 'changes_requested' : counted >= required ? 'approved' : 'open';
  return { status, counted, required, notCounted };
}

/** Roles people hold on a configuration now: the effective role (ownership, membership, team
 * grants and the organisation, the one definition `boardroom_effective_role`), and instance admins
 * own everything (ADMIN_POWERS.approveAsOwner, server/access/admin-powers.ts). */
async function rolesOn(db: Db, configId: string, userIds: string[]): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  const ids = userIds.filter(isUuid);
  if (ids.length === 0) return roles;
  const rows = (await db.execute(
    sql`select u.id::text as id, boardroom_effective_role(${configId}::uuid, u.id) as role from users u where u.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
  )) as unknown as { rows?: Array<{ id: string; role: string | null }> } | Array<{ id: string; role: string | null }>;
  for (const r of Array.isArray(rows) ? rows : (rows.rows ?? [])) if (isRole(r.role)) roles.set(r.id, r.role);
  const admins = await db.select({ id: users.id }).from(users).where(and(inArray(users.id, ids), eq(users.isAdmin, true)));
  for (const a of admins) roles.set(a.id, 'owner');
  return roles;
}

/** Approvals that count needed: the configuration's, or more when its organisation requires more
 * (server/policies/policy-rules.ts `effectiveRule`). */
export async function requiredApprovalsOf(db: Db, configId: string): Promise<number> {
  return (await reviewRulesOf(db, configId))?.effective.requiredApprovals ?? 1;
}

/**
 * The tally of each review (all of one configuration). The "last approved version" a review's
 * authors are counted from is its base when that base is an approved review's state; when the
 * base is only a build (nothing approved before), every change since the configuration began
 * counts.
 */
export async function tallyReviews(deps: ApprovalDeps, rows: ReviewRow[], decisions: Map<string, DecisionRow[]>): Promise<Map<string, Tally>> {
  const result = new Map<string, Tally>();
  if (rows.length === 0) return result;
  const { db } = deps;
  const configId = rows[0].configId;
  const authors = deps.authors ?? ((id, from, to) => authorsBetween(db, id, from, to));
  const required = await requiredApprovalsOf(db, configId);
  const versionIds = [...new Set(rows.flatMap((r) => (r.baseVersionId ? [r.versionId, r.baseVersionId] : [r.versionId])))];
  const versions = await db
    .select({ id: configVersions.id, kind: configVersions.kind, createdAt: configVersions.createdAt })
    .from(configVersions)
    .where(inArray(configVersions.id, versionIds));
  const byId = new Map(versions.map((v) => [v.id, v]));
  const people = [...new Set(rows.flatMap((r) => (decisions.get(r.id) ?? []).map((d) => d.byId).filter((id): id is string => !!id)))];
  const roles = await rolesOn(db, configId, people);
  for (const r of rows) {
    const base = r.baseVersionId ? byId.get(r.baseVersionId) : undefined;
    const from = base?.kind === 'review' ? base.createdAt : null;
    const to = byId.get(r.versionId)?.createdAt ?? r.openedAt;
    const ds = decisions.get(r.id) ?? [];
    // Nobody approved yet: no need to ask the change log.
    const facts = { openerId: r.openedById, authors: ds.some((d) => d.decision === 'approve') ? await authors(configId, from, to) : new Set<string>(), roles };
    result.set(r.id, tally(ds, facts, required));
  }
  return result;
}
