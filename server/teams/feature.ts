/** Teams as a feature (docs/architecture.md, "Organisations"): teams of an organisation, their
 * grants on its configurations, and where each person's access comes from. */
import type { AccessEvents } from '../access/access-control.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { teamRoutes } from './routes.ts';
import { createTeamStore } from './team-store.ts';

export function teamsFeature(core: FeatureCore, deps: { events: AccessEvents }): Feature {
  return {
    name: 'teams',
    routes: [{ at: '/api', routes: teamRoutes({ db: core.db, teams: createTeamStore(core.db), orgs: core.orgs, access: core.access, audit: core.audit, events: deps.events }) }],
  };
}
