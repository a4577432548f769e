/**
 * What a feature is and what it is given (docs/architecture.md, "Features").
 *
 * A feature (the schema authority, the change log with versions and reviews, builds, share links
 * and invitations, trash, the framework check) is built from a small typed core and declares
 * everything it adds to the server: room hooks (with the policies of room-contract.ts
 * `RoomHooks`), routes mounted on the Hono app, a readiness check reported by `/health/ready`,
 * and a shutdown. `server.ts` builds the list in a declared order; that order is the order hooks
 * run and routes are mounted in, and shutdowns run in reverse.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import type { AccessStore } from '../auth/access-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { OrgStore } from '../orgs/org-store.ts';
import type { AppEnv } from '../auth/actor.ts';
import type { Db } from '../db/connect.ts';
import type { ServerLimits } from '../settings.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms, RoomHooks } from '../sync/room-contract.ts';

/** Live events to the extension clients of a configuration (`ExtPayloads`). */
export interface FeatureBus {
  /** To its clients on every server process (through the room bus). */
  publish: ExtPublisher;
  /** To this process's clients only: for news every process hears by itself. */
  deliver: ExtPublisher;
}

/** What every feature is built from. */
export interface FeatureCore {
  db: Db;
  /** Documents' stored state (snapshots and update log). */
  storage: DocStorage;
  /** The rooms: the only way into and out of a document (architecture.md, "Durability"). Use
   * them from hooks and routes; a feature being constructed must not call them (the rooms are
   * built after the features whose hooks they run, see `lateRooms`). */
  rooms: DocumentRooms;
  /** Memberships, share links, sessions: what `authorize` decides with. */
  access: AccessStore;
  bus: FeatureBus;
  /** Organisations and their members (server/orgs/org-store.ts). */
  orgs: OrgStore;
  /** Who changed access, policies, secrets or builds (server/audit/audit-log.ts). */
  audit: AuditLog;
  logger: Logger;
  /** Operator settings (server/settings.ts). */
  settings: ServerLimits;
}

/** Where a feature's routes go on the app: `at` is the prefix (`/api`, `/api/configs`). */
export interface FeatureRoutes {
  at: string;
  routes: Hono<AppEnv>;
}

export interface Feature {
  /** Names the feature in logs (a failing hook), in `/health/ready` and in close reasons. */
  readonly name: string;
  readonly roomHooks?: RoomHooks;
  /** Mounted in declaration order (earlier features' routes match first). */
  readonly routes?: readonly FeatureRoutes[];
  /** Resolves when the feature can serve; a rejection (or no answer in time) makes the process
   * unready (503) with the feature's name and reason. */
  readonly ready?: () => Promise<void>;
  /** Called once when the process stops, after every room flushed its unsaved changes (hooks no
   * longer run), in reverse declaration order: a feature stops before those it was built after. */
  readonly shutdown?: () => void | Promise<void>;
}
