/**
 * Configurations as a feature: create, list, read, rename, delete (`routes.ts`), the data routes
 * (`PUT …/data`, import, export; `data-routes.ts`) and the schema they follow (`/api/schema`).
 */
import type { AccessEvents } from '../access/access-control.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { createConfigRules } from './config-rules.ts';
import { configDataRoutes, schemaRoute } from './data-routes.ts';
import { configRoutes } from './routes.ts';

export function configsFeature(core: FeatureCore, deps: { events: AccessEvents }): Feature {
  const rules = createConfigRules({ events: deps.events });
  const routeDeps = { ...core, manager: core.rooms, rules };
  return {
    name: 'configs',
    routes: [
      { at: '/api/schema', routes: schemaRoute() },
      // Data routes first: `/import` must not be taken for a config id.
      { at: '/api/configs', routes: configDataRoutes(routeDeps) },
      { at: '/api/configs', routes: configRoutes(routeDeps) },
    ],
  };
}
