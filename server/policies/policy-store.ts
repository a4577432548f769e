/**
 * Organisation policies in Postgres (columns of `organisations`, shared/node/db/orgs-schema.ts):
 * the rules a configuration's organisation sets for it, and changing them. A change that
 * tightens the link policy brings the organisation's existing links in line in the same
 * transaction (policy-rules.ts `linkAfterTightening`), so no link outlives the policy that
 * forbids it; the caller announces the changed links after commit.
 */
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { shareLinks } from '../../shared/node/db/auth-schema.ts';
import { organisations, orgMembers } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { isRole, isShareRole } from '../../shared/roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';
import type { OrgPolicies } from '../orgs/org-store.ts';
import { effectiveRule, linkAfterTightening, type LinkPolicy, type OrgRule, type ReviewRule } from './policy-rules.ts';

/** The policies an organisation admin may change (`PUT /api/orgs/:orgId/policies`). */
export type PolicyPatch = Partial<Pick<OrgPolicies, 'memberRole' | 'requireApproval' | 'requiredApprovals' | 'allowedLinkRoles' | 'maxLinkLifetimeMs' | 'configCreators'>>;

type OrgRow = typeof organisations.$inferSelect;

export function policiesOfRow(row: OrgRow): OrgPolicies {
  return {
    memberRole: isRole(row.memberRole) ? row.memberRole : null,
    requireApproval: row.requireApproval,
    requiredApprovals: row.requiredApprovals,
    allowedLinkRoles: row.allowedLinkRoles.filter(isShareRole),
    maxLinkLifetimeMs: row.maxLinkLifetimeMs,
    configCreators: row.configCreators === 'admins' ? 'admins' : 'members',
    auditRetentionDays: row.auditRetentionDays,
  };
}

export interface RevokedLink {
  id: string;
  configId: string;
  role: string;
}
export interface ClippedLink {
  id: string;
  configId: string;
  from: Date | null;
  to: Date;
}

export interface PolicyChange {
  orgName: string;
  before: OrgPolicies;
  after: OrgPolicies;
  revoked: RevokedLink[];
  clipped: ClippedLink[];
}

const liveOrg = (orgId: string) => and(eq(organisations.id, orgId), isNull(organisations.deletedAt));

/** A configuration's own review settings and its organisation's row (live; null for a personal
 * configuration), or null when there is no such configuration. */
async function orgOfConfig(db: Db, configId: string): Promise<{ own: ReviewRule; org: OrgRow | null } | null> {
  if (!isUuid(configId)) return null;
  const [row] = await db
    .select({ requireApproval: configs.requireApproval, requiredApprovals: configs.requiredApprovals, org: organisations })
    .from(configs)
    .leftJoin(organisations, and(eq(organisations.id, configs.orgId), isNull(organisations.deletedAt)))
    .where(eq(configs.id, configId));
  if (!row) return null;
  return { own: { requireApproval: row.requireApproval, requiredApprovals: row.requiredApprovals }, org: row.org };
}

export interface ReviewRules {
  own: ReviewRule;
  /** The organisation's approval policy; null for a personal configuration. */
  org: OrgRule | null;
  /** What applies: `own` tightened by `org` (policy-rules.ts `effectiveRule`). */
  effective: ReviewRule;
}

/** The review rules of a configuration (null when there is no such configuration): what the
 * approval gate, the tally of approvals and the settings route all read. */
export async function reviewRulesOf(db: Db, configId: string): Promise<ReviewRules | null> {
  const found = await orgOfConfig(db, configId);
  if (!found) return null;
  const { org } = found;
  const orgRule = org ? { orgId: org.id, name: org.name, requireApproval: org.requireApproval, requiredApprovals: org.requiredApprovals } : null;
  return { own: found.own, org: orgRule, effective: effectiveRule(found.own, orgRule) };
}

export function createPolicyStore(db: Db) {
  const orgOf = (configId: string) => orgOfConfig(db, configId);
  return {
    reviewRulesOf: (configId: string) => reviewRulesOf(db, configId),

    /** The link policy of a configuration's organisation; null for a personal configuration. */
    async linkPolicyOf(configId: string): Promise<LinkPolicy | null> {
      const org = (await orgOf(configId))?.org;
      if (!org) return null;
      const p = policiesOfRow(org);
      return { orgName: org.name, allowedLinkRoles: p.allowedLinkRoles, maxLinkLifetimeMs: p.maxLinkLifetimeMs };
    },

    /**
     * Changes an organisation's policies and, in the same transaction, revokes the links of its
     * configurations whose role it no longer allows and brings in the expiry of those that
     * outlive its maximum. Null when there is no such (live) organisation.
     */
    async update(orgId: string, patch: PolicyPatch, now = Date.now()): Promise<PolicyChange | null> {
      if (!isUuid(orgId)) return null;
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(organisations).where(liveOrg(orgId)).for('update');
        if (!row) return null;
        const before = policiesOfRow(row);
        const [updated] = Object.keys(patch).length ? await tx.update(organisations).set(patch).where(eq(organisations.id, orgId)).returning() : [row];
        const after = policiesOfRow(updated);
        const revoked: RevokedLink[] = [];
        const clipped: ClippedLink[] = [];
        const links = await tx
          .select({ id: shareLinks.id, configId: shareLinks.configId, role: shareLinks.role, expiresAt: shareLinks.expiresAt })
          .from(shareLinks)
          .innerJoin(configs, eq(configs.id, shareLinks.configId))
          .where(and(eq(configs.orgId, orgId), isNull(shareLinks.revokedAt), or(isNull(shareLinks.expiresAt), gt(shareLinks.expiresAt, new Date(now)))));
        for (const link of links) {
          const fate = linkAfterTightening(after, link, now);
          if (!fate) continue;
          if ('revoke' in fate) revoked.push({ id: link.id, configId: link.configId, role: link.role });
          else clipped.push({ id: link.id, configId: link.configId, from: link.expiresAt, to: fate.expiresAt });
        }
        if (revoked.length) await tx.update(shareLinks).set({ revokedAt: new Date(now) }).where(inArray(shareLinks.id, revoked.map((l) => l.id)));
        // One expiry for all of them: the maximum counted from this change.
        if (clipped.length) await tx.update(shareLinks).set({ expiresAt: clipped[0].to }).where(inArray(shareLinks.id, clipped.map((l) => l.id)));
        return { orgName: row.name, before, after, revoked, clipped };
      });
    },

    /** Everyone in the organisation (whose role on its configurations `member_role` decides). */
    async memberIds(orgId: string): Promise<string[]> {
      const rows = await db.select({ id: orgMembers.userId }).from(orgMembers).where(eq(orgMembers.orgId, orgId));
      return rows.map((r) => r.id);
    },

    /** The organisation's configurations (the trash included: a restored one keeps the rule). */
    async configIds(orgId: string): Promise<string[]> {
      const rows = await db.select({ id: configs.id }).from(configs).where(eq(configs.orgId, orgId));
      return rows.map((r) => r.id);
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;

