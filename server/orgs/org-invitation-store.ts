/**
 * Invitations into an organisation, in Postgres: the same proof-of-address flow as configuration
 * invitations (server/invitations/invitation-store.ts, docs/security.md "Invitations"). A 256-bit
 * token whose sha256 alone is stored (server/auth/tokens.ts); it becomes a membership only when a
 * signed-in person presents it, once, before it expires and unless it was revoked. The address is
 * where the link went; the membership goes to whoever accepts.
 */
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { users } from '../../shared/node/db/auth-schema.ts';
import { organisations, orgInvitations, orgMembers } from '../../shared/node/db/orgs-schema.ts';
import { isOrgRole, orgRoleRank, type OrgRole } from '../../shared/org-roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import { hashToken, newToken, plausibleToken, tokenMatches } from '../auth/tokens.ts';
import type { Db } from '../db/connect.ts';
import { INVITATION_LIFETIME_MS } from '../invitations/invitation-store.ts';

export interface OrgInvitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What the `/oi/<token>` page shows before the person accepts. */
export interface OrgInvitationPreview extends OrgInvitation {
  orgName: string;
  invitedByName: string | null;
}

export type OrgAcceptResult = { ok: true; orgId: string; role: OrgRole; previous: OrgRole | null; invitationId: string } | { ok: false };

const columns = {
  id: orgInvitations.id,
  orgId: orgInvitations.orgId,
  email: orgInvitations.email,
  role: orgInvitations.role,
  invitedBy: orgInvitations.invitedBy,
  createdAt: orgInvitations.createdAt,
  expiresAt: orgInvitations.expiresAt,
};

/** Not used, not revoked, not expired. */
const usable = () => and(isNull(orgInvitations.acceptedAt), isNull(orgInvitations.revokedAt), gt(orgInvitations.expiresAt, sql`now()`));
const pendingFor = (orgId: string) => and(eq(orgInvitations.orgId, orgId), isNull(orgInvitations.acceptedAt), isNull(orgInvitations.revokedAt));

export function createOrgInvitationStore(db: Db, options: { lifetimeMs?: number } = {}) {
  const lifetimeMs = options.lifetimeMs ?? INVITATION_LIFETIME_MS;
  return {
    /** A new invitation with a fresh token (returned once, never stored). Inviting the same
     * address again replaces its pending invitation: the older link stops working. */
    async create(input: { orgId: string; email: string; role: OrgRole; invitedBy: string }): Promise<{ invitation: OrgInvitation; token: string }> {
      const token = newToken();
      return db.transaction(async (tx) => {
        await tx
          .update(orgInvitations)
          .set({ revokedAt: new Date() })
          .where(and(pendingFor(input.orgId), eq(orgInvitations.email, input.email)));
        const [row] = await tx
          .insert(orgInvitations)
          .values({ ...input, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + lifetimeMs) })
          .returning(columns);
        return { invitation: row as OrgInvitation, token };
      });
    },

    /** Pending (usable) invitations, newest first. */
    async listPending(orgId: string): Promise<OrgInvitation[]> {
      const rows = await db.select(columns).from(orgInvitations).where(and(eq(orgInvitations.orgId, orgId), usable())).orderBy(desc(orgInvitations.createdAt));
      return rows as OrgInvitation[];
    },

    /** Revokes a pending invitation of `orgId`; the revoked one, or null (unknown, used, another
     * organisation's). */
    async revoke(orgId: string, invitationId: string): Promise<OrgInvitation | null> {
      if (!isUuid(invitationId)) return null;
      const [row] = await db
        .update(orgInvitations)
        .set({ revokedAt: new Date() })
        .where(and(pendingFor(orgId), eq(orgInvitations.id, invitationId)))
        .returning(columns);
      return (row as OrgInvitation | undefined) ?? null;
    },

    /** The usable invitation a token names, with what the invitee is shown; null otherwise. */
    async preview(token: string): Promise<OrgInvitationPreview | null> {
      if (!plausibleToken(token)) return null;
      const [row] = await db
        .select({ ...columns, tokenHash: orgInvitations.tokenHash, orgName: organisations.name, invitedByName: users.name })
        .from(orgInvitations)
        .innerJoin(organisations, and(eq(organisations.id, orgInvitations.orgId), isNull(organisations.deletedAt)))
        .leftJoin(users, eq(users.id, orgInvitations.invitedBy))
        .where(and(eq(orgInvitations.tokenHash, hashToken(token)), usable()));
      if (!row || !tokenMatches(token, row.tokenHash)) return null;
      const { tokenHash: _hash, ...preview } = row;
      return preview as OrgInvitationPreview;
    },

    /**
     * Spends the token for `userId`: marks it used and makes them a member, in one transaction
     * (two tabs accepting at once grant once). Someone already in the organisation keeps the
     * higher of their role and the offered one: an invitation never demotes (an owner opening a
     * member's link must not stop being the last owner).
     */
    async accept(token: string, userId: string): Promise<OrgAcceptResult> {
      if (!plausibleToken(token)) return { ok: false };
      return db.transaction(async (tx) => {
        const [used] = await tx
          .update(orgInvitations)
          .set({ acceptedAt: new Date(), acceptedBy: userId })
          .where(and(eq(orgInvitations.tokenHash, hashToken(token)), usable()))
          .returning({ ...columns, tokenHash: orgInvitations.tokenHash });
        if (!used || !tokenMatches(token, used.tokenHash) || !isOrgRole(used.role)) return { ok: false } as const;
        // The same lock membership changes take (org-members.ts): no race with a removal.
        const [org] = await tx
          .select({ id: organisations.id })
          .from(organisations)
          .where(and(eq(organisations.id, used.orgId), isNull(organisations.deletedAt)))
          .for('update');
        if (!org) return { ok: false } as const;
        const [current] = await tx.select({ role: orgMembers.role }).from(orgMembers).where(and(eq(orgMembers.orgId, used.orgId), eq(orgMembers.userId, userId)));
        const previous = current && isOrgRole(current.role) ? current.role : null;
        const role = previous && orgRoleRank(previous) >= orgRoleRank(used.role) ? previous : used.role;
        await tx
          .insert(orgMembers)
          .values({ orgId: used.orgId, userId, role, invitedBy: used.invitedBy })
          .onConflictDoUpdate({ target: [orgMembers.orgId, orgMembers.userId], set: { role } });
        return { ok: true, orgId: used.orgId, role, previous, invitationId: used.id } as const;
      });
    },
  };
}

export type OrgInvitationStore = ReturnType<typeof createOrgInvitationStore>;
