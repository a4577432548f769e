/**
 * Teams (docs/architecture.md, "Organisations"):
 *
 * - `/api/orgs/:orgId/teams…`: list (any member), create, rename, default role, delete, add and
 *   remove members (organisation admins: `manageTeams`). A team id of another organisation is
 *   the same 404 as one that does not exist.
 * - `/api/configs/:id/teams/:teamId`: a team's role on one configuration, set or removed by the
 *   configuration's owners (`manageAccess`); the team must be of the configuration's organisation.
 * - `GET /api/configs/:id/access`: who has access and where it comes from (the Share dialog).
 *
 * Every change is announced with `events.invalidate` after it is committed, so open WebSockets
 * and the admission cache follow it, and recorded in the audit log.
 */
import { Hono } from 'hono';
import type { Role } from '../../shared/roles.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { requireAction } from '../access/authorize.ts';
import type { AccessEvents } from '../access/access-control.ts';
import type { AccessStore } from '../auth/access-store.ts';
import type { AppEnv } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { ApiError, notFound } from '../http-errors.ts';
import { requireOrgAction } from '../orgs/org-access.ts';
import type { OrgStore } from '../orgs/org-store.ts';
import { accessSources, teamGrantsOf } from './access-sources.ts';
import { NEW_TEAM_BODY, TEAM_GRANT_BODY, TEAM_PATCH_BODY } from './api-spec.ts';
import { MAX_TEAMS_PER_ORG, TeamNameTaken, type TeamStore } from './team-store.ts';

export interface TeamRouteDeps {
  db: Db;
  teams: TeamStore;
  orgs: OrgStore;
  access: AccessStore;
  audit: AuditLog;
  events: AccessEvents;
}

const unknownTeam = () => notFound('team');
const nameTaken = (name: string) => new ApiError(409, 'team_exists', `the organisation already has a team named “${name}”`);

type TeamBody = { name?: string; defaultRole?: Role | null; applyToExisting?: boolean };
const readNewTeam = validatedBody<TeamBody & { name: string }>(NEW_TEAM_BODY);
const readTeamPatch = validatedBody<TeamBody>(TEAM_PATCH_BODY);
const readGrant = validatedBody<{ role: Role }>(TEAM_GRANT_BODY);

export function teamRoutes(deps: TeamRouteDeps): Hono<AppEnv> {
  const { teams, events, audit } = deps;
  const app = new Hono<AppEnv>();

  /** The organisation (checked for `action`) and the team, which must be one of its. */
  const orgTeam = async (c: { get(k: 'actor'): AppEnv['Variables']['actor']; req: { param(n: string): string } }) => {
    const access = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageTeams');
    const team = await teams.find(access.orgId, c.req.param('teamId'));
    if (!team) throw unknownTeam();
    return { ...access, team };
  };

  /** People whose access changed on every configuration the team touches: re-decided by account. */
  const invalidateAccounts = async (userIds: Iterable<string>) => {
    for (const accountId of new Set(userIds)) await events.invalidate({ accountId });
  };

  /** A default role given to existing configurations: each one that got a grant is re-decided. */
  const applyDefault = async (orgId: string, teamId: string, role: Role, by: string, teamName: string) => {
    const configIds = await teams.grantOnAllConfigs(orgId, teamId, role, by);
    for (const configId of configIds) await events.invalidate({ configId });
    if (configIds.length > 0) await audit.record({ action: 'team.grant_set', actorId: by, orgId, target: { teamId, teamName, role, configs: configIds.length, defaultApplied: true } });
    return configIds.length;
  };

  app.get('/orgs/:orgId/teams', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readOrg');
    return c.json(await teams.list(orgId));
  });

  app.post('/orgs/:orgId/teams', async (c) => {
    const { orgId, session } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageTeams');
    const body = await readNewTeam(c);
    const name = body.name.trim();
    if ((await teams.count(orgId)) >= MAX_TEAMS_PER_ORG) throw new ApiError(422, 'too_many_teams', `an organisation may have at most ${MAX_TEAMS_PER_ORG} teams`);
    let team;
    try {
      team = await teams.create(orgId, name, body.defaultRole ?? null);
    } catch (e) {
      if (e instanceof TeamNameTaken) throw nameTaken(name);
      throw e;
    }
    await audit.record({ action: 'team.created', actorId: session.user.id, orgId, target: { teamId: team.id, name, defaultRole: team.defaultRole } });
    if (body.applyToExisting && team.defaultRole) await applyDefault(orgId, team.id, team.defaultRole, session.user.id, name);
    return c.json({ ...team, members: [] }, 201);
  });

  app.patch('/orgs/:orgId/teams/:teamId', async (c) => {
    const { orgId, session, team } = await orgTeam(c);
    const body = await readTeamPatch(c);
    const name = body.name?.trim();
    try {
      if (!(await teams.update(orgId, team.id, { name, defaultRole: body.defaultRole }))) throw unknownTeam();
    } catch (e) {
      if (e instanceof TeamNameTaken) throw nameTaken(name!);
      throw e;
    }
    if (name !== undefined && name !== team.name) await audit.record({ action: 'team.renamed', actorId: session.user.id, orgId, target: { teamId: team.id, from: team.name, to: name } });
    const defaultRole = body.defaultRole !== undefined ? body.defaultRole : team.defaultRole;
    if (body.defaultRole !== undefined && body.defaultRole !== team.defaultRole) {
      await audit.record({ action: 'team.default_role_changed', actorId: session.user.id, orgId, target: { teamId: team.id, name: name ?? team.name, from: team.defaultRole, to: body.defaultRole } });
    }
    const appliedTo = body.applyToExisting && defaultRole ? await applyDefault(orgId, team.id, defaultRole, session.user.id, name ?? team.name) : 0;
    return c.json({ id: team.id, name: name ?? team.name, defaultRole, appliedTo });
  });

  app.put('/orgs/:orgId/teams/:teamId/members/:userId', async (c) => {
    const { orgId, session, team } = await orgTeam(c);
    const userId = c.req.param('userId');
    const result = await teams.addMember(orgId, team.id, userId);
    if (result === 'not_member') {
      throw new ApiError(422, 'not_org_member', 'only members of the organisation can join its teams; invite them to the organisation first', [
        { path: '/userId', message: 'not a member of the organisation', keyword: 'membership' },
      ]);
    }
    if (result === 'added') {
      await events.invalidate({ accountId: userId });
      await audit.record({ action: 'team.member_added', actorId: session.user.id, orgId, target: { teamId: team.id, team: team.name, userId } });
    }
    return c.body(null, 204);
  });

  app.delete('/orgs/:orgId/teams/:teamId/members/:userId', async (c) => {
    const { orgId, session, team } = await orgTeam(c);
    const userId = c.req.param('userId');
    if (!(await teams.removeMember(orgId, team.id, userId))) throw notFound('team member');
    await events.invalidate({ accountId: userId });
    await audit.record({ action: 'team.member_removed', actorId: session.user.id, orgId, target: { teamId: team.id, team: team.name, userId } });
    return c.body(null, 204);
  });

  /** The configuration's organisation, for a route its owners may use; a personal one has none. */
  const configOrg = async (c: { get(k: 'actor'): AppEnv['Variables']['actor'] }, configId: string) => {
    const me = await requireAction(deps, c.get('actor'), configId, 'manageAccess');
    const orgId = await teams.orgOfConfig(configId);
    if (orgId === undefined) throw notFound();
    return { me, orgId };
  };

  app.get('/configs/:id/access', async (c) => {
    const id = c.req.param('id');
    const { orgId } = await configOrg(c, id);
    // The configuration's grants as its tenant (RLS, server/db/tenant.ts); the organisation's
    // teams are the organisation's, read as before.
    const [[people, grants], orgTeams] = await Promise.all([
      withConfigTenant(deps.db, id, async (tx) => [await accessSources(tx, id), await teamGrantsOf(tx, id)] as const),
      orgId ? teams.list(orgId) : Promise.resolve([]),
    ]);
    return c.json({ orgId, people, teams: grants, orgTeams: orgTeams.map((t) => ({ id: t.id, name: t.name })) });
  });

  app.put('/configs/:id/teams/:teamId', async (c) => {
    const id = c.req.param('id');
    const { me, orgId } = await configOrg(c, id);
    if (!orgId) throw new ApiError(422, 'personal_configuration', 'a personal configuration has no teams: move it into an organisation to give teams a role on it');
    const team = await teams.find(orgId, c.req.param('teamId'));
    if (!team) throw unknownTeam();
    const { role } = await readGrant(c);
    const actorId = me.session?.user.id ?? null;
    const before = await teams.setGrant(orgId, id, team.id, role, actorId);
    await events.invalidate({ configId: id });
    if (before !== role) await audit.record({ action: 'team.grant_set', actorId, orgId, configId: id, target: { teamId: team.id, team: team.name, role, before } });
    return c.json({ teamId: team.id, role });
  });

  app.delete('/configs/:id/teams/:teamId', async (c) => {
    const id = c.req.param('id');
    const { me, orgId } = await configOrg(c, id);
    if (!orgId) throw new ApiError(422, 'personal_configuration', 'a personal configuration has no teams');
    const team = await teams.find(orgId, c.req.param('teamId'));
    if (!team || !(await teams.removeGrant(id, team.id))) throw unknownTeam();
    await events.invalidate({ configId: id });
    await audit.record({ action: 'team.grant_removed', actorId: me.session?.user.id ?? null, orgId, configId: id, target: { teamId: team.id, team: team.name } });
    return c.body(null, 204);
  });

  // Last: the matrix (tests/permission-expectations.ts) runs routes in this order, and deleting
  // the fixture's team must come after every route that names it.
  app.delete('/orgs/:orgId/teams/:teamId', async (c) => {
    const { orgId, session, team } = await orgTeam(c);
    const gone = await teams.remove(orgId, team.id);
    if (!gone) throw unknownTeam();
    // Its members lost whatever it gave them, on every configuration at once.
    await invalidateAccounts(gone.memberIds);
    for (const configId of gone.configIds) await events.invalidate({ configId });
    await audit.record({ action: 'team.deleted', actorId: session.user.id, orgId, target: { teamId: team.id, name: team.name, grants: gone.configIds.length, members: gone.memberIds.length } });
    return c.body(null, 204);
  });

  return app;
}
