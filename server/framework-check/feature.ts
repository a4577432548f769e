/**
 * The framework check as a feature: asks a builder whether the Armbian framework accepts a
 * configuration (`routes.ts`); answers 503 without a build queue.
 */
import type { BuildsContext } from '../builds/builds-context.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { frameworkCheckRoutes } from './routes.ts';

export function frameworkCheckFeature(core: FeatureCore, deps: { builds: BuildsContext | null }): Feature {
  return { name: 'framework-check', routes: [{ at: '/api', routes: frameworkCheckRoutes({ ...core, ...deps, manager: core.rooms }) }] };
}
