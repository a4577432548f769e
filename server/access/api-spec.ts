/** Route descriptions of members and share links (docs/architecture.md, "REST API description"). */
import { ROLES, SHARE_ROLES } from '../../shared/roles.ts';
import { arrayOf, bool, CONFIG_SCHEMA_REF, empty, int, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';

/** `PATCH …/members/:userId`: a member's new role (never `owner`: ownership is not handed over here). */
export const MEMBER_ROLE_BODY = obj({ role: oneOfStrings(SHARE_ROLES) }, ['role']);

/** Longest label of a share link. */
export const MAX_SHARE_LABEL_LENGTH = 100;
const shareFields = {
  role: oneOfStrings(SHARE_ROLES),
  label: nullable(str({ maxLength: MAX_SHARE_LABEL_LENGTH })),
  expiresAt: nullable(str({ description: 'A date-time in the future, at most a year ahead; null: never.' })),
};
/** `POST …/shares`: role defaults to viewer, kind to live; a snapshot link is viewer only, and
 * the expiry's range is checked after. */
export const NEW_SHARE_BODY = obj({ ...shareFields, kind: oneOfStrings(['live', 'snapshot']) });
/** `PATCH …/shares/:shareId`: any of them; `{}` changes nothing. */
export const SHARE_PATCH_BODY = obj(shareFields);

const member = obj({ userId: uuid, role: oneOfStrings(ROLES) }, ['role']);
const share = obj({ id: uuid, role: str(), kind: str(), label: nullable(str()) }, ['id', 'role']);

export const accessApi: ApiSpec = {
  tag: 'access',
  description: 'Who may open a configuration: members and share links.',
  operations: {
    'GET /api/configs/:id/members': {
      summary: 'Members and pending invitations',
      access: { action: 'manageAccess' },
      responses: { 200: json(arrayOf(obj({ userId: nullable(uuid), email: str(), name: nullable(str()), role: str(), pending: bool }, ['role', 'pending']))) },
    },
    'PATCH /api/configs/:id/members/:userId': {
      summary: 'Change a member\'s role',
      access: { action: 'manageAccess' },
      body: MEMBER_ROLE_BODY,
      responses: { 200: json(member) },
    },
    'DELETE /api/configs/:id/members/:userId': { summary: 'Remove a member', access: { action: 'manageAccess' }, responses: { 204: empty('Removed') } },
    'GET /api/configs/:id/shares': { summary: 'Share links', access: { action: 'manageAccess' }, responses: { 200: json(arrayOf(share)) } },
    'GET /api/configs/:id/link-policy': {
      summary: 'What links of this configuration may be: the roles and longest lifetime its organisation allows (all roles, no limit for a personal one)',
      access: { action: 'manageAccess' },
      responses: {
        200: json(
          obj({ organisation: nullable(str()), allowedLinkRoles: arrayOf(oneOfStrings(SHARE_ROLES)), maxLinkLifetimeMs: nullable(int({ minimum: 1 })) }, ['organisation', 'allowedLinkRoles', 'maxLinkLifetimeMs']),
        ),
      },
    },
    'POST /api/configs/:id/shares': {
      summary: 'Make a share link (its token is in this answer only)',
      access: { action: 'manageAccess' },
      body: NEW_SHARE_BODY,
      responses: { 201: json({ allOf: [share, obj({ token: str(), url: str() }, ['token', 'url'])] }, 'Made') },
    },
    'PATCH /api/configs/:id/shares/:shareId': {
      summary: 'Rename a link or change its expiry',
      access: { action: 'manageAccess' },
      body: SHARE_PATCH_BODY,
      responses: { 200: json(share) },
    },
    'DELETE /api/configs/:id/shares/:shareId': { summary: 'Revoke a share link', access: { action: 'manageAccess' }, responses: { 204: empty('Revoked') } },
    'GET /api/shares/:token': {
      summary: 'What a share link opens (a snapshot link: its frozen data)',
      access: { public: true },
      responses: { 200: json(obj({ configId: uuid, name: str(), role: str(), kind: str(), label: nullable(str()), expiresAt: nullable(str()), data: CONFIG_SCHEMA_REF, frozenAt: str() }, ['configId', 'name', 'role', 'kind'])) },
    },
  },
};
