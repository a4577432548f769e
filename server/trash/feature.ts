/**
 * The trash as a feature: deleted configurations listed and restored (`routes.ts`), and the
 * hourly expiry sweep (`trash-sweep.ts`, which also deletes the purged configurations' artifact
 * files when builds are configured), stopped on shutdown.
 */
import type { Feature, FeatureCore } from '../features/feature.ts';
import { trashRoutes } from './routes.ts';
import { createTrashStore } from './trash-store.ts';
import { startTrashSweep, type DeleteArtifactsOf, type TrashSweep } from './trash-sweep.ts';

export function trashFeature(core: FeatureCore, deps: { deleteArtifactsOf?: DeleteArtifactsOf }): Feature & { sweep: TrashSweep } {
  const trash = createTrashStore(core.db);
  const retentionDays = core.settings.trashRetentionDays;
  const sweep = startTrashSweep({ store: trash, retentionDays, logger: core.logger, deleteArtifactsOf: deps.deleteArtifactsOf });
  return {
    name: 'trash',
    routes: [{ at: '/api', routes: trashRoutes({ ...core, trash, retentionDays }) }],
    shutdown: () => sweep.close(),
    sweep,
  };
}
