/**
 * Live enforcement of access changes: a revoked or expired link, a removed member or a signed-out
 * session ends its WebSocket sessions at once; a lowered role is applied to them live (edits
 * start being dropped, presence shows the new role).
 */
import { CloseCode } from '../shared/protocol.ts';
import type { Role } from '../shared/roles.ts';
import type { AccessEnforcer } from './auth/access-revalidation.ts';
import type { Connection } from './sync/connection.ts';
import { restampConnection } from './sync/presence.ts';
import type { RoomManager } from './sync/room-manager.ts';
import type { ConnectionRegistry } from './ws-transport.ts';

/** How often expiry of links and sessions is checked for live connections: the issue asks for
 * "within a second", so half of that. */
export const EXPIRY_SWEEP_MS = 500;

export interface AccessEvents {
  shareRevoked(configId: string, shareId: string): void;
  shareRoleChanged(configId: string, shareId: string, role: Role, expiresAt: Date | null): void;
  memberChanged(configId: string, userId: string, role: Role | null): void;
  sessionRevoked(sessionId: string): void;
  configDeleted(configId: string): void;
}

/** Carries access events to every server process (their live sessions must end too). */
export interface AccessEventBus {
  publish(event: { type: keyof AccessEvents; args: unknown[] }): void;
  subscribe(handler: (event: { type: keyof AccessEvents; args: unknown[] }) => void): void;
}

export function createAccessControl(deps: {
  registry: ConnectionRegistry;
  manager: RoomManager;
  bus?: AccessEventBus;
  /** A session ended (here or on another process): drop any cached copy of it. */
  forgetSession?: (sessionId: string) => void;
}) {
  const { registry, manager } = deps;
  const each = (configId: string | null, match: (c: Connection) => boolean, act: (c: Connection) => void) => {
    const sets = configId ? [registry.byConfig.get(configId) ?? new Set<Connection>()] : [...registry.byConfig.values()];
    for (const set of sets) for (const conn of [...set]) if (match(conn)) act(conn);
  };
  const setRole = (configId: string, conn: Connection, role: Role) => {
    conn.principal.role = role;
    conn.toldReadOnly = false;
    const room = manager.peek(configId);
    if (room) restampConnection(room.awareness, conn);
  };

  const events: AccessEvents = {
    shareRevoked(configId, shareId) {
      each(configId, (c) => c.principal.shareId === shareId, (c) => c.close(CloseCode.accessRevoked));
    },
    shareRoleChanged(configId, shareId, role, expiresAt) {
      each(configId, (c) => c.principal.shareId === shareId, (c) => {
        c.principal.expiresAt = expiresAt?.getTime();
        setRole(configId, c, role);
      });
    },
    memberChanged(configId, userId, role) {
      each(configId, (c) => c.principal.userId === userId && !c.principal.shareId, (c) => {
        if (role) setRole(configId, c, role);
        else c.close(CloseCode.accessRevoked);
      });
    },
    sessionRevoked(sessionId) {
      deps.forgetSession?.(sessionId);
      each(null, (c) => c.principal.sessionId === sessionId, (c) => c.close(CloseCode.accessRevoked));
    },
    configDeleted(configId) {
      each(configId, () => true, (c) => c.close(CloseCode.notFound));
    },
  };

  // Events apply here and are published to the other processes, which apply them to theirs.
  const local = events;
  const shared: AccessEvents = {
    shareRevoked: (...args) => fan('shareRevoked', args),
    shareRoleChanged: (...args) => fan('shareRoleChanged', args),
    memberChanged: (...args) => fan('memberChanged', args),
    sessionRevoked: (...args) => fan('sessionRevoked', args),
    configDeleted: (...args) => fan('configDeleted', args),
  };
  function fan(type: keyof AccessEvents, args: unknown[]): void {
    (local[type] as (...a: unknown[]) => void)(...args);
    deps.bus?.publish({ type, args: args.map((a) => (a instanceof Date ? a.toISOString() : a)) });
  }
  deps.bus?.subscribe(({ type, args }) => {
    if (!(type in local)) return;
    // Dates travel as ISO strings (only shareRoleChanged carries one).
    const revived = type === 'shareRoleChanged' && typeof args[3] === 'string' ? [...args.slice(0, 3), new Date(args[3])] : args;
    (local[type] as (...a: unknown[]) => void)(...revived);
  });

  const timer = setInterval(() => {
    const now = Date.now();
    each(null, (c) => c.principal.expiresAt !== undefined && c.principal.expiresAt <= now, (c) => c.close(CloseCode.accessRevoked));
  }, EXPIRY_SWEEP_MS);
  timer.unref();

  /** What the re-check against Postgres (auth/access-revalidation.ts) does to a connection: the
   * same as the live events above. */
  const enforcer: AccessEnforcer = {
    close: (conn, close) => conn.close(close),
    setRole(configId, conn, role, expiresAt) {
      conn.principal.expiresAt = expiresAt;
      setRole(configId, conn, role);
    },
  };

  return { events: shared, enforcer, close: () => clearInterval(timer) };
}
