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
 *
 * The steady interval first reads the access generation (migration 0017: a counter every change
 * to those facts advances when it commits). While it has not moved since the last full run read
 * it, nobody's facts changed, so only connections no full run has read yet (admitted since, some
 * from the admission cache) are re-decided; an idle server with 15,000 connections reads one row
 * every interval instead of every connection's facts. Expiry needs no read: each connection
 * carries the earlier of its session's and link's end, enforced locally (access-control.ts).
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

interface PairFacts {
  exists: boolean;
  deleted: boolean;
  ownerId: string | null;
  memberRole: Role | null;
  isAdmin: boolean;
}

interface Facts {
  /** By configuration, then by user id ('' for a guest). */
  pairs: Map<string, Map<string, PairFacts>>;
  shares: Map<string, { configId: string; role: Role; kind: string; expiresAt: number | null; revokedAt: number | null }>;
  sessions: Map<string, { expiresAt: number; revokedAt: number | null }>;
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
const time = (v: unknown): number | null => (v == null ? null : new Date(v as string | Date).getTime());
const literal = (values: Array<string | null>) => `{${values.map((v) => v ?? 'NULL').join(',')}}`;
/** Calls `visit` for every live connection `scope` selects, grouped by configuration. */
type LiveVisitor = (visit: (configId: string, conn: Connection) => void) => void;

/**
 * A connection's identity as the policy sees it (kind, person, session, link): connections with
 * equal keys on one configuration get the same verdict. Made once per connection and kept beside
 * it: the steady re-check runs every REVALIDATE_INTERVAL_MS over every connection, and anything
 * it allocated per connection per run kept an idle server's heap from ever settling.
 */
const accessKeys = new WeakMap<Connection, string>();
function accessKeyOf(conn: Connection): string {
  let key = accessKeys.get(conn);
  if (key === undefined) {
    const { who } = conn.principal;
    key = who.kind === 'member' ? `m|${who.userId}|${who.sessionId}|${who.link?.id ?? ''}` : `g|${who.link.id}`;
    accessKeys.set(conn, key);
  }
  return key;
}

const userKey = (conn: Connection): string => (conn.principal.who.kind === 'member' ? conn.principal.who.userId : '');

async function readFacts(db: Db, eachLive: LiveVisitor): Promise<Facts> {
  const configIds: string[] = [];
  const userIds: Array<string | null> = [];
  const shareIds = new Set<string>();
  const sessionIds = new Set<string>();
  // Connections come grouped by configuration: the users of the current one are told apart here.
  let current: string | null = null;
  const usersOfCurrent = new Set<string>();
  eachLive((configId, conn) => {
    if (configId !== current) {
      current = configId;
      usersOfCurrent.clear();
    }
    const { who } = conn.principal;
    const user = userKey(conn);
    if (!usersOfCurrent.has(user)) {
      usersOfCurrent.add(user);
      configIds.push(configId);
      userIds.push(user === '' ? null : user);
    }
    if (who.link) shareIds.add(who.link.id);
    if (who.kind === 'member') sessionIds.add(who.sessionId);
  });
  const [pairRows, shareRows, sessionRows] = await Promise.all([
    db.execute(sql`
      select k.c::text as config_id, k.u::text as user_id, c.id is not null as found, c.deleted_at is not null as deleted,
             c.owner_id::text as owner_id, case when k.u is null or c.id is null then null else boardroom_effective_role(k.c, k.u) end as role,
             coalesce(usr.is_admin, false) as is_admin
        from unnest(${literal(configIds)}::uuid[], ${literal(userIds)}::uuid[]) as k(c, u)
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
    let byUser = facts.pairs.get(r.config_id);
    if (!byUser) facts.pairs.set(r.config_id, (byUser = new Map()));
    byUser.set(r.user_id ?? '', { exists: r.found, deleted: r.deleted, ownerId: r.owner_id, memberRole: r.role, isAdmin: r.is_admin });
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
  const pair = facts.pairs.get(configId)?.get(userKey(conn));
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
  /** What the next run covers. */
  let queued: Coverage | null = null;
  let failing = false;

  /** Numbers the runs: a connection read by a run is marked with it, so a connection admitted
   * while the run waited for Postgres (its facts were not read) is left to its fresh admission. */
  let runs = 0;
  /** The last full run that succeeded, and the access generation it read before its facts. */
  let lastFull = { run: 0, generation: null as number | null };

  /** Facts not read by the last full run nor any run since: admitted since, or while it waited
   * for Postgres. */
  const unread = (conn: Connection) => conn.accessRead < lastFull.run;

  async function runOnce(scope: Coverage): Promise<void> {
    const run = ++runs;
    const { scopes } = scope;
    const eachLive: LiveVisitor = (visit) => {
      for (const [configId, set] of deps.connections()) {
        for (const conn of set) {
          if (conn.closed) continue;
          if (scope.all || (scope.unread && unread(conn)) || scopes.some((s) => affects(s, configId, conn))) visit(configId, conn);
        }
      }
    };
    let selected = 0;
    eachLive((_configId, conn) => {
      conn.accessRun = run;
      selected++;
    });
    if (selected === 0) {
      if (scope.all) lastFull = { run, generation: scope.generation };
      return;
    }
    // Only the steady sweep is observed: its actions are the changes no invalidation delivered.
    const sweep = scope.all || scope.unread;
    let facts: Facts;
    try {
      facts = await readFacts(deps.db, (visit) => eachLive((configId, conn) => conn.accessRun === run && visit(configId, conn)));
      if (scope.all) lastFull = { run, generation: scope.generation };
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
    // One verdict per identity on each configuration (connections come grouped by configuration).
    let current: string | null = null;
    const verdicts = new Map<string, Verdict>();
    const acts: Array<() => void> = [];
    eachLive((configId, conn) => {
      if (conn.accessRun !== run) return;
      conn.accessRead = run;
      if (configId !== current) {
        current = configId;
        verdicts.clear();
      }
      const key = accessKeyOf(conn);
      let verdict = verdicts.get(key);
      if (!verdict) verdicts.set(key, (verdict = verdictFor(configId, conn, facts, now)));
      if ('close' in verdict) {
        const close = verdict.close;
        // Closing changes the sets being walked: after the walk.
        acts.push(() => deps.enforcer.close(conn, close));
        if (sweep) deps.observer?.acted('closed');
        return;
      }
      const { grant } = verdict;
      conn.principal.expiresAt = grant.expiresAt;
      conn.principal.linkId = grant.linkId;
      if (grant.role !== conn.principal.role) {
        const role = grant.role;
        acts.push(() => deps.enforcer.setRole(configId, conn, role));
        if (sweep) deps.observer?.acted('role_changed');
      }
    });
    for (const act of acts) act();
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

  function enqueue(add: Partial<Coverage>): Promise<void> {
    queued = mergeCoverage(queued ?? EMPTY_COVERAGE, add);
    running ??= drain();
    return running;
  }

  /**
   * Re-decides the connections `scope` affects (all without one), coalesced with a run already
   * going. Resolves once a run that started after this call has finished.
   */
  function recheck(scope?: AccessScope): Promise<void> {
    return enqueue(scope ? { scopes: [scope] } : { all: true, generation: null });
  }
  const request = (): void => void recheck();

  /** The steady interval: everything if the generation moved (or cannot be read: the run then
   * fails and says so as before), otherwise only the connections no full run has read. */
  async function steady(): Promise<void> {
    let generation: number;
    try {
      generation = await readGeneration(deps.db);
    } catch {
      return enqueue({ all: true, generation: null });
    }
    if (lastFull.generation === null || generation !== lastFull.generation) return enqueue({ all: true, generation });
    return enqueue({ unread: true });
  }

  const timer = setInterval(() => void steady(), deps.intervalMs ?? REVALIDATE_INTERVAL_MS);
  timer.unref();
  return {
    request,
    recheck,
    /** Resolves when no re-check is running (tests, shutdown). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    /** One tick of the steady interval, now (tests). */
    steady,
    close: () => clearInterval(timer),
  };
}

/** What one run re-decides: every connection (`all`, with the access generation read before it,
 * null when it was not), those no full run has read (`unread`), and those `scopes` affect. */
interface Coverage {
  all: boolean;
  generation: number | null;
  unread: boolean;
  scopes: AccessScope[];
}
const EMPTY_COVERAGE: Coverage = { all: false, generation: null, unread: false, scopes: [] };

/** Two waiting requests as one run. Every generation read merged here was read before the run
 * reads its facts, so the run reflects at least the latest of them. */
function mergeCoverage(a: Coverage, b: Partial<Coverage>): Coverage {
  const generations = [a.generation, b.generation ?? null].filter((g): g is number => g !== null);
  return {
    all: a.all || (b.all ?? false),
    generation: generations.length > 0 ? Math.max(...generations) : null,
    unread: a.unread || (b.unread ?? false),
    scopes: b.scopes ? [...a.scopes, ...b.scopes] : a.scopes,
  };
}

/** The access generation (one row; see the header). */
async function readGeneration(db: Db): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`select n from access_generation where id`));
  if (!row) throw new Error('access_generation holds no row');
  return Number(row.n);
}
