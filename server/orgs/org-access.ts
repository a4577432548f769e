/**
 * "May this person do this to the organisation": the organisation's counterpart of
 * `requireAction` (server/access/authorize.ts). Organisation routes are for signed-in people
 * only: a personal access token is refused (403 `token_not_allowed`), a share-link guest or no
 * credential is 401, someone outside the organisation (another tenant included) gets 404, the
 * same answer as for an id that does not exist, and a member whose role is too low gets 403.
 */
import { orgCan, ORG_ACTION_MIN_ROLE, type OrgAction, type OrgRole } from '../../shared/org-roles.ts';
import { requireSession, type Actor } from '../auth/actor.ts';
import type { Session } from '../auth/accounts.ts';
import { ApiError } from '../http-errors.ts';
import type { OrgStore } from './org-store.ts';

export interface OrgAccess {
  orgId: string;
  session: Session;
  role: OrgRole;
}

export const unknownOrganisation = () => new ApiError(404, 'not_found', 'unknown organisation');

export async function requireOrgAction(orgs: Pick<OrgStore, 'roleOf'>, actor: Actor, orgId: string, action: OrgAction): Promise<OrgAccess> {
  const session = requireSession(actor);
  const role = await orgs.roleOf(orgId, session.user.id);
  if (!role) throw unknownOrganisation();
  if (!orgCan(role, action)) throw new ApiError(403, 'forbidden', `your organisation role (${role}) may not ${action}; it needs ${ORG_ACTION_MIN_ROLE[action]}`);
  return { orgId, session, role };
}
