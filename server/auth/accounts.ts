/**
 * Accounts and sessions in Postgres. Signing up never grants access to anything: typing an
 * address proves nothing about owning it, so invitations turn into memberships only through their
 * link (server/invitations/), and no account is an instance admin by signing up, first or not
 * (instance-admins.ts: an ADMIN_EMAILS address proven through its link, or the operator's grant).
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { sessions, users } from '../../shared/node/db/auth-schema.ts';
import { createBatchedRead } from '../db/batched-reads.ts';
import type { Db } from '../db/connect.ts';
import { hashToken, newToken, tokenMatches } from './tokens.ts';

/** Sessions last two weeks: long enough not to annoy, short enough that a lost laptop's cookie dies. */
/** Default session lifetime (the `SESSION_TTL_MS` setting, server/settings.ts). */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

export interface Session {
  id: string;
  user: User;
  expiresAt: Date;
}

const userColumns = { id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A session seen in the last few seconds is not looked up again: a browser opening a workspace
 * makes a burst of requests and sockets with one token. Sign-out empties the entry at once (on
 * every process, through the access-event channel); expiry is checked on every use. */
export const SESSION_CACHE_TTL_MS = 5_000;
/** Past this many cached sessions the cache starts over, bounding its memory. */
const SESSION_CACHE_MAX = 10_000;
/** Sessions looked up per query (one parameter each, far below Postgres' 65,535). */
export const SESSION_BATCH_MAX = 500;
/** Session queries out at once: they share the pool with role look-ups and room loads. */
export const SESSION_BATCHES_IN_FLIGHT = 2;

export function createAccounts(db: Db, options: { onCreated?: (user: User) => void; sessionTtlMs?: number } = {}) {
  const cache = new Map<string, { session: Session; until: number }>();
  /** One lookup per token hash at a time: after a restart every socket of a person arrives before
   * the first answer (a reconnect storm), and they all wait for that one (docs/architecture.md,
   * "Access"). */
  const pending = new Map<string, Promise<Session | null>>();
  /** Bumped by every forget: an answer read before a sign-out is never cached after it, and a
   * caller arriving after the forget does not join a lookup that started before it. */
  let generation = 0;
  const forgotten = () => {
    generation++;
    pending.clear();
  };
  const sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;

  type SessionRow = { id: string; tokenHash: string; expiresAt: Date; user: User };
  const sessionRows = (hashes: string[]): Promise<SessionRow[]> =>
    db
      .select({ id: sessions.id, tokenHash: sessions.tokenHash, expiresAt: sessions.expiresAt, user: userColumns })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(hashes.length === 1 ? eq(sessions.tokenHash, hashes[0]) : inArray(sessions.tokenHash, hashes), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
  // The sessions of one turn share one query (a reconnect storm brings hundreds of people at once).
  const sessionRowOf = createBatchedRead<string, SessionRow | null>({
    readOne: async (hash) => (await sessionRows([hash]))[0] ?? null,
    readMany: async (hashes) => {
      const byHash = new Map((await sessionRows(hashes)).map((row) => [row.tokenHash, row]));
      return hashes.map((hash) => byHash.get(hash) ?? null);
    },
    maxBatch: SESSION_BATCH_MAX,
    maxInFlight: SESSION_BATCHES_IN_FLIGHT,
  });

  async function lookUpSession(token: string, hash: string, started: number): Promise<Session | null> {
    const row = await sessionRowOf(hash);
    if (!row || !tokenMatches(token, row.tokenHash)) return null;
    const session = { id: row.id, user: row.user, expiresAt: row.expiresAt };
    if (generation === started) {
      if (cache.size >= SESSION_CACHE_MAX) cache.clear();
      cache.set(hash, { session, until: Date.now() + SESSION_CACHE_TTL_MS });
    }
    return session;
  }

  return {
    /** How long a new session lasts (its cookie lives as long). */
    sessionTtlMs,
    /** Drops a session from the cache (it was revoked). */
    forgetSession(sessionId: string): void {
      forgotten();
      for (const [hash, entry] of cache) if (entry.session.id === sessionId) cache.delete(hash);
    },

    async findByEmail(email: string): Promise<(User & { passwordHash: string | null }) | null> {
      const [row] = await db
        .select({ ...userColumns, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.email, normalizeEmail(email)));
      return row ?? null;
    },

    async findByGithubId(githubId: string): Promise<User | null> {
      const [row] = await db.select(userColumns).from(users).where(eq(users.githubId, githubId));
      return row ?? null;
    },

    async getUser(id: string): Promise<User | null> {
      const [row] = await db.select(userColumns).from(users).where(eq(users.id, id));
      return row ?? null;
    },

    /** Creates an account; returns null when the email is taken. */
    async createUser(input: { email: string; name: string; passwordHash: string | null; githubId?: string }): Promise<User | null> {
      const email = normalizeEmail(input.email);
      // The unique email index decides a race between two sign-ups of one address.
      const [user] = await db
        .insert(users)
        .values({ email, name: input.name, passwordHash: input.passwordHash, githubId: input.githubId })
        .onConflictDoNothing({ target: users.email })
        .returning(userColumns);
      if (!user) return null;
      options.onCreated?.(user);
      return user;
    },

    /** Drops every cached session of a person (their admin standing changed). */
    forgetUser(userId: string): void {
      forgotten();
      for (const [hash, entry] of cache) if (entry.session.user.id === userId) cache.delete(hash);
    },

    /** Links a GitHub identity to an account (an explicit act of its signed-in owner); refuses
     * an identity already linked to someone else. */
    async linkGithub(userId: string, githubId: string): Promise<'linked' | 'taken'> {
      const [other] = await db.select({ id: users.id }).from(users).where(eq(users.githubId, githubId));
      if (other && other.id !== userId) return 'taken';
      await db.update(users).set({ githubId }).where(eq(users.id, userId));
      return 'linked';
    },

    async createSession(userId: string): Promise<{ token: string; session: { id: string; expiresAt: Date } }> {
      const token = newToken();
      const expiresAt = new Date(Date.now() + sessionTtlMs);
      const [row] = await db
        .insert(sessions)
        .values({ userId, tokenHash: hashToken(token), expiresAt })
        .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
      return { token, session: row };
    },

    /** The live session a token names, or null (unknown, expired or revoked). */
    async sessionFor(token: string): Promise<Session | null> {
      const hash = hashToken(token);
      const now = Date.now();
      const cached = cache.get(hash);
      if (cached && cached.until > now && cached.session.expiresAt.getTime() > now) return cached.session;
      const inFlight = pending.get(hash);
      if (inFlight) return inFlight;
      const answer = lookUpSession(token, hash, generation);
      pending.set(hash, answer);
      const settle = () => {
        if (pending.get(hash) === answer) pending.delete(hash);
      };
      answer.then(settle, settle);
      return answer;
    },

    async revokeSession(id: string): Promise<void> {
      await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, id));
      this.forgetSession(id);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
