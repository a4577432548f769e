/** Route descriptions of organisations (docs/architecture.md, "Organisations"). */
import { ORG_ROLES } from '../../shared/org-roles.ts';
import { ROLES, SHARE_ROLES } from '../../shared/roles.ts';
import { arrayOf, bool, dateTime, empty, int, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';
import { ORG_NAME_MAX } from './org-store.ts';

export const orgView = obj({ id: uuid, name: str(), role: oneOfStrings(ORG_ROLES), createdAt: dateTime }, ['id', 'name', 'role']);

/** The organisation's policies as read by any member (server/orgs/org-store.ts `policiesOf`). */
export const policiesView = obj(
  {
    memberRole: nullable(oneOfStrings(ROLES)),
    requireApproval: bool,
    requiredApprovals: int({ minimum: 1 }),
    allowedLinkRoles: arrayOf(oneOfStrings(SHARE_ROLES)),
    maxLinkLifetimeMs: nullable(int({ minimum: 1 })),
    configCreators: oneOfStrings(['members', 'admins']),
    auditRetentionDays: int({ minimum: 1 }),
  },
  ['memberRole', 'requireApproval', 'requiredApprovals', 'allowedLinkRoles', 'maxLinkLifetimeMs', 'configCreators'],
);

export const NEW_ORG_BODY = obj({ name: str({ minLength: 1, maxLength: ORG_NAME_MAX, pattern: '\\S' }) }, ['name'], { additionalProperties: false });
export const MEMBER_ROLE_BODY = obj({ role: oneOfStrings(ORG_ROLES) }, ['role'], { additionalProperties: false });
export const ORG_INVITE_BODY = obj({ email: str({ minLength: 1 }), role: oneOfStrings(ORG_ROLES) }, ['email', 'role'], { additionalProperties: false });
export const ORG_INVITATION_TOKEN_BODY = obj({ token: str({ minLength: 1 }) }, ['token']);
export const MOVE_BODY = obj({ orgId: nullable(uuid) }, ['orgId'], { additionalProperties: false });

const memberView = obj({ userId: uuid, name: str(), email: str(), role: oneOfStrings(ORG_ROLES), joinedAt: dateTime }, ['userId', 'name', 'email', 'role']);
const invitationView = obj(
  { id: uuid, email: str(), role: oneOfStrings(ORG_ROLES), createdAt: dateTime, expiresAt: dateTime, delivery: oneOfStrings(['email', 'link']), token: str(), url: str(), mailError: str() },
  ['id', 'email', 'role'],
);

export const orgsApi: ApiSpec = {
  tag: 'organisations',
  description: 'Organisations (workspaces): members with organisation roles, teams, policies and the audit log.',
  operations: {
    'GET /api/orgs': { summary: 'The organisations I belong to, with my role in each', access: { signedIn: true }, responses: { 200: json(arrayOf(orgView)) } },
    'POST /api/orgs': { summary: 'Create an organisation (I become its owner)', access: { signedIn: true }, body: NEW_ORG_BODY, responses: { 201: json(orgView, 'Created') } },
    'GET /api/orgs/:orgId': {
      summary: 'An organisation: name, my role and its policies',
      access: { orgAction: 'readOrg' },
      responses: { 200: json(obj({ id: uuid, name: str(), role: oneOfStrings(ORG_ROLES), policies: policiesView }, ['id', 'name', 'role', 'policies'])) },
    },
    'PATCH /api/orgs/:orgId': { summary: 'Rename the organisation', access: { orgAction: 'manageOrg' }, body: NEW_ORG_BODY, responses: { 200: json(obj({ id: uuid, name: str() }, ['id', 'name'])) } },
    'DELETE /api/orgs/:orgId': {
      summary: 'Delete the organisation',
      description: '409 `org_not_empty` while any configuration (the trashed ones included) still belongs to it: move or delete them first, so nothing is lost.',
      access: { orgAction: 'manageOrg' },
      responses: { 204: empty('Deleted') },
    },
    'GET /api/orgs/:orgId/members': { summary: 'The members: name, address and organisation role', access: { orgAction: 'readOrg' }, responses: { 200: json(arrayOf(memberView)) } },
    'PATCH /api/orgs/:orgId/members/:userId': {
      summary: "Change a member's organisation role",
      description: 'Only an owner makes or unmakes an owner (403); the last owner is never demoted (409 `last_owner`).',
      access: { orgAction: 'manageMembers' },
      body: MEMBER_ROLE_BODY,
      responses: { 200: json(obj({ userId: uuid, role: oneOfStrings(ORG_ROLES) }, ['userId', 'role'])) },
    },
    'DELETE /api/orgs/:orgId/members/:userId': {
      summary: 'Remove a member (with their team memberships here), or leave (your own id; any member)',
      description: 'Only an owner removes an owner; the last owner never goes (409 `last_owner`).',
      access: { orgAction: 'manageMembers' },
      responses: { 204: empty('Removed') },
    },
    'POST /api/orgs/:orgId/invitations': {
      summary: 'Invite someone by e-mail (a member once they open the link and accept)',
      description: 'An owner role only by an owner. Without a mailer (or when sending failed) the answer holds `token` and `url`, this once.',
      access: { orgAction: 'manageMembers' },
      body: ORG_INVITE_BODY,
      responses: { 201: json(invitationView, 'Invited') },
    },
    'GET /api/orgs/:orgId/invitations': { summary: 'Pending invitations', access: { orgAction: 'manageMembers' }, responses: { 200: json(arrayOf(invitationView)) } },
    'DELETE /api/orgs/:orgId/invitations/:invitationId': { summary: 'Revoke a pending invitation', access: { orgAction: 'manageMembers' }, responses: { 204: empty('Revoked') } },
    'POST /api/org-invitations/lookup': {
      summary: 'What an organisation invitation token offers',
      access: { public: true },
      body: ORG_INVITATION_TOKEN_BODY,
      responses: { 200: json(obj({ orgId: uuid, orgName: str(), role: oneOfStrings(ORG_ROLES), email: str(), invitedBy: nullable(str()), expiresAt: dateTime }, ['orgId', 'orgName', 'role'])) },
    },
    'POST /api/org-invitations/accept': {
      summary: 'Accept an organisation invitation (become a member)',
      description: 'Someone already in the organisation keeps the higher of their role and the offered one.',
      access: { signedIn: true },
      body: ORG_INVITATION_TOKEN_BODY,
      responses: { 200: json(obj({ orgId: uuid, role: oneOfStrings(ORG_ROLES) }, ['orgId', 'role'])) },
    },
    'POST /api/configs/:id/move': {
      summary: 'Move a configuration into an organisation, out of one (`orgId: null`) or between two',
      description:
        "The configuration's owner, who may create configurations in the target organisation; taking it out of an organisation also needs an admin or owner of it. History, comments, builds, links and members stay; the old organisation's team grants go, the new one's default team roles apply.",
      access: { action: 'transfer' },
      body: MOVE_BODY,
      responses: { 200: json(obj({ id: uuid, orgId: nullable(uuid), moved: bool }, ['id', 'orgId', 'moved'])) },
    },
  },
};
