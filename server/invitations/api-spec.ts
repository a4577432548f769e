/** Route descriptions of invitations (docs/architecture.md, "REST API description"). */
import { SHARE_ROLES } from '../../shared/roles.ts';
import { empty, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

/** `POST /api/configs/:id/members`: the address's form is checked after normalizing it. */
export const INVITE_BODY = obj({ email: str(), role: oneOfStrings(SHARE_ROLES) }, ['email', 'role']);
/** `POST /api/invitations/lookup|accept`: the token from the invitation link. */
export const INVITATION_TOKEN_BODY = obj({ token: str({ minLength: 1 }) }, ['token']);

const invitation = obj({ id: uuid, email: str(), role: str(), delivery: oneOfStrings(['email', 'link']), token: str(), url: str() }, ['id', 'delivery']);

export const invitationsApi: ApiSpec = {
  tag: 'invitations',
  description: 'Invitations to a configuration by e-mail or link.',
  operations: {
    'POST /api/configs/:id/members': {
      summary: 'Invite someone by e-mail (a member once they accept)',
      access: { action: 'manageAccess' },
      body: INVITE_BODY,
      responses: { 201: json(invitation, 'Invited') },
    },
    'DELETE /api/configs/:id/invitations/:invitationId': { summary: 'Withdraw a pending invitation', access: { action: 'manageAccess' }, responses: { 204: empty('Withdrawn') } },
    'POST /api/invitations/lookup': {
      summary: 'What an invitation token is for',
      access: { public: true },
      body: INVITATION_TOKEN_BODY,
      responses: { 200: json(obj({ configId: uuid, configName: str(), role: str(), email: str(), invitedBy: nullable(str()), expiresAt: str() }, ['configId', 'configName', 'role'])) },
    },
    'POST /api/invitations/accept': {
      summary: 'Accept an invitation (become a member)',
      access: { signedIn: true },
      body: INVITATION_TOKEN_BODY,
      responses: { 200: json(obj({ configId: uuid, role: str() }, ['configId', 'role'])) },
    },
  },
};
