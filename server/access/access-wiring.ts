/**
 * The access machinery of one server process, wired together (docs/architecture.md, "Access"):
 * admission caches for members and share-link guests, the live enforcement of access changes,
 * and the revalidator that re-decides live connections against Postgres. Access changes are
 * announced as invalidations; each process drops what it remembered for the scope and re-decides
 * its affected connections, which also happens steadily and after a bus outage (an invalidation
 * can be lost while Redis is away).
 */
import type { Logger } from 'pino';
import type { AccessStore } from '../auth/access-store.ts';
import { createAccessRevalidator, type RevalidationObserver } from '../auth/access-revalidation.ts';
import type { Db } from '../db/connect.ts';
import type { Room } from '../sync/room.ts';
import type { ConnectionRegistry } from '../ws-transport.ts';
import { createAccessControl, type AccessEventBus, type AccessEvents } from './access-control.ts';
import { createAdmissionCache, type AdmissionCache } from './admission-cache.ts';
import { createLinkAdmission, type LinkAdmission } from './link-admission.ts';
import { createBatchedRead } from '../db/batched-reads.ts';
import type { Role } from '../../shared/roles.ts';

/** Role look-ups per query: a row each, and the pairs travel as three array parameters, so a
 * batch this large is still one small statement. */
export const ROLE_BATCH_MAX = 500;
/** Role queries out at once: they share the pool with room loads and everything else. */
export const ROLE_BATCHES_IN_FLIGHT = 2;

export interface AccessWiring {
  /** Announce an access change (after its commit): this process and every other re-decide. */
  events: AccessEvents;
  /** Remembered member roles for WebSocket admission. */
  admission: AdmissionCache;
  /** Remembered share links for guests' admission, with their uses written in batches. */
  linkAdmission: LinkAdmission;
  /** Stops the expiry sweep and the steady re-checks (at shutdown, before the rooms close; the
   * share-link uses still counted are written by `linkAdmission.close()` afterwards). */
  stop(): void;
}

export function createAccessWiring(deps: {
  db: Db;
  access: AccessStore;
  registry: ConnectionRegistry;
  /** The configuration's loaded rooms (rooms exist only after the features: looked up late). */
  roomsOf: (configId: string) => Room[];
  /** The cluster's access bus and reconnect signal; none for a process on its own. */
  cluster: { accessBus: AccessEventBus; onReconnect(fn: () => void): void } | null;
  /** A session ended: drop the accounts cache's copy of it. */
  forgetSession: (sessionId: string) => void;
  /** A configuration moved to another tenant: reload its rooms here (access-control.ts). */
  relocate: (configId: string) => void | Promise<void>;
  logger: Logger;
  observer: RevalidationObserver;
}): AccessWiring {
  const { access, logger } = deps;
  // The role look-ups of one turn share one query (a reconnect storm asks for hundreds at once).
  const roleOf = createBatchedRead<{ configId: string; user: { id: string; isAdmin: boolean } }, Role | null>({
    readOne: ({ configId, user }) => access.memberRole(configId, user),
    readMany: (asks) => access.memberRoles(asks),
    maxBatch: ROLE_BATCH_MAX,
    maxInFlight: ROLE_BATCHES_IN_FLIGHT,
  });
  const admission = createAdmissionCache((configId, user) => roleOf({ configId, user }));
  const linkAdmission = createLinkAdmission({
    resolveShare: (token) => access.resolveShare(token),
    addShareUses: (linkId, uses) => access.addShareUses(linkId, uses),
    onFlushError: (err) => logger.warn({ err }, 'share link uses could not be written'),
  });
  const control = createAccessControl({
    registry: deps.registry,
    roomsOf: deps.roomsOf,
    bus: deps.cluster?.accessBus,
    recheck: (scope) => revalidator.recheck(scope),
    forgetSession: deps.forgetSession,
    forgetAccess: (scope) => {
      admission.forget(scope);
      linkAdmission.forget(scope);
    },
    forgetPerson: (userId) => admission.forgetPerson(userId),
    relocate: deps.relocate,
  });
  const revalidator = createAccessRevalidator({
    db: deps.db,
    connections: () => deps.registry.byConfig,
    enforcer: control.enforcer,
    logger,
    observer: deps.observer,
  });
  // Invalidations published while the bus was away are lost: start admission over from Postgres.
  deps.cluster?.onReconnect(() => {
    admission.forget();
    linkAdmission.forget();
    revalidator.request();
  });
  return {
    events: control.events,
    admission,
    linkAdmission,
    stop() {
      control.close();
      revalidator.close();
    },
  };
}
