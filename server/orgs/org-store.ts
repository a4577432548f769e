/**
 * Organisations and their members in Postgres (shared/node/db/orgs-schema.ts). The foundation
 * the organisation routes, teams, policies and the audit log build on: create an organisation
 * (its creator is its first owner), list a person's organisations, read a person's organisation
 * role, add or change a member.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { organisations, orgMembers } from '../../shared/node/db/orgs-schema.ts';
import { isOrgRole, type OrgRole } from '../../shared/org-roles.ts';
import { isRole, isShareRole, type Role, type ShareRole } from '../../shared/roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';

/** Longest organisation name: a label in the top bar, not a document. */
export const ORG_NAME_MAX = 80;

export interface Organisation {
  id: string;
  name: string;
  createdAt: Date;
}

export interface OrgMembership extends Organisation {
  role: OrgRole;
}

/** An organisation's policies (orgs-schema.ts `organisations`): defaults its configurations may
 * only tighten. */
export interface OrgPolicies {
  memberRole: Role | null;
  requireApproval: boolean;
  requiredApprovals: number;
  allowedLinkRoles: ShareRole[];
  maxLinkLifetimeMs: number | null;
  configCreators: 'members' | 'admins';
  auditRetentionDays: number;
}

export function createOrgStore(db: Db) {
  return {
    /** A new organisation with `ownerId` as its first owner, in one transaction. */
    async create(name: string, ownerId: string): Promise<Organisation> {
      return db.transaction(async (tx) => {
        const [org] = await tx.insert(organisations).values({ name, createdBy: ownerId }).returning({ id: organisations.id, name: organisations.name, createdAt: organisations.createdAt });
        await tx.insert(orgMembers).values({ orgId: org.id, userId: ownerId, role: 'owner' });
        return org;
      });
    },

    /** The organisations a person belongs to, with their role in each, by name. */
    async listFor(userId: string): Promise<OrgMembership[]> {
      const rows = await db
        .select({ id: organisations.id, name: organisations.name, createdAt: organisations.createdAt, role: orgMembers.role })
        .from(orgMembers)
        .innerJoin(organisations, eq(organisations.id, orgMembers.orgId))
        .where(and(eq(orgMembers.userId, userId), isNull(organisations.deletedAt)))
        .orderBy(asc(organisations.name));
      return rows.filter((r) => isOrgRole(r.role)).map((r) => ({ ...r, role: r.role as OrgRole }));
    },

    /** A person's role in an organisation; null when not a member or no such (live) organisation. */
    async roleOf(orgId: string, userId: string): Promise<OrgRole | null> {
      if (!isUuid(orgId)) return null;
      const [row] = await db
        .select({ role: orgMembers.role })
        .from(orgMembers)
        .innerJoin(organisations, eq(organisations.id, orgMembers.orgId))
        .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId), isNull(organisations.deletedAt)));
      return row && isOrgRole(row.role) ? row.role : null;
    },

    /** A live organisation's name and policies; null when there is none with that id. */
    async get(orgId: string): Promise<(Organisation & { policies: OrgPolicies }) | null> {
      if (!isUuid(orgId)) return null;
      const [row] = await db.select().from(organisations).where(and(eq(organisations.id, orgId), isNull(organisations.deletedAt)));
      if (!row) return null;
      return {
        id: row.id,
        name: row.name,
        createdAt: row.createdAt,
        policies: {
          memberRole: isRole(row.memberRole) ? row.memberRole : null,
          requireApproval: row.requireApproval,
          requiredApprovals: row.requiredApprovals,
          allowedLinkRoles: row.allowedLinkRoles.filter(isShareRole),
          maxLinkLifetimeMs: row.maxLinkLifetimeMs,
          configCreators: row.configCreators === 'admins' ? 'admins' : 'members',
          auditRetentionDays: row.auditRetentionDays,
        },
      };
    },

    /** Adds a member, or changes the role of one already there. */
    async setMember(orgId: string, userId: string, role: OrgRole, invitedBy: string | null = null): Promise<void> {
      await db
        .insert(orgMembers)
        .values({ orgId, userId, role, invitedBy })
        .onConflictDoUpdate({ target: [orgMembers.orgId, orgMembers.userId], set: { role } });
    },
  };
}

export type OrgStore = ReturnType<typeof createOrgStore>;
