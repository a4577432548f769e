/**
 * The userpatches tree's REST side as a feature (docs/architecture.md, "Document layout", the
 * files root): uploads into `file_blobs`, single-file and tarball downloads (`routes.ts`). The
 * tree's placement rules live in the update check, not here: they hold for every writer.
 */
import type { Feature, FeatureCore } from '../features/feature.ts';
import { createBlobStore } from './blob-store.ts';
import { fileRoutes } from './routes.ts';

export function filesFeature(core: FeatureCore): Feature {
  return {
    name: 'files',
    routes: [{ at: '/api/configs', routes: fileRoutes({ storage: core.storage, manager: core.rooms, access: core.access, blobs: createBlobStore(core.db), maxFileBytes: core.settings.fileMaxBytes }) }],
  };
}
