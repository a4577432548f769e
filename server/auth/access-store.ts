/**
 * Who may do what on a configuration: owners, members and share links, in Postgres.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { configInvitations, configMembers, shareLinks, users } from '../../shared/node/db/auth-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Role, ShareRole } from '../../shared/roles.ts';
import type { Db } from '../db/connect.ts';
import { hashToken, newToken, plausibleToken, tokenMatches } from './tokens.ts';
import type { AdminPowerLog } from '../access/admin-powers.ts';

/** last_used_at is refreshed at most this often per link, so busy links do not write on every request. */
const SHARE_TOUCH_INTERVAL_MS = 60_000;

export interface ShareLink {
  id: string;
  configId: string;
  role: ShareRole;
  kind: 'live' | 'snapshot';
  label: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  uses: number;
  revokedAt: Date | null;
}

export interface Member {
  userId: string | null;
  email: string;
  name: string | null;
  role: Role;
  /** An invitation not accepted yet (no token here: it is shown once, when made). */
  pending: boolean;
  invitationId?: string;
  expiresAt?: Date;
  /** A pending invitation past its expiry: it can no longer be accepted. */
  expired?: boolean;
}

const shareColumns = {
  id: shareLinks.id,
  configId: shareLinks.configId,
  role: shareLinks.role,
  kind: shareLinks.kind,
  label: shareLinks.label,
  expiresAt: shareLinks.expiresAt,
  createdAt: shareLinks.createdAt,
  lastUsedAt: shareLinks.lastUsedAt,
  uses: shareLinks.uses,
  revokedAt: shareLinks.revokedAt,
};

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];

export function isLinkActive(link: Pick<ShareLink, 'revokedAt' | 'expiresAt'>, now = Date.now()): boolean {
  return !link.revokedAt && (!link.expiresAt || link.expiresAt.getTime() > now);
}

export function createAccessStore(db: Db, options: { adminPowerUsed?: AdminPowerLog } = {}) {
  return {
    /** Records an instance admin's use of a power (server/access/admin-powers.ts). */
    adminPowerUsed: options.adminPowerUsed ?? (() => {}),

    /** The role a signed-in user holds on a config: the effective role of ownership, direct
     * membership, teams and organisation (`boardroom_effective_role`, orgs-schema.ts); admins own
     * all (ADMIN_POWERS.ownEveryConfiguration; `isAdmin: false` asks for the role without it). */
    async memberRole(configId: string, user: { id: string; isAdmin: boolean }): Promise<Role | null> {
      if (!isUuid(configId)) return null;
      const [row] = rowsOf<{ role: Role | null }>(
        await db.execute(sql`select boardroom_effective_role(c.id, ${user.id}::uuid) as role from configs c where c.id = ${configId}::uuid and c.deleted_at is null`),
      );
      if (!row) return null;
      if (user.isAdmin) return 'owner';
      return row.role ?? null;
    },

    /** `memberRole` of many (configuration, user) pairs in one statement, in the order asked: a
     * reconnect storm asks for hundreds at once (server/access/admission-cache.ts). */
    async memberRoles(asks: ReadonlyArray<{ configId: string; user: { id: string; isAdmin: boolean } }>): Promise<Array<Role | null>> {
      const valid = asks.map((a, i) => ({ ...a, n: i + 1 })).filter((a) => isUuid(a.configId) && isUuid(a.user.id));
      const out: Array<Role | null> = asks.map(() => null);
      if (valid.length === 0) return out;
      const rows = rowsOf<{ n: number | string; role: Role | null }>(
        await db.execute(sql`
          select k.n::int as n, boardroom_effective_role(c.id, k.user_id) as role
          from unnest(${`{${valid.map((a) => a.configId).join(',')}}`}::uuid[], ${`{${valid.map((a) => a.user.id).join(',')}}`}::uuid[], ${`{${valid.map((a) => a.n).join(',')}}`}::int[]) as k(config_id, user_id, n)
          join configs c on c.id = k.config_id and c.deleted_at is null`),
      );
      for (const row of rows) {
        const i = Number(row.n) - 1;
        out[i] = asks[i].user.isAdmin ? 'owner' : (row.role ?? null);
      }
      return out;
    },

    /** Ids of configs a user holds any role on (admins: all, ADMIN_POWERS.seeEveryConfiguration). */
    async visibleConfigIds(user: { id: string; isAdmin: boolean }): Promise<Set<string> | 'all'> {
      if (user.isAdmin) return 'all';
      const rows = rowsOf<{ id: string }>(
        await db.execute(sql`select r.config_id::text as id from boardroom_user_roles(${user.id}::uuid) r join configs c on c.id = r.config_id where c.deleted_at is null`),
      );
      return new Set(rows.map((r) => r.id));
    },

    async setOwner(configId: string, userId: string): Promise<void> {
      await db.update(configs).set({ ownerId: userId }).where(eq(configs.id, configId));
    },

    async listMembers(configId: string): Promise<Member[]> {
      const [owner] = await db
        .select({ userId: users.id, email: users.email, name: users.name })
        .from(configs)
        .innerJoin(users, eq(users.id, configs.ownerId))
        .where(eq(configs.id, configId));
      const members = await db
        .select({ userId: users.id, email: users.email, name: users.name, role: configMembers.role })
        .from(configMembers)
        .innerJoin(users, eq(users.id, configMembers.userId))
        .where(eq(configMembers.configId, configId))
        .orderBy(users.email);
      const invited = await db
        .select({ id: configInvitations.id, email: configInvitations.email, role: configInvitations.role, expiresAt: configInvitations.expiresAt })
        .from(configInvitations)
        .where(and(eq(configInvitations.configId, configId), isNull(configInvitations.acceptedAt), isNull(configInvitations.revokedAt)))
        .orderBy(configInvitations.email, configInvitations.createdAt);
      const now = Date.now();
      return [
        ...(owner ? [{ ...owner, role: 'owner' as Role, pending: false }] : []),
        ...members.filter((m) => m.userId !== owner?.userId).map((m) => ({ ...m, role: m.role as Role, pending: false })),
        ...invited.map((i) => ({
          userId: null,
          email: i.email,
          name: null,
          role: i.role as Role,
          pending: true,
          invitationId: i.id,
          expiresAt: i.expiresAt,
          expired: i.expiresAt.getTime() <= now,
        })),
      ];
    },

    async setMemberRole(configId: string, userId: string, role: Role): Promise<boolean> {
      // Not a user id (the path parameter is the client's): no such member, not a Postgres cast error.
      if (!isUuid(userId)) return false;
      const rows = await db
        .update(configMembers)
        .set({ role })
        .where(and(eq(configMembers.configId, configId), eq(configMembers.userId, userId)))
        .returning({ userId: configMembers.userId });
      return rows.length > 0;
    },

    /** Removes a member. Invitations are revoked through the invitation store. */
    async removeMember(configId: string, userId: string): Promise<boolean> {
      if (!isUuid(userId)) return false;
      const rows = await db
        .delete(configMembers)
        .where(and(eq(configMembers.configId, configId), eq(configMembers.userId, userId)))
        .returning({ userId: configMembers.userId });
      return rows.length > 0;
    },

    async createShare(input: {
      configId: string;
      role: ShareRole;
      kind: 'live' | 'snapshot';
      label: string | null;
      expiresAt: Date | null;
      createdBy: string;
      snapshot?: { json: unknown; state: Uint8Array };
    }): Promise<{ link: ShareLink; token: string }> {
      const token = newToken();
      const [row] = await db
        .insert(shareLinks)
        .values({
          configId: input.configId,
          tokenHash: hashToken(token),
          role: input.role,
          kind: input.kind,
          label: input.label,
          expiresAt: input.expiresAt,
          createdBy: input.createdBy,
          snapshotJson: input.snapshot?.json ?? null,
          snapshotState: input.snapshot?.state ?? null,
        })
        .returning(shareColumns);
      return { link: row as ShareLink, token };
    },

    async listShares(configId: string): Promise<ShareLink[]> {
      const rows = await db
        .select(shareColumns)
        .from(shareLinks)
        .where(and(eq(shareLinks.configId, configId), isNull(shareLinks.revokedAt)))
        .orderBy(desc(shareLinks.createdAt));
      return rows as ShareLink[];
    },

    async getShare(configId: string, shareId: string): Promise<ShareLink | null> {
      if (!isUuid(shareId)) return null;
      const [row] = await db
        .select(shareColumns)
        .from(shareLinks)
        .where(and(eq(shareLinks.configId, configId), eq(shareLinks.id, shareId)));
      return (row as ShareLink | undefined) ?? null;
    },

    async updateShare(configId: string, shareId: string, patch: { role?: ShareRole; label?: string | null; expiresAt?: Date | null }): Promise<ShareLink | null> {
      if (!isUuid(shareId)) return null;
      const [row] = await db
        .update(shareLinks)
        .set(patch)
        .where(and(eq(shareLinks.configId, configId), eq(shareLinks.id, shareId), isNull(shareLinks.revokedAt)))
        .returning(shareColumns);
      return (row as ShareLink | undefined) ?? null;
    },

    async revokeShare(configId: string, shareId: string): Promise<boolean> {
      if (!isUuid(shareId)) return false;
      const rows = await db
        .update(shareLinks)
        .set({ revokedAt: new Date() })
        .where(and(eq(shareLinks.configId, configId), eq(shareLinks.id, shareId), isNull(shareLinks.revokedAt)))
        .returning({ id: shareLinks.id });
      return rows.length > 0;
    },

    /** Resolves a presented token to an active link (not revoked, not expired), or null. */
    async resolveShare(token: string): Promise<(ShareLink & { snapshotJson: unknown; snapshotState: Uint8Array | null }) | null> {
      if (!plausibleToken(token)) return null;
      const [row] = await db
        .select({ ...shareColumns, tokenHash: shareLinks.tokenHash, snapshotJson: shareLinks.snapshotJson, snapshotState: shareLinks.snapshotState })
        .from(shareLinks)
        .innerJoin(configs, and(eq(configs.id, shareLinks.configId), isNull(configs.deletedAt)))
        .where(eq(shareLinks.tokenHash, hashToken(token)));
      if (!row || !tokenMatches(token, row.tokenHash)) return null;
      const { tokenHash: _hash, ...link } = row;
      return isLinkActive(link as ShareLink) ? (link as ShareLink & { snapshotJson: unknown; snapshotState: Uint8Array | null }) : null;
    },

    /** Adds uses counted in memory (server/access/link-admission.ts) and sets the last use. */
    async addShareUses(linkId: string, uses: number): Promise<void> {
      await db
        .update(shareLinks)
        .set({ lastUsedAt: new Date(), uses: sql`${shareLinks.uses} + ${uses}` })
        .where(eq(shareLinks.id, linkId));
    },

    /** Counts a use (a session opened through the link) and refreshes last use, throttled. */
    async recordShareUse(link: ShareLink, countUse: boolean): Promise<void> {
      const stale = !link.lastUsedAt || Date.now() - link.lastUsedAt.getTime() > SHARE_TOUCH_INTERVAL_MS;
      if (!countUse && !stale) return;
      await db
        .update(shareLinks)
        .set({ lastUsedAt: new Date(), uses: countUse ? sql`${shareLinks.uses} + 1` : shareLinks.uses })
        .where(eq(shareLinks.id, link.id));
    },
  };
}

export type AccessStore = ReturnType<typeof createAccessStore>;
