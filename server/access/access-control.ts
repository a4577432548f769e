/**
 * Live enforcement of access changes. A change (a member added, lowered or removed, a link edited
 * or revoked, a session ended, a configuration deleted) is announced as an invalidation: which
 * configuration, user, link or session it touches, never a decided role. Every process, this one
 * first, then re-decides its affected connections with the access policy against Postgres
 * (`auth/access-revalidation.ts`): a connection that may no longer read is closed, a lowered role
 * is applied live (edits start being dropped, presence shows the new role), and its expiry stays
 * the earlier of session and link (architecture.md, "Access").
 */
import type { AccessEnforcer, AccessScope } from '../auth/access-revalidation.ts';
import { CloseCode } from '../../shared/protocol.ts';
import type { Role } from '../../shared/roles.ts';
import type { Connection } from '../sync/connection.ts';
import { restampConnection } from '../sync/presence.ts';
import type { Room } from '../sync/room.ts';
import type { ConnectionRegistry } from '../ws-transport.ts';

export type { AccessScope };

/** How often expiry of links and sessions is checked for live connections: the issue asks for
 * "within a second", so half of that. */
export const EXPIRY_SWEEP_MS = 500;

export interface AccessEvents {
  /**
   * Access within `scope` changed in Postgres (call after the change is committed). Re-decides
   * the affected connections here (the promise resolves when that is done) and announces the
   * change to every other process, which does the same.
   */
  invalidate(scope: AccessScope): Promise<void>;
  /**
   * The configuration moved to another organisation (call after the move is committed): every
   * process reloads its rooms under the new tenant (RoomManager.relocate; their bus channel is
   * named with it) and re-decides the access of everyone who reconnects, as after `invalidate`.
   */
  moved(configId: string): Promise<void>;
}

/** What travels between processes: only what changed, never a decision. A process of an older
 * release reads `moved` as an unknown message and re-checks everything, which is safe. */
export type AccessMessage = { type: 'invalidate'; scope: AccessScope } | { type: 'moved'; configId: string };

/** The configuration of a `moved` message, or null for any other message. */
export function movedConfigOf(message: unknown): string | null {
  if (!message || typeof message !== 'object') return null;
  const { type, configId } = message as { type?: unknown; configId?: unknown };
  return type === 'moved' && typeof configId === 'string' ? configId : null;
}

/** Carries access invalidations to every server process (their live sessions must end too). */
export interface AccessEventBus {
  publish(message: AccessMessage): void;
  subscribe(handler: (message: unknown) => void): void;
}

/** A message this process can act on precisely; anything else (an older process during a
 * rolling upgrade, a malformed one) means "something changed": re-check everything. */
export function scopeOf(message: unknown): AccessScope | null {
  if (!message || typeof message !== 'object') return null;
  const { type, scope } = message as { type?: unknown; scope?: Record<string, unknown> };
  if (type !== 'invalidate' || !scope || typeof scope !== 'object') return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (text(scope.sessionId)) return { sessionId: scope.sessionId as string };
  if (text(scope.accountId)) return { accountId: scope.accountId as string };
  if (!text(scope.configId)) return null;
  return { configId: scope.configId as string, userId: text(scope.userId), linkId: text(scope.linkId) };
}

export function createAccessControl(deps: {
  registry: ConnectionRegistry;
  /** The configuration's loaded rooms, one per open document (a role change restamps presence
   * in the one holding the connection). */
  roomsOf: (configId: string) => Room[];
  bus?: AccessEventBus;
  /** Re-decides connections (the revalidator's `recheck`; without a scope: all of them). */
  recheck: (scope?: AccessScope) => Promise<void>;
  /** A session ended (here or on another process): drop any cached copy of it. */
  forgetSession?: (sessionId: string) => void;
  /** Admission's remembered roles (access/admission-cache.ts): drop what a scope may have
   * changed (everything without one), before connections are re-decided. */
  forgetAccess?: (scope?: AccessScope) => void;
  /** A re-check found a person's access changed: drop all their remembered roles. */
  forgetPerson?: (userId: string) => void;
  /** A configuration moved: reload its rooms here (RoomManager.relocate). */
  relocate?: (configId: string) => void;
}) {
  const { registry } = deps;

  const apply = (scope: AccessScope): Promise<void> => {
    if ('sessionId' in scope) deps.forgetSession?.(scope.sessionId);
    deps.forgetAccess?.(scope);
    return deps.recheck(scope);
  };

  const relocated = (configId: string): Promise<void> => {
    deps.relocate?.(configId);
    return apply({ configId });
  };

  const events: AccessEvents = {
    invalidate(scope) {
      deps.bus?.publish({ type: 'invalidate', scope });
      return apply(scope);
    },
    moved(configId) {
      deps.bus?.publish({ type: 'moved', configId });
      return relocated(configId);
    },
  };
  deps.bus?.subscribe((message) => {
    const moved = movedConfigOf(message);
    if (moved) {
      void relocated(moved);
      return;
    }
    const scope = scopeOf(message);
    if (scope) {
      void apply(scope);
      return;
    }
    deps.forgetAccess?.();
    void deps.recheck();
  });

  const timer = setInterval(() => {
    const now = Date.now();
    // Runs twice a second over every connection: it allocates only for what it closes (closing
    // changes the sets being walked, so those are collected first).
    let expired: Connection[] | undefined;
    for (const set of registry.byConfig.values()) {
      for (const conn of set) if (conn.principal.expiresAt !== undefined && conn.principal.expiresAt <= now) (expired ??= []).push(conn);
    }
    for (const conn of expired ?? []) conn.close(CloseCode.accessRevoked);
  }, EXPIRY_SWEEP_MS);
  timer.unref();

  /** What a re-decision does to a connection whose verdict changed. The person's remembered roles
   * go too: the change may be one whose invalidation never arrived. */
  const forgetWho = (conn: Connection) => {
    if (conn.principal.who.kind === 'member') deps.forgetPerson?.(conn.principal.who.userId);
  };
  const enforcer: AccessEnforcer = {
    close(conn, close) {
      forgetWho(conn);
      conn.close(close);
    },
    setRole(configId: string, conn: Connection, role: Role) {
      forgetWho(conn);
      conn.principal.role = role;
      conn.toldReadOnly = false;
      // The connection is in one of the configuration's documents' rooms.
      const room = deps.roomsOf(configId).find((r) => r.connections.has(conn));
      if (room) restampConnection(room.awareness, conn);
    },
  };

  return { events, enforcer, close: () => clearInterval(timer) };
}
