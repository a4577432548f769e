/**
 * Invitations in Postgres. An invitation is a role on a configuration offered through a link: a
 * 256-bit token whose sha256 alone is stored. It turns into a membership only when a signed-in
 * person presents the token (proof that the link reached them), once, before it expires and
 * unless the owner revoked it. The email is where the link was sent and what the owner sees; the
 * membership goes to whichever account accepts (see docs/security.md, "Invitations").
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { configInvitations, configMembers, users } from '../../shared/node/db/auth-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import type { Role } from '../../shared/roles.ts';
import { hashToken, newToken, plausibleToken, tokenMatches } from '../auth/tokens.ts';
import type { Db } from '../db/connect.ts';
import { isUuid } from '../../shared/uuid.ts';

/** A week: long enough for someone back from a long weekend to find the mail, short enough that a
 * link forgotten in an inbox or a chat log stops working on its own. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface Invitation {
  id: string;
  configId: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What the `/i/<token>` page shows before the person accepts. */
export interface InvitationPreview extends Invitation {
  configName: string;
  invitedByName: string | null;
}

const columns = {
  id: configInvitations.id,
  configId: configInvitations.configId,
  email: configInvitations.email,
  role: configInvitations.role,
  invitedBy: configInvitations.invitedBy,
  createdAt: configInvitations.createdAt,
  expiresAt: configInvitations.expiresAt,
};

/** Not used, not revoked, not expired. */
const usable = () =>
  and(isNull(configInvitations.acceptedAt), isNull(configInvitations.revokedAt), gt(configInvitations.expiresAt, sql`now()`));

export type AcceptResult = { ok: true; configId: string; role: Role } | { ok: false };

export function createInvitationStore(db: Db, options: { lifetimeMs?: number } = {}) {
  const lifetimeMs = options.lifetimeMs ?? INVITATION_LIFETIME_MS;
  return {
    /**
     * A new invitation with a fresh token (returned once, never stored). Inviting the same email
     * again replaces its pending invitation: the older link stops working.
     */
    async create(input: { configId: string; email: string; role: Role; invitedBy: string }): Promise<{ invitation: Invitation; token: string }> {
      const token = newToken();
      return db.transaction(async (tx) => {
        await tx
          .update(configInvitations)
          .set({ revokedAt: new Date() })
          .where(and(eq(configInvitations.configId, input.configId), eq(configInvitations.email, input.email), isNull(configInvitations.acceptedAt), isNull(configInvitations.revokedAt)));
        const [row] = await tx
          .insert(configInvitations)
          .values({ ...input, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + lifetimeMs) })
          .returning(columns);
        return { invitation: row as Invitation, token };
      });
    },

    async revoke(configId: string, invitationId: string): Promise<boolean> {
      if (!isUuid(invitationId)) return false;
      const rows = await db
        .update(configInvitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(configInvitations.configId, configId), eq(configInvitations.id, invitationId), isNull(configInvitations.acceptedAt), isNull(configInvitations.revokedAt)))
        .returning({ id: configInvitations.id });
      return rows.length > 0;
    },

    /** Revokes the pending invitations to one email (the older `DELETE …/members/<email>` form). */
    async revokeByEmail(configId: string, email: string): Promise<boolean> {
      const rows = await db
        .update(configInvitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(configInvitations.configId, configId), eq(configInvitations.email, email), isNull(configInvitations.acceptedAt), isNull(configInvitations.revokedAt)))
        .returning({ id: configInvitations.id });
      return rows.length > 0;
    },

    /** The usable invitation a token names, with what the invitee is shown; null otherwise. */
    async preview(token: string): Promise<InvitationPreview | null> {
      if (!plausibleToken(token)) return null;
      const [row] = await db
        .select({ ...columns, tokenHash: configInvitations.tokenHash, configName: configs.name, invitedByName: users.name })
        .from(configInvitations)
        .innerJoin(configs, and(eq(configs.id, configInvitations.configId), isNull(configs.deletedAt)))
        .leftJoin(users, eq(users.id, configInvitations.invitedBy))
        .where(and(eq(configInvitations.tokenHash, hashToken(token)), usable()));
      if (!row || !tokenMatches(token, row.tokenHash)) return null;
      const { tokenHash: _hash, ...preview } = row;
      return preview as InvitationPreview;
    },

    /**
     * Spends the token for `userId`: marks the invitation used and grants its role, in one
     * transaction, so two tabs accepting at once grant once. The owner of the configuration
     * keeps owning it (the invitation is then just used up).
     */
    async accept(token: string, userId: string): Promise<AcceptResult> {
      if (!plausibleToken(token)) return { ok: false };
      return db.transaction(async (tx) => {
        const [used] = await tx
          .update(configInvitations)
          .set({ acceptedAt: new Date(), acceptedBy: userId })
          .where(and(eq(configInvitations.tokenHash, hashToken(token)), usable()))
          .returning({ ...columns, tokenHash: configInvitations.tokenHash });
        if (!used || !tokenMatches(token, used.tokenHash)) return { ok: false } as const;
        const [config] = await tx
          .select({ ownerId: configs.ownerId })
          .from(configs)
          .where(and(eq(configs.id, used.configId), isNull(configs.deletedAt)));
        if (!config) return { ok: false } as const;
        if (config.ownerId === userId) return { ok: true, configId: used.configId, role: 'owner' } as const;
        await tx
          .insert(configMembers)
          .values({ configId: used.configId, userId, role: used.role, invitedBy: used.invitedBy })
          .onConflictDoUpdate({ target: [configMembers.configId, configMembers.userId], set: { role: used.role } });
        return { ok: true, configId: used.configId, role: used.role as Role } as const;
      });
    },
  };
}

export type InvitationStore = ReturnType<typeof createInvitationStore>;
