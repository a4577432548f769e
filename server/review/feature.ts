/**
 * Reviews as a feature: comments, reviews and approval rules (`routes.ts`, mounted under
 * `/api/configs`), and `mayStartBuild` (`build-permission.ts`), the one decision whether a state
 * may be built, which every path that starts a build calls. Approvals read who wrote what from
 * the change log, bursts still in this process's memory included.
 */
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { AuthorLookup } from './approval-rules.ts';
import { mayStartBuild, type BuildPermission } from './build-permission.ts';
import { reviewRoutes, type ReviewRouteDeps } from './routes.ts';

export { checkBuildApproval, type ApprovalCheck } from './reviews.ts';
export { mayStartBuild, type BuildPermission } from './build-permission.ts';

export interface ReviewFeature extends Feature {
  mayStartBuild(request: { configId: string; contentHash: string }): Promise<BuildPermission>;
}

export function reviewFeature(core: FeatureCore, deps: { authors: AuthorLookup } & Pick<ReviewRouteDeps, 'onVersionCreated' | 'onDecision'>): ReviewFeature {
  const approval = { db: core.db, authors: deps.authors };
  return {
    name: 'review',
    routes: [{ at: '/api/configs', routes: reviewRoutes({ ...core, manager: core.rooms, push: core.bus.publish, authors: deps.authors, onVersionCreated: deps.onVersionCreated, onDecision: deps.onDecision }) }],
    mayStartBuild: (request) => mayStartBuild(approval, request),
  };
}
