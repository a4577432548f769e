/**
 * History as a feature (docs/architecture.md, "Features"): the change log's room hooks,
 * the history, version, diff and restore routes (mounted under `/api/configs`), a version of
 * every accepted build (`recordBuild`), and a shutdown that writes the change log out.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../shared/node/db/auth-schema.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import type { BuildGate } from '../builds/routes.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { ChangeLog } from './change-log.ts';
import { historyRoutes } from './routes.ts';
import { createBuildVersion, type VersionMeta } from './versions.ts';

export { createBuildVersion, type BuildSnapshot } from './versions.ts';

export interface HistoryFeature extends Feature {
  changeLog: ChangeLog;
  /** For the build routes: records every accepted build as a version. */
  recordBuild: NonNullable<BuildGate['accepted']>;
}

export function historyFeature(core: FeatureCore, deps: { onVersionCreated?: (configId: string, version: VersionMeta) => void } = {}): HistoryFeature {
  // Live events go to the configuration's ext clients on every server process, whether or not
  // this process has the room loaded (the REST call may land on a process nobody edits through).
  const push = core.bus.publish;
  const changeLog = new ChangeLog({ db: core.db, logger: core.logger.child({ part: 'change-log' }), push });
  return {
    name: 'history',
    roomHooks: changeLog.hooks,
    routes: [{ at: '/api/configs', routes: historyRoutes({ ...core, manager: core.rooms, changeLog, push, onVersionCreated: deps.onVersionCreated }) }],
    shutdown: () => changeLog.close(),
    changeLog,
    async recordBuild(info) {
      try {
        const [user] = info.userId ? await core.db.select({ name: users.name }).from(users).where(eq(users.id, info.userId)) : [];
        const version = await createBuildVersion(
          { db: core.db },
          { ...info, schemaVersion: SCHEMA_VERSION, requestedBy: info.userId ? { id: info.userId, name: user?.name ?? 'Unknown' } : null },
        );
        push(info.configId, 'version', { action: 'created', version });
        deps.onVersionCreated?.(info.configId, version);
      } catch (error) {
        // The build is queued either way; a missing version is a gap in history, not a failed build.
        core.logger.error({ err: error, buildId: info.buildId }, 'could not record the build as a version');
      }
    },
  };
}
