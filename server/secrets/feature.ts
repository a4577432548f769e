/**
 * First-boot secrets as a feature (docs/security.md, "First-boot secrets"): the write-only routes
 * (`routes.ts`) over the sealed values of `config_secrets`. Builds read which secrets are set when
 * they are requested (server/builds/routes.ts) and a builder opens the values
 * (builder/run-build.ts); nothing of them enters the document.
 */
import type { FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import { createConfigSecretStore, type ConfigSecretStore } from '../../shared/node/secrets/config-secrets.ts';
import type { Sealer } from '../../shared/node/secrets/sealed.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { Person } from '../history/people.ts';
import { secretRoutes } from './routes.ts';

export interface SecretsFeature extends Feature {
  store: ConfigSecretStore;
}

export function secretsFeature(
  core: FeatureCore,
  deps: { sealer: Sealer; recordChange(configId: string, name: FirstbootSecretName, op: 'add' | 'change' | 'remove', by: Person): Promise<void> },
): SecretsFeature {
  const store = createConfigSecretStore(core.db);
  return {
    name: 'secrets',
    store,
    routes: [{ at: '/api/configs', routes: secretRoutes({ db: core.db, access: core.access, audit: core.audit, store, sealer: deps.sealer, recordChange: deps.recordChange }) }],
  };
}
