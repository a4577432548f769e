/** Route descriptions of teams and team grants (docs/architecture.md, "Organisations"). */
import { ORG_ROLES } from '../../shared/org-roles.ts';
import { ROLES } from '../../shared/roles.ts';
import { arrayOf, bool, dateTime, empty, int, json, nullable, obj, oneOfStrings, str, uuid, type ApiSpec } from '../api-spec/operation.ts';
import { TEAM_NAME_MAX } from './team-store.ts';

const teamName = str({ minLength: 1, maxLength: TEAM_NAME_MAX, pattern: '\\S' });
const role = oneOfStrings(ROLES);

const teamMember = obj({ userId: uuid, name: str(), email: str() }, ['userId', 'name', 'email']);
const teamView = obj({ id: uuid, name: str(), defaultRole: nullable(role), members: arrayOf(teamMember), createdAt: dateTime }, ['id', 'name', 'defaultRole', 'members']);

export const NEW_TEAM_BODY = obj({ name: teamName, defaultRole: nullable(role), applyToExisting: bool }, ['name'], { additionalProperties: false });
export const TEAM_PATCH_BODY = obj({ name: teamName, defaultRole: nullable(role), applyToExisting: bool }, [], { additionalProperties: false });
export const TEAM_GRANT_BODY = obj({ role }, ['role'], { additionalProperties: false });

const source = {
  oneOf: [
    obj({ kind: oneOfStrings(['owner']), role: oneOfStrings(['owner']) }, ['kind', 'role']),
    obj({ kind: oneOfStrings(['direct']), role }, ['kind', 'role']),
    obj({ kind: oneOfStrings(['team']), teamId: uuid, teamName: str(), role }, ['kind', 'teamId', 'teamName', 'role']),
    obj({ kind: oneOfStrings(['organisation']), orgRole: oneOfStrings(ORG_ROLES), role }, ['kind', 'orgRole', 'role']),
  ],
};
const personAccess = obj({ userId: uuid, name: str(), email: str(), role, sources: arrayOf(source) }, ['userId', 'name', 'email', 'role', 'sources']);
const teamGrant = obj({ teamId: uuid, teamName: str(), role, members: int({ minimum: 0 }) }, ['teamId', 'teamName', 'role', 'members']);
const accessView = obj(
  {
    orgId: nullable(uuid),
    people: arrayOf(personAccess),
    teams: arrayOf(teamGrant),
    orgTeams: arrayOf(obj({ id: uuid, name: str() }, ['id', 'name'])),
  },
  ['orgId', 'people', 'teams', 'orgTeams'],
);

export const teamsApi: ApiSpec = {
  tag: 'teams',
  description: 'Teams of an organisation, their members, and the roles they are given on its configurations; where each person\'s access comes from.',
  operations: {
    'GET /api/orgs/:orgId/teams': { summary: 'The organisation\'s teams with their members and default role', access: { orgAction: 'readOrg' }, responses: { 200: json(arrayOf(teamView)) } },
    'POST /api/orgs/:orgId/teams': {
      summary: 'Create a team (names are unique in the organisation: 409)',
      description: 'With `defaultRole`, the team gets that role on every configuration created in or moved into the organisation; `applyToExisting` also gives it on the existing ones.',
      access: { orgAction: 'manageTeams' },
      body: NEW_TEAM_BODY,
      responses: { 201: json(teamView, 'Created') },
    },
    'PATCH /api/orgs/:orgId/teams/:teamId': {
      summary: 'Rename a team or change its default role',
      description: '`applyToExisting: true` with a default role gives the team that role on every configuration of the organisation where it has none.',
      access: { orgAction: 'manageTeams' },
      body: TEAM_PATCH_BODY,
      responses: { 200: json(obj({ id: uuid, name: str(), defaultRole: nullable(role), appliedTo: int({ minimum: 0 }) }, ['id', 'name', 'defaultRole'])) },
    },
    'PUT /api/orgs/:orgId/teams/:teamId/members/:userId': {
      summary: 'Add a member of the organisation to the team (422 for someone outside it)',
      access: { orgAction: 'manageTeams' },
      responses: { 204: empty('In the team') },
    },
    'DELETE /api/orgs/:orgId/teams/:teamId/members/:userId': { summary: 'Remove a person from the team', access: { orgAction: 'manageTeams' }, responses: { 204: empty('Removed') } },
    'DELETE /api/orgs/:orgId/teams/:teamId': { summary: 'Delete a team, its memberships and its grants', access: { orgAction: 'manageTeams' }, responses: { 204: empty('Deleted') } },
    'GET /api/configs/:id/access': {
      summary: 'Everyone with access to the configuration, their effective role and where it comes from; the teams with grants',
      access: { action: 'manageAccess' },
      responses: { 200: json(accessView) },
    },
    'PUT /api/configs/:id/teams/:teamId': {
      summary: 'Give a team of the configuration\'s organisation a role on it (a personal configuration has no teams: 422)',
      access: { action: 'manageAccess' },
      body: TEAM_GRANT_BODY,
      responses: { 200: json(obj({ teamId: uuid, role }, ['teamId', 'role'])) },
    },
    'DELETE /api/configs/:id/teams/:teamId': { summary: 'Remove a team\'s role on the configuration', access: { action: 'manageAccess' }, responses: { 204: empty('Removed') } },
  },
};
