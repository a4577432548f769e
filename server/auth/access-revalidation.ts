/**
 * Every live sync connection re-decided by the access policy against Postgres, where access
 * changes are durable: for the connections an access change affects as soon as it is announced
 * (an invalidation, here or from another process over the bus: `access-control.ts`), at a steady
 * interval, and after every bus outage. The interval is what ends access when an invalidation was
 * lost (Redis down when it was published, or down on the receiving side), so a removed member or a
 * revoked, expired or downgraded link loses access everywhere within ACCESS_BOUND_MS whatever the
 * bus does.
 *
 * One run is three batched queries whatever the number of connections: (config, user) pairs,
 * share links, sessions. The decision is the policy's (`server/access/policy.ts` `grantFor`), the
 * same as at admission: the stronger of membership and link, expiring with the earlier of session
 * and link.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Role } from '../../shared/roles.ts';
import { grantFor, liveClose, type AccessFacts, type Grant } from '../access/policy.ts';
import type { Db } from '../db/connect.ts';
import type { Connection } from '../sync/connection.ts';

/** The promise to users: access ends everywhere within 5 s of a change, whatever Redis does. */
export const ACCESS_BOUND_MS = 5_000;
/** Re-check interval: one run plus its queries (a few ms, a second on a struggling database)
 * must fit in ACCESS_BOUND_MS, with room for a run that failed and the next one. */
export const REVALIDATE_INTERVAL_MS = 2_000;

/** What a re-check does to a connection whose decision changed. */
export interface AccessEnforcer {
  close(conn: Connection, close: { code: number; reason: string }): void;
  /** A new role (edits start or stop landing, presence shows it). */
  setRole(configId: string, conn: Connection, role: Role): void;
}

/** Which connections an access change may affect: those of one configuration (optionally only
 * one user's, or one link's), those of one session, or those of one account on every
 * configuration (a change of organisation or team membership, which reaches many at once). */
export type AccessScope = { configId: string; userId?: string; linkId?: string } | { sessionId: string } | { accountId: string };

export function affects(scope: AccessScope, configId: string, conn: Connection): boolean {
  const { who } = conn.principal;
  if ('sessionId' in scope) return who.kind === 'member' && who.sessionId === scope.sessionId;
  if ('accountId' in scope) return who.kind === 'member' && who.userId === scope.accountId;
  if (scope.configId !== configId) return false;
  if (scope.userId !== undefined && !(who.kind === 'member' && who.userId === scope.userId)) return false;
  if (scope.linkId !== undefined && who.link?.id !== scope.linkId) return false;
  return true;
}

export interface RevalidationObserver {
  ran(ok: boolean): void;
  /** A full re-check (not one for an invalidation) had to close or change a connection. */
  acted(action: 'closed' | 'role_changed'): void;
}

interface Facts {
  pairs: Map<string, { exists: boolean; deleted: boolean; ownerId: string | null; memberRole: Role | null; isAdmin: boolean }>;
  shares: Map<string, { configId: string; role: Role; kind: string; expiresAt: number | null; revokedAt: number | null }>;
  sessions: Map<string, { expiresAt: number; revokedAt: number | null }>;
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
const time = (v: unknown): number | null => (v == null ? null : new Date(v as string | Date).getTime());
const literal = (values: Array<string | null>) => `{${values.map((v) => v ?? 'NULL').join(',')}}`;
const pairKey = (configId: string, userId: string | null) => `${configId}|${userId ?? ''}`;

async function readFacts(db: Db, live: Array<{ configId: string; conn: Connection }>): Promise<Facts> {
  const pairs = new Map<string, { configId: string; userId: string | null }>();
  const shareIds = new Set<string>();
  const sessionIds = new Set<string>();
  for (const { configId, conn } of live) {
    const { who } = conn.principal;
    const userId = who.kind === 'member' ? who.userId : null;
    pairs.set(pairKey(configId, userId), { configId, userId });
    if (who.link) shareIds.add(who.link.id);
    if (who.kind === 'member') sessionIds.add(who.sessionId);
  }
  const list = [...pairs.values()];
  const [pairRows, shareRows, sessionRows] = await Promise.all([
    db.execute(sql`
      select k.c::text as config_id, k.u::text as user_id, c.id is not null as found, c.deleted_at is not null as deleted,
             c.owner_id::text as owner_id, case when k.u is null or c.id is null then null else boardroom_effective_role(k.c, k.u) end as role,
             coalesce(usr.is_admin, false) as is_admin
        from unnest(${literal(list.map((p) => p.configId))}::uuid[], ${literal(list.map((p) => p.userId))}::uuid[]) as k(c, u)
        left join configs c on c.id = k.c
        left join users usr on usr.id = k.u`),
    shareIds.size === 0
      ? []
      : db.execute(sql`select id::text, config_id::text, role, kind, expires_at, revoked_at from share_links where id = any(${literal([...shareIds])}::uuid[])`),
    sessionIds.size === 0
      ? []
      : db.execute(sql`select id::text, expires_at, revoked_at from sessions where id = any(${literal([...sessionIds])}::uuid[])`),
  ]);
  const facts: Facts = { pairs: new Map(), shares: new Map(), sessions: new Map() };
  for (const r of rowsOf<{ config_id: string; user_id: string | null; found: boolean; deleted: boolean; owner_id: string | null; role: Role | null; is_admin: boolean }>(pairRows)) {
    facts.pairs.set(pairKey(r.config_id, r.user_id), { exists: r.found, deleted: r.deleted, ownerId: r.owner_id, memberRole: r.role, isAdmin: r.is_admin });
  }
  for (const r of rowsOf<{ id: string; config_id: string; role: Role; kind: string; expires_at: unknown; revoked_at: unknown }>(shareRows)) {
    facts.shares.set(r.id, { configId: r.config_id, role: r.role, kind: r.kind, expiresAt: time(r.expires_at), revokedAt: time(r.revoked_at) });
  }
  for (const r of rowsOf<{ id: string; expires_at: unknown; revoked_at: unknown }>(sessionRows)) {
    facts.sessions.set(r.id, { expiresAt: time(r.expires_at) ?? 0, revokedAt: time(r.revoked_at) });
  }
  return facts;
}

type Verdict = { close: { code: number; reason: string } } | { grant: Grant };

/** The policy's facts for one connection, from one run's rows. */
export function factsFor(configId: string, conn: Connection, facts: Facts): AccessFacts {
  const { who } = conn.principal;
  const pair = facts.pairs.get(pairKey(configId, who.kind === 'member' ? who.userId : null));
  const member = pair && who.kind === 'member' && (pair.ownerId === who.userId || pair.isAdmin) ? 'owner' : (pair?.memberRole ?? null);
  const session = who.kind === 'member' ? facts.sessions.get(who.sessionId) : undefined;
  const link = who.link ? facts.shares.get(who.link.id) : undefined;
  return {
    configGone: !pair || !pair.exists || pair.deleted,
    memberRole: who.kind === 'member' ? member : null,
    session: session ? { expiresAt: session.expiresAt, revoked: session.revokedAt !== null } : null,
    link: link && who.link ? { id: who.link.id, configId: link.configId, role: link.role, kind: link.kind, expiresAt: link.expiresAt, revoked: link.revokedAt !== null } : null,
  };
}

/** What a connection may do now, by the same rules as its admission. */
export function verdictFor(configId: string, conn: Connection, facts: Facts, now = Date.now()): Verdict {
  const granted = grantFor(conn.principal.who, configId, factsFor(configId, conn, facts), now);
  return granted.ok ? { grant: granted.grant } : { close: liveClose(granted.denial) };
}

export function createAccessRevalidator(deps: {
  db: Db;
  /** Live connections by configuration (the ConnectionRegistry's map). */
  connections: () => Map<string, Set<Connection>>;
  enforcer: AccessEnforcer;
  logger: Logger;
  observer?: RevalidationObserver;
  intervalMs?: number;
}) {
  let running: Promise<void> | null = null;
  /** What the next run covers: every connection, or those some scopes affect. */
  let queued: AccessScope[] | 'all' | null = null;
  let failing = false;

  async function runOnce(scope: AccessScope[] | 'all'): Promise<void> {
    const live: Array<{ configId: string; conn: Connection }> = [];
    for (const [configId, set] of deps.connections()) {
      for (const conn of set) {
        if (conn.closed) continue;
        if (scope === 'all' || scope.some((s) => affects(s, configId, conn))) live.push({ configId, conn });
      }
    }
    if (live.length === 0) return;
    // Only the steady sweep is observed: its actions are the changes no invalidation delivered.
    const sweep = scope === 'all';
    let facts: Facts;
    try {
      facts = await readFacts(deps.db, live);
      if (sweep) deps.observer?.ran(true);
      if (failing) deps.logger.info('access re-check against Postgres works again');
      failing = false;
    } catch (error) {
      if (sweep) deps.observer?.ran(false);
      // Postgres away: nobody's access can change meanwhile either (changes go through it).
      if (!failing) deps.logger.warn({ err: error }, 'access re-check against Postgres failed; retrying every interval');
      failing = true;
      return;
    }
    const now = Date.now();
    for (const { configId, conn } of live) {
      if (conn.closed) continue;
      const verdict = verdictFor(configId, conn, facts, now);
      if ('close' in verdict) {
        deps.enforcer.close(conn, verdict.close);
        if (sweep) deps.observer?.acted('closed');
        continue;
      }
      const { grant } = verdict;
      const roleChanged = grant.role !== conn.principal.role;
      conn.principal.expiresAt = grant.expiresAt;
      conn.principal.linkId = grant.linkId;
      if (roleChanged) {
        deps.enforcer.setRole(configId, conn, grant.role);
        if (sweep) deps.observer?.acted('role_changed');
      }
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queued) {
        const scope = queued;
        queued = null;
        // A run never rejects: callers (routes, the timer) only wait for it.
        await runOnce(scope).catch((error: unknown) => deps.logger.error({ err: error }, 'access re-check failed'));
      }
    } finally {
      running = null;
    }
  }

  /**
   * Re-decides the connections `scope` affects (all without one), coalesced with a run already
   * going. Resolves once a run that started after this call has finished.
   */
  function recheck(scope?: AccessScope): Promise<void> {
    queued = scope && queued !== 'all' ? [...(queued ?? []), scope] : 'all';
    running ??= drain();
    return running;
  }
  const request = (): void => void recheck();

  const timer = setInterval(request, deps.intervalMs ?? REVALIDATE_INTERVAL_MS);
  timer.unref();
  return {
    request,
    recheck,
    /** Resolves when no re-check is running (tests, shutdown). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    close: () => clearInterval(timer),
  };
}
