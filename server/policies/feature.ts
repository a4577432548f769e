/**
 * Organisation policies as a feature (docs/architecture.md, "Organisations", policies): the
 * routes that read and change them. Enforcement lives where each policy bites, all reading
 * `policy-rules.ts`: the approval gate and review settings (server/review/), share links
 * (server/access/routes.ts), configuration creation (server/configs/), and the effective role
 * (`member_role`, the SQL function `boardroom_effective_role`).
 */
import type { AccessEvents } from '../access/access-control.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { createPolicyStore } from './policy-store.ts';
import { policyRoutes } from './routes.ts';

export function policiesFeature(core: FeatureCore, deps: { events: AccessEvents }): Feature {
  const policies = createPolicyStore(core.db);
  return {
    name: 'policies',
    routes: [{ at: '/api/orgs', routes: policyRoutes({ db: core.db, orgs: core.orgs, policies, audit: core.audit, events: deps.events, push: core.bus.publish }) }],
  };
}
