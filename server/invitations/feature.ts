/**
 * Invitations as a feature: invite by e-mail, accept a link (`routes.ts`); the mailer is closed on
 * shutdown.
 */
import type { AccessEvents } from '../access/access-control.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { InvitationStore } from './invitation-store.ts';
import type { Mailer } from './mailer.ts';
import { invitationRoutes } from './routes.ts';

export function invitationsFeature(core: FeatureCore, deps: { invitations: InvitationStore; events: AccessEvents; mailer: Mailer | null; publicUrl: () => string }): Feature {
  return {
    name: 'invitations',
    routes: [{ at: '/api', routes: invitationRoutes({ ...core, ...deps }) }],
    shutdown: () => deps.mailer?.close(),
  };
}
