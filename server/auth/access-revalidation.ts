/**
 * Every live sync connection re-checked against Postgres, where access changes are durable:
 * at a steady interval and after every bus outage. Access events on the bus end sessions within
 * milliseconds; this is what ends them when an event was lost (Redis down when it was published,
 * or down on the receiving side), so a removed member or a revoked, expired or downgraded link
 * loses access everywhere within ACCESS_BOUND_MS whatever the bus does.
 *
 * One run is three batched queries whatever the number of connections: (config, user) pairs,
 * share links, sessions. The verdict is the same as when the connection was admitted (see
 * `accessFor`): the stronger of membership and link; the answer the same as a live event's.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol.ts';
import { maxRole, type Role } from '../../shared/roles.ts';
import type { Db } from '../db/connect.ts';
import type { Connection } from '../sync/connection.ts';

/** The promise to users: access ends everywhere within 5 s of a change, whatever Redis does. */
export const ACCESS_BOUND_MS = 5_000;
/** Re-check interval: one run plus its queries (a few ms, a second on a struggling database)
 * must fit in ACCESS_BOUND_MS, with room for a run that failed and the next one. */
export const REVALIDATE_INTERVAL_MS = 2_000;

/** What the re-check may do to a connection: the same as a live access event. */
export interface AccessEnforcer {
  close(conn: Connection, close: { code: number; reason: string }): void;
  setRole(configId: string, conn: Connection, role: Role, expiresAt: number | undefined): void;
}

export interface RevalidationObserver {
  ran(ok: boolean): void;
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
    const userId = conn.principal.sessionId ? conn.principal.userId : null;
    pairs.set(pairKey(configId, userId), { configId, userId });
    if (conn.principal.shareId) shareIds.add(conn.principal.shareId);
    if (conn.principal.sessionId) sessionIds.add(conn.principal.sessionId);
  }
  const list = [...pairs.values()];
  const [pairRows, shareRows, sessionRows] = await Promise.all([
    db.execute(sql`
      select k.c::text as config_id, k.u::text as user_id, c.id is not null as found, c.deleted_at is not null as deleted,
             c.owner_id::text as owner_id, m.role, coalesce(usr.is_admin, false) as is_admin
        from unnest(${literal(list.map((p) => p.configId))}::uuid[], ${literal(list.map((p) => p.userId))}::uuid[]) as k(c, u)
        left join configs c on c.id = k.c
        left join config_members m on m.config_id = k.c and m.user_id = k.u
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

type Verdict = { close: { code: number; reason: string } } | { role: Role; expiresAt: number | undefined };

/** What a connection may do now, by the same rules as its admission. */
export function verdictFor(configId: string, conn: Connection, facts: Facts, now = Date.now()): Verdict {
  const { principal } = conn;
  const userId = principal.sessionId ? principal.userId : null;
  const pair = facts.pairs.get(pairKey(configId, userId));
  if (!pair || !pair.exists || pair.deleted) return { close: CloseCode.notFound };
  let memberRole: Role | null = null;
  let sessionExpiry: number | undefined;
  if (principal.sessionId) {
    const session = facts.sessions.get(principal.sessionId);
    if (!session || session.revokedAt !== null || session.expiresAt <= now) return { close: CloseCode.accessRevoked };
    sessionExpiry = session.expiresAt;
    memberRole = pair.ownerId === principal.userId || pair.isAdmin ? 'owner' : pair.memberRole;
  }
  let shareRole: Role | null = null;
  let shareExpiry: number | undefined;
  if (principal.shareId) {
    const link = facts.shares.get(principal.shareId);
    const active = link && link.revokedAt === null && (link.expiresAt === null || link.expiresAt > now) && link.kind === 'live' && link.configId === configId;
    if (active) {
      shareRole = link.role;
      shareExpiry = link.expiresAt ?? undefined;
    }
  }
  const role = maxRole(memberRole, shareRole);
  if (!role) return { close: CloseCode.accessRevoked };
  const expiries = [sessionExpiry, shareRole ? shareExpiry : undefined].filter((t): t is number => t !== undefined);
  return { role, expiresAt: expiries.length > 0 ? Math.min(...expiries) : undefined };
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
  let again = false;
  let failing = false;

  async function runOnce(): Promise<void> {
    const live: Array<{ configId: string; conn: Connection }> = [];
    for (const [configId, set] of deps.connections()) for (const conn of set) if (!conn.closed) live.push({ configId, conn });
    if (live.length === 0) return;
    let facts: Facts;
    try {
      facts = await readFacts(deps.db, live);
      deps.observer?.ran(true);
      if (failing) deps.logger.info('access re-check against Postgres works again');
      failing = false;
    } catch (error) {
      deps.observer?.ran(false);
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
        deps.observer?.acted('closed');
      } else if (verdict.role !== conn.principal.role) {
        deps.enforcer.setRole(configId, conn, verdict.role, verdict.expiresAt);
        deps.observer?.acted('role_changed');
      } else {
        conn.principal.expiresAt = verdict.expiresAt;
      }
    }
  }

  /** Runs a re-check now (coalesced with one already running). */
  function request(): void {
    if (running) {
      again = true;
      return;
    }
    running = runOnce().finally(() => {
      running = null;
      if (again) {
        again = false;
        request();
      }
    });
  }

  const timer = setInterval(request, deps.intervalMs ?? REVALIDATE_INTERVAL_MS);
  timer.unref();
  return {
    request,
    /** Resolves when no re-check is running (tests, shutdown). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    close: () => clearInterval(timer),
  };
}
