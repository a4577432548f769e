/**
 * Teams over REST (docs/architecture.md, "Organisations"): organisation admins create, rename
 * and delete teams and choose their members among the organisation's; members read them; a team
 * given a role on a configuration gives its members that role (REST reads follow at once);
 * another organisation's team ids are 404 everywhere; every change is in the audit log.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTeamStore } from '../server/teams/team-store.ts';
import { signUp } from './helpers/auth.ts';
import { createOrgFixture } from './helpers/org-fixture.ts';
import { useTestServer } from './helpers/rig.ts';

// Many accounts per test (each arrangement has its own people): the per-address sign-up limit is raised.
const { server } = useTestServer({ limits: { signupsPerAddress: 1_000 } });
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;
const put = (body?: unknown) => ({ method: 'PUT', body: body === undefined ? undefined : JSON.stringify(body) });

describe('teams', () => {
  it('are created, renamed and deleted by admins, read by members; names are unique per organisation', async () => {
    const o = await createOrgFixture(server, 'Crud');
    const admin = await o.member('Crud admin', 'admin');
    const member = await o.member('Crud member');
    const made = await o.as(admin)(`/api/orgs/${o.orgId}/teams`, { method: 'POST', body: JSON.stringify({ name: ' kernel ', defaultRole: 'editor' }) });
    expect(made.status).toBe(201);
    const team = (await made.json()) as { id: string };
    expect(team).toMatchObject({ name: 'kernel', defaultRole: 'editor', members: [] });

    // Same name again: 409; a member may not create; bad bodies are 422 with the path.
    const dup = await o.as(admin)(`/api/orgs/${o.orgId}/teams`, { method: 'POST', body: JSON.stringify({ name: 'kernel' }) });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe('team_exists');
    expect((await o.as(member)(`/api/orgs/${o.orgId}/teams`, { method: 'POST', body: JSON.stringify({ name: 'release' }) })).status).toBe(403);
    for (const body of [{ name: '  ' }, { name: 'x'.repeat(61) }, { name: 'ok', defaultRole: 'king' }, { name: 'ok', extra: 1 }]) {
      const bad = await o.as(admin)(`/api/orgs/${o.orgId}/teams`, { method: 'POST', body: JSON.stringify(body) });
      expect(bad.status, JSON.stringify(body)).toBe(422);
    }

    const release = await o.team('release');
    const renamed = await o.as(admin)(`/api/orgs/${o.orgId}/teams/${release}`, { method: 'PATCH', body: JSON.stringify({ name: 'releases', defaultRole: 'viewer' }) });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'releases', defaultRole: 'viewer', appliedTo: 0 });
    expect((await o.as(admin)(`/api/orgs/${o.orgId}/teams/${release}`, { method: 'PATCH', body: JSON.stringify({ name: 'kernel' }) })).status).toBe(409);

    // Any member reads the teams with their members and default roles.
    const list = (await (await o.as(member)(`/api/orgs/${o.orgId}/teams`)).json()) as Array<{ name: string; defaultRole: string | null }>;
    expect(list.map((t) => [t.name, t.defaultRole])).toEqual([
      ['kernel', 'editor'],
      ['releases', 'viewer'],
    ]);

    expect((await o.as(member)(`/api/orgs/${o.orgId}/teams/${release}`, { method: 'DELETE' })).status).toBe(403);
    expect((await o.as(admin)(`/api/orgs/${o.orgId}/teams/${release}`, { method: 'DELETE' })).status).toBe(204);
    expect((await o.as(admin)(`/api/orgs/${o.orgId}/teams/${release}`, { method: 'DELETE' })).status).toBe(404);
    expect(((await (await o.as(member)(`/api/orgs/${o.orgId}/teams`)).json()) as unknown[]).length).toBe(1);

    const audit = rows(await server.database.db.execute(sql`select action, actor_id::text as actor from audit_log where org_id = ${o.orgId} and action like 'team.%' order by id`));
    expect(audit.map((a) => a.action)).toEqual(['team.created', 'team.created', 'team.renamed', 'team.default_role_changed', 'team.deleted']);
    expect(audit[0].actor).toBe(admin.user.id);
  });

  it('take only members of the organisation; another organisation\'s ids are 404', async () => {
    const o = await createOrgFixture(server, 'Members');
    const other = await createOrgFixture(server, 'Elsewhere');
    const ann = await o.member('Ann');
    const outsider = await signUp(server.url, 'Outsider');
    const kernel = await o.team('kernel');
    const theirs = await other.team('theirs');
    const base = `/api/orgs/${o.orgId}/teams/${kernel}/members`;

    expect((await o.as(o.owner)(`${base}/${ann.user.id}`, put())).status).toBe(204);
    expect((await o.as(o.owner)(`${base}/${ann.user.id}`, put())).status).toBe(204); // already in: same answer
    const refused = await o.as(o.owner)(`${base}/${outsider.user.id}`, put());
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_org_member');
    expect((await o.as(o.owner)(`${base}/not-a-uuid`, put())).status).toBe(422);
    const [team] = (await (await o.as(ann)(`/api/orgs/${o.orgId}/teams`)).json()) as Array<{ members: Array<{ userId: string; name: string }> }>;
    expect(team.members).toEqual([expect.objectContaining({ userId: ann.user.id, name: 'Ann' })]);

    // Another organisation's team through this organisation's path, and this organisation's team
    // by the other organisation's owner: both "unknown", as for ids that do not exist.
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${theirs}/members/${ann.user.id}`, put())).status).toBe(404);
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${theirs}`, { method: 'PATCH', body: '{"name":"mine"}' })).status).toBe(404);
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${theirs}`, { method: 'DELETE' })).status).toBe(404);
    expect((await other.as(other.owner)(`/api/orgs/${o.orgId}/teams`)).status).toBe(404);
    expect((await other.as(other.owner)(`/api/orgs/${other.orgId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(404);
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/not-a-uuid`, { method: 'DELETE' })).status).toBe(404);

    expect((await o.as(o.owner)(`${base}/${ann.user.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await o.as(o.owner)(`${base}/${ann.user.id}`, { method: 'DELETE' })).status).toBe(404);
    const audit = rows(await server.database.db.execute(sql`select action, target from audit_log where org_id = ${o.orgId} and action like 'team.member%' order by id`));
    expect(audit).toEqual([
      { action: 'team.member_added', target: expect.objectContaining({ userId: ann.user.id, team: 'kernel' }) },
      { action: 'team.member_removed', target: expect.objectContaining({ userId: ann.user.id, team: 'kernel' }) },
    ]);
  });

  it('grants on a configuration give the team\'s members that role; removing it takes it away', async () => {
    const o = await createOrgFixture(server, 'Grants');
    const other = await createOrgFixture(server, 'Grants other');
    const ann = await o.member('Ann');
    const configId = await o.config('board');
    const kernel = await o.team('kernel');
    const theirs = await other.team('theirs');
    await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, put());
    const asAnn = o.as(ann);

    expect((await asAnn(`/api/configs/${configId}`)).status).toBe(404); // nothing yet
    const grant = await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'viewer' }));
    expect(grant.status).toBe(200);
    expect(await grant.json()).toEqual({ teamId: kernel, role: 'viewer' });
    const read = await asAnn(`/api/configs/${configId}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { role: string }).role).toBe('viewer');
    expect((await asAnn(`/api/configs/${configId}`, { method: 'PATCH', body: '{"name":"by ann"}' })).status).toBe(403);

    await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'editor' }));
    expect((await asAnn(`/api/configs/${configId}`, { method: 'PATCH', body: '{"name":"by ann"}' })).status).toBe(200);
    // A team member is not an owner: they may not hand out access.
    expect((await asAnn(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'owner' }))).status).toBe(403);

    // Another organisation's team, a bad role, a personal configuration.
    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${theirs}`, put({ role: 'viewer' }))).status).toBe(404);
    expect((await other.as(other.owner)(`/api/configs/${configId}/teams/${theirs}`, put({ role: 'viewer' }))).status).toBe(404);
    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'boss' }))).status).toBe(422);
    const personal = (await (await o.as(o.owner)('/api/configs', { method: 'POST', body: '{"name":"mine"}' })).json()) as { id: string };
    const noTeams = await o.as(o.owner)(`/api/configs/${personal.id}/teams/${kernel}`, put({ role: 'viewer' }));
    expect(noTeams.status).toBe(422);
    expect(((await noTeams.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'personal_configuration' });

    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(204);
    expect((await asAnn(`/api/configs/${configId}`)).status).toBe(404);
    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(404);

    const audit = rows(await server.database.db.execute(sql`select action, config_id::text as config, target from audit_log where config_id = ${configId} and action like 'team.%' order by id`));
    expect(audit.map((a) => [a.action, (a.target as { role?: string }).role ?? null])).toEqual([
      ['team.grant_set', 'viewer'],
      ['team.grant_set', 'editor'],
      ['team.grant_removed', null],
    ]);
  });

  it('a default role applied to existing configurations grants where the team has none; leaving the team or deleting it ends access', async () => {
    const o = await createOrgFixture(server, 'Default');
    const ann = await o.member('Ann');
    const a = await o.config('a');
    const b = await o.config('b');
    const kernel = await o.team('kernel');
    await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, put());
    await o.as(o.owner)(`/api/configs/${a}/teams/${kernel}`, put({ role: 'editor' }));
    const applied = await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}`, { method: 'PATCH', body: JSON.stringify({ defaultRole: 'viewer', applyToExisting: true }) });
    expect(await applied.json()).toMatchObject({ defaultRole: 'viewer', appliedTo: 1 });
    const roleOn = async (id: string) => {
      const res = await o.as(ann)(`/api/configs/${id}`);
      return res.status === 200 ? ((await res.json()) as { role: string }).role : res.status;
    };
    expect([await roleOn(a), await roleOn(b)]).toEqual(['editor', 'viewer']); // a's grant kept

    await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, { method: 'DELETE' });
    expect([await roleOn(a), await roleOn(b)]).toEqual([404, 404]);
    await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, put());
    expect(await roleOn(b)).toBe('viewer');
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(204);
    expect([await roleOn(a), await roleOn(b)]).toEqual([404, 404]);
  });

  it('someone leaving the organisation leaves its teams, and with them the teams\' roles', async () => {
    const o = await createOrgFixture(server, 'Leaving');
    const ann = await o.member('Ann');
    const configId = await o.config('board');
    const kernel = await o.team('kernel');
    await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, put());
    await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'editor' }));
    expect((await o.as(ann)(`/api/configs/${configId}`)).status).toBe(200);
    // What the organisation's member removal must call with it (the grant would stay otherwise).
    expect(await createTeamStore(server.database.db).leaveAllTeams(o.orgId, ann.user.id)).toBe(1);
    expect((await o.as(ann)(`/api/configs/${configId}`)).status).toBe(404);
  });
});
