/** Organisations as a feature (docs/architecture.md, "Organisations"): their routes. */
import type { Feature, FeatureCore } from '../features/feature.ts';
import { orgRoutes } from './routes.ts';

export function orgsFeature(core: FeatureCore): Feature {
  return {
    name: 'organisations',
    routes: [{ at: '/api/orgs', routes: orgRoutes({ orgs: core.orgs, audit: core.audit }) }],
  };
}
