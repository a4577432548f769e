/**
 * Personal access tokens in Postgres: made, listed and revoked by their owner's session, resolved
 * on every request that presents one. Resolution reads the row every time (one index probe by
 * public id) and keeps no cache, so a revoke or an expiry takes effect at once on every process
 * (security.md, "Personal access tokens").
 */
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { accessTokens, users } from '../../shared/node/db/auth-schema.ts';
import type { TokenScope } from '../../shared/token-scopes.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { User } from '../auth/accounts.ts';
import type { Db } from '../db/connect.ts';
import { displayPrefix, newAccessToken, parseAccessToken, secretMatches } from './token-secret.ts';

/** A token as its owner sees it in the list (no secret, no hash). */
export interface AccessTokenView {
  id: string;
  name: string;
  /** `brt_<public id>`: enough to tell tokens apart and to find one in a leak report. */
  prefix: string;
  scopes: TokenScope[];
  /** null: every configuration the owner can reach. */
  configIds: string[] | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
}

/** A presented token that is valid now: who it acts as, and its caps. */
export interface ResolvedToken {
  id: string;
  /** `brt_<public id>`: how the audit log names the token (never its secret). */
  prefix: string;
  user: User;
  scopes: TokenScope[];
  configIds: string[] | null;
  expiresAt: Date;
}

export type TokenRefusal = 'token_invalid' | 'token_expired' | 'token_revoked';
export type Resolution = { ok: true; token: ResolvedToken } | { ok: false; code: TokenRefusal };

export interface NewTokenInput {
  name: string;
  scopes: TokenScope[];
  configIds: string[] | null;
  expiresAt: Date;
}

export interface TokenStoreSettings {
  /** Unrevoked, unexpired tokens one person may hold. */
  perUser: number;
  /** last_used_at is written at most this often per token. */
  lastUsedIntervalMs: number;
}

const viewColumns = {
  id: accessTokens.id,
  name: accessTokens.name,
  publicId: accessTokens.publicId,
  scopes: accessTokens.scopes,
  configIds: accessTokens.configIds,
  createdAt: accessTokens.createdAt,
  expiresAt: accessTokens.expiresAt,
  lastUsedAt: accessTokens.lastUsedAt,
  lastUsedAddress: accessTokens.lastUsedAddress,
};

type ViewRow = { [K in keyof typeof viewColumns]: unknown } & { id: string; name: string; publicId: string; createdAt: Date; expiresAt: Date; lastUsedAt: Date | null; lastUsedAddress: string | null };

const toView = (row: ViewRow): AccessTokenView => ({
  id: row.id,
  name: row.name,
  prefix: displayPrefix(row.publicId),
  scopes: row.scopes as TokenScope[],
  configIds: (row.configIds as string[] | null) ?? null,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  lastUsedAt: row.lastUsedAt,
  lastUsedAddress: row.lastUsedAddress,
});

export class TokenLimitReached extends Error {}

export function createTokenStore(db: Db, settings: TokenStoreSettings) {
  const live = (userId: string) => and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt), gt(accessTokens.expiresAt, new Date()));
  return {
    /** Makes a token; its text is returned here and never again. Throws `TokenLimitReached`. */
    async create(userId: string, input: NewTokenInput): Promise<{ token: string; view: AccessTokenView }> {
      const made = newAccessToken();
      return db.transaction(async (tx) => {
        // Two concurrent creates must not both pass the cap.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`boardroom:tokens:${userId}`}))`);
        const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(accessTokens).where(live(userId));
        if (Number(count) >= settings.perUser) throw new TokenLimitReached(`you have ${settings.perUser} tokens; revoke one first`);
        const [row] = await tx
          .insert(accessTokens)
          .values({ userId, name: input.name, publicId: made.publicId, secretHash: made.secretHash, scopes: input.scopes, configIds: input.configIds, expiresAt: input.expiresAt })
          .returning(viewColumns);
        return { token: made.token, view: toView(row as ViewRow) };
      });
    },

    /** The owner's tokens that still work (revoked and expired ones are not listed), newest first. */
    async list(userId: string): Promise<AccessTokenView[]> {
      const rows = await db.select(viewColumns).from(accessTokens).where(live(userId)).orderBy(desc(accessTokens.createdAt));
      return rows.map((r) => toView(r as ViewRow));
    },

    /** Revokes one of the owner's tokens; false when it is not theirs, unknown or already revoked. */
    async revoke(userId: string, tokenId: string): Promise<boolean> {
      if (!isUuid(tokenId)) return false;
      const rows = await db
        .update(accessTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(accessTokens.id, tokenId), eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
        .returning({ id: accessTokens.id });
      return rows.length > 0;
    },

    /** What a presented token text is worth now. Records its use (at most every
     * `lastUsedIntervalMs`) with the caller's address. */
    async resolve(text: string, address: string | null): Promise<Resolution> {
      const parts = parseAccessToken(text);
      if (!parts) return { ok: false, code: 'token_invalid' };
      const [row] = await db
        .select({
          id: accessTokens.id,
          secretHash: accessTokens.secretHash,
          scopes: accessTokens.scopes,
          configIds: accessTokens.configIds,
          expiresAt: accessTokens.expiresAt,
          revokedAt: accessTokens.revokedAt,
          lastUsedAt: accessTokens.lastUsedAt,
          user: { id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin },
        })
        .from(accessTokens)
        .innerJoin(users, eq(users.id, accessTokens.userId))
        .where(eq(accessTokens.publicId, parts.publicId));
      // A wrong secret for a real public id is "invalid", exactly like an unknown id: revoked and
      // expired are only told to someone who holds the whole token.
      if (!row || !secretMatches(parts.secret, row.secretHash)) return { ok: false, code: 'token_invalid' };
      if (row.revokedAt) return { ok: false, code: 'token_revoked' };
      const now = Date.now();
      if (row.expiresAt.getTime() <= now) return { ok: false, code: 'token_expired' };
      if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= settings.lastUsedIntervalMs) {
        const stale = new Date(now - settings.lastUsedIntervalMs);
        // Conditional: of many processes seeing the same token at once, one writes.
        await db
          .update(accessTokens)
          .set({ lastUsedAt: new Date(now), lastUsedAddress: address })
          .where(and(eq(accessTokens.id, row.id), or(isNull(accessTokens.lastUsedAt), lt(accessTokens.lastUsedAt, stale))));
      }
      return { ok: true, token: { id: row.id, prefix: displayPrefix(parts.publicId), user: row.user, scopes: row.scopes as TokenScope[], configIds: (row.configIds as string[] | null) ?? null, expiresAt: row.expiresAt } };
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
