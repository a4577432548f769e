/** Route descriptions of organisations (docs/architecture.md, "Organisations"). */
import { ORG_ROLES } from '../../shared/org-roles.ts';
import { ROLES, SHARE_ROLES } from '../../shared/roles.ts';
import { arrayOf, bool, dateTime, int, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';
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
  },
};
