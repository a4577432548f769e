/**
 * History and review, assembled for `server.ts`: the change log's room hooks, the REST routes
 * (mounted under `/api/configs`) and a `close` that writes the change log out on shutdown.
 *
 * For the build route: `createBuildVersion` (server/history/versions.ts) freezes every accepted
 * build as a version; `mayStartBuild` (server/review/build-permission.ts) is the one decision whether a
 * state may be built, for every path that starts a build.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import { users } from '../../shared/node/db/auth-schema.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import type { AccessStore } from '../auth/access-store.ts';
import type { AppEnv } from '../auth/actor.ts';
import type { Db } from '../db/connect.ts';
import { ChangeLog } from '../history/change-log.ts';
import { historyRoutes } from '../history/routes.ts';
import { createBuildVersion } from '../history/versions.ts';
import type { BuildGate } from '../routes/builds.ts';
import type { DocStorage } from '../storage/types.ts';
import type { RoomHooks } from '../sync/room.ts';
import type { RoomManager } from '../sync/room-manager.ts';
import { mayStartBuild } from './build-permission.ts';
import { reviewRoutes } from './routes.ts';

export { createBuildVersion, type BuildSnapshot } from '../history/versions.ts';
export { checkBuildApproval, type ApprovalCheck } from './reviews.ts';
export { mayStartBuild, type BuildPermission } from './build-permission.ts';

export interface HistoryAndReview {
  hooks: RoomHooks;
  routes: Hono<AppEnv>;
  changeLog: ChangeLog;
  /** For the build routes: `mayStartBuild` (build-permission.ts) decides for every path that
   * starts a build; `accepted` records a version of every accepted build. */
  buildGate: BuildGate;
  close(): Promise<void>;
}

export function createHistoryAndReview(deps: {
  db: Db;
  storage: DocStorage;
  manager: RoomManager;
  access: AccessStore;
  logger: Logger;
}): HistoryAndReview {
  // Live events go to the configuration's ext clients on every server process, whether or not
  // this process has the room loaded (the REST call may land on a process nobody edits through).
  const push: ExtPublisher = (configId, kind, payload) => deps.manager.publishExt(configId, kind, payload);
  const changeLog = new ChangeLog({ db: deps.db, logger: deps.logger.child({ part: 'change-log' }), push });
  const routes = new Hono<AppEnv>();
  // Authors include bursts still in this process's memory (written within FLUSH_INTERVAL_MS).
  const approval = { db: deps.db, authors: changeLog.authorsBetween.bind(changeLog) };
  routes.route('/', historyRoutes({ ...deps, changeLog, push }));
  routes.route('/', reviewRoutes({ ...deps, push, authors: approval.authors }));
  const buildGate: BuildGate = {
    mayStartBuild: (request) => mayStartBuild(approval, request),
    async accepted(info) {
      try {
        const [user] = info.userId ? await deps.db.select({ name: users.name }).from(users).where(eq(users.id, info.userId)) : [];
        const version = await createBuildVersion(
          { db: deps.db },
          { ...info, schemaVersion: SCHEMA_VERSION, requestedBy: info.userId ? { id: info.userId, name: user?.name ?? 'Unknown' } : null },
        );
        push(info.configId, 'version', { action: 'created', version });
      } catch (error) {
        // The build is queued either way; a missing version is a gap in history, not a failed build.
        deps.logger.error({ err: error, buildId: info.buildId }, 'could not record the build as a version');
      }
    },
  };
  return { hooks: changeLog.hooks, routes, changeLog, buildGate, close: () => changeLog.close() };
}
