/**
 * The userpatches tree's REST side as a feature (docs/architecture.md, "Document layout", the
 * files root): uploads into the blob store (Postgres, or the object store when
 * `OBJECT_STORE_URL` is set), single-file and tarball downloads (`routes.ts`), and the hourly
 * sweep of unreferenced blobs (`blob-gc.ts`), stopped on shutdown. The tree's placement rules
 * live in the update check, not here: they hold for every writer.
 */
import { createObjectStore, type ObjectStoreSettings } from '../../shared/node/blobs/object-store.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { startBlobGc, type BlobGcSweep } from './blob-gc.ts';
import { createBlobStore, createObjectBlobStore, type BlobStore } from './blob-store.ts';
import { fileRoutes } from './routes.ts';

export function filesFeature(core: FeatureCore, deps: { objectStore: ObjectStoreSettings | null }): Feature & { blobs: BlobStore; blobGc: BlobGcSweep } {
  const blobs = deps.objectStore ? createObjectBlobStore(core.db, createObjectStore(deps.objectStore)) : createBlobStore(core.db);
  const blobGc = startBlobGc({ db: core.db, storage: core.storage, blobs, logger: core.logger });
  return {
    name: 'files',
    routes: [{ at: '/api/configs', routes: fileRoutes({ storage: core.storage, manager: core.rooms, access: core.access, blobs, logger: core.logger, maxFileBytes: core.settings.fileMaxBytes }) }],
    shutdown: () => blobGc.close(),
    blobs,
    blobGc,
  };
}
