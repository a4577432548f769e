/**
 * Members and share links as a feature: the routes that change who may do what (`routes.ts`).
 * Every change is announced as an invalidation (`access-control.ts`), which is server wiring, not
 * this feature: the sync endpoint and every process's live connections depend on it.
 */
import type { InvitationStore } from '../invitations/invitation-store.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { AccessEvents } from './access-control.ts';
import { accessRoutes } from './routes.ts';
import { createPolicyStore } from '../policies/policy-store.ts';

export function shareLinksFeature(core: FeatureCore, deps: { invitations: InvitationStore; events: AccessEvents; publicUrl: () => string; flushLinkUses?: () => Promise<void> }): Feature {
  const policies = createPolicyStore(core.db);
  return { name: 'access', routes: [{ at: '/api', routes: accessRoutes({ ...core, ...deps, manager: core.rooms, linkPolicyOf: policies.linkPolicyOf }) }] };
}
