/**
 * An organisation's people and its own life (docs/architecture.md, "Organisations"): who is in
 * it with which role, changing a role, removing someone (or leaving), renaming and deleting it.
 *
 * Changes to one organisation's memberships are serialised by locking its row, so two admins
 * demoting the last two owners at once cannot leave it with none: the last owner can never be
 * removed or demoted. Only an owner makes or unmakes an owner.
 */
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { users } from '../../shared/node/db/auth-schema.ts';
import { organisations, orgMembers, teamMembers } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { isOrgRole, type OrgRole } from '../../shared/org-roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../http-errors.ts';

export interface OrgMemberView {
  userId: string;
  name: string;
  email: string;
  role: OrgRole;
  joinedAt: Date;
}

/** A role change or removal that happened: what the audit entry and the invalidation need. */
export interface MembershipChange {
  userId: string;
  from: OrgRole;
  to: OrgRole | null;
}

const unknownMember = () => new ApiError(404, 'not_found', 'unknown member of this organisation');
const lastOwner = () => new ApiError(409, 'last_owner', 'an organisation keeps at least one owner: make someone else owner first');
const ownersOnly = () => new ApiError(403, 'forbidden', 'only an owner may make or unmake an owner');

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function createOrgMembers(db: Db) {
  /** Locks the (live) organisation's row for the rest of the transaction; false when it is gone. */
  async function lockOrg(tx: Tx, orgId: string): Promise<boolean> {
    const rows = await tx.select({ id: organisations.id }).from(organisations).where(and(eq(organisations.id, orgId), isNull(organisations.deletedAt))).for('update');
    return rows.length > 0;
  }

  async function roleIn(tx: Tx, orgId: string, userId: string): Promise<OrgRole | null> {
    const [row] = await tx.select({ role: orgMembers.role }).from(orgMembers).where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)));
    return row && isOrgRole(row.role) ? row.role : null;
  }

  async function ownerCount(tx: Tx, orgId: string): Promise<number> {
    const [row] = await tx.select({ n: count() }).from(orgMembers).where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.role, 'owner')));
    return Number(row?.n ?? 0);
  }

  return {
    async list(orgId: string): Promise<OrgMemberView[]> {
      const rows = await db
        .select({ userId: orgMembers.userId, name: users.name, email: users.email, role: orgMembers.role, joinedAt: orgMembers.createdAt })
        .from(orgMembers)
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(eq(orgMembers.orgId, orgId))
        .orderBy(asc(users.name), asc(users.email));
      return rows.filter((r) => isOrgRole(r.role)) as OrgMemberView[];
    },

    /** Changes a member's role, acting with the caller's organisation role `actorRole`. */
    async setRole(orgId: string, userId: string, role: OrgRole, actorRole: OrgRole): Promise<MembershipChange | null> {
      if (!isUuid(userId)) throw unknownMember();
      return db.transaction(async (tx) => {
        if (!(await lockOrg(tx, orgId))) throw unknownMember();
        const from = await roleIn(tx, orgId, userId);
        if (!from) throw unknownMember();
        if ((from === 'owner' || role === 'owner') && actorRole !== 'owner') throw ownersOnly();
        if (from === role) return null;
        if (from === 'owner' && (await ownerCount(tx, orgId)) <= 1) throw lastOwner();
        await tx.update(orgMembers).set({ role }).where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)));
        return { userId, from, to: role };
      });
    },

    /**
     * Removes a member (or lets them leave: `self`), with their team memberships in this
     * organisation. Their direct roles on configurations stay: those were given one by one.
     */
    async remove(orgId: string, userId: string, actor: { role: OrgRole; self: boolean }): Promise<MembershipChange> {
      if (!isUuid(userId)) throw unknownMember();
      return db.transaction(async (tx) => {
        if (!(await lockOrg(tx, orgId))) throw unknownMember();
        const from = await roleIn(tx, orgId, userId);
        if (!from) throw unknownMember();
        if (from === 'owner' && !actor.self && actor.role !== 'owner') throw ownersOnly();
        if (from === 'owner' && (await ownerCount(tx, orgId)) <= 1) throw lastOwner();
        await tx.delete(teamMembers).where(and(eq(teamMembers.orgId, orgId), eq(teamMembers.userId, userId)));
        await tx.delete(orgMembers).where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)));
        return { userId, from, to: null };
      });
    },

    /** Every member's id (whose access changes when the organisation goes). */
    async memberIds(orgId: string): Promise<string[]> {
      const rows = await db.select({ userId: orgMembers.userId }).from(orgMembers).where(eq(orgMembers.orgId, orgId));
      return rows.map((r) => r.userId);
    },

    async rename(orgId: string, name: string): Promise<{ id: string; name: string; from: string } | null> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select({ name: organisations.name }).from(organisations).where(and(eq(organisations.id, orgId), isNull(organisations.deletedAt))).for('update');
        if (!before) return null;
        await tx.update(organisations).set({ name }).where(eq(organisations.id, orgId));
        return { id: orgId, name, from: before.name };
      });
    },

    /**
     * Deletes the organisation (`deleted_at`): refused while any configuration still belongs to
     * it, the trashed ones included (a restore would bring one back into nothing), so nothing is
     * lost. The configuration count is read under the organisation's lock; configurations enter
     * an organisation only through `configs.org_id`, which a creation or a move in flight may
     * still set: those take the same lock (move-config.ts) or check membership, which is gone
     * once `deleted_at` is set.
     */
    async softDelete(orgId: string): Promise<{ ok: true } | { ok: false; configs: number } | null> {
      return db.transaction(async (tx) => {
        if (!(await lockOrg(tx, orgId))) return null;
        const [row] = await tx.select({ n: count() }).from(configs).where(eq(configs.orgId, orgId));
        const n = Number(row?.n ?? 0);
        if (n > 0) return { ok: false, configs: n } as const;
        await tx.update(organisations).set({ deletedAt: sql`now()` }).where(eq(organisations.id, orgId));
        return { ok: true } as const;
      });
    },
  };
}

export type OrgMembers = ReturnType<typeof createOrgMembers>;
