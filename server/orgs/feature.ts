/**
 * Organisations as a feature (docs/architecture.md, "Organisations"): the organisation itself,
 * its members and invitations, and moving configurations between workspaces.
 */
import type { AccessEvents } from '../access/access-control.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { Mailer } from '../invitations/mailer.ts';
import { memberRoutes } from './member-routes.ts';
import { moveRoutes } from './move-routes.ts';
import { createOrgInvitationStore } from './org-invitation-store.ts';
import { orgInvitationLinkRoutes, orgInvitationRoutes } from './org-invitation-routes.ts';
import { createOrgMembers } from './org-members.ts';
import { orgRoutes } from './routes.ts';

export interface OrgsFeatureDeps {
  events: AccessEvents;
  /** Null without `SMTP_URL`: invitation links are handed to the admin. */
  mailer: Mailer | null;
  publicUrl: () => string;
}

export function orgsFeature(core: FeatureCore, deps: OrgsFeatureDeps): Feature {
  const members = createOrgMembers(core.db);
  const invitations = createOrgInvitationStore(core.db);
  const base = { orgs: core.orgs, audit: core.audit, events: deps.events };
  const invitationDeps = { ...base, invitations, mailer: deps.mailer, logger: core.logger, publicUrl: deps.publicUrl };
  return {
    name: 'organisations',
    routes: [
      { at: '/api/orgs', routes: orgRoutes({ ...base, members }) },
      { at: '/api/orgs', routes: memberRoutes({ ...base, members }) },
      { at: '/api/orgs', routes: orgInvitationRoutes(invitationDeps) },
      { at: '/api/org-invitations', routes: orgInvitationLinkRoutes(invitationDeps) },
      { at: '/api/configs', routes: moveRoutes({ ...base, db: core.db, access: core.access }) },
    ],
  };
}
