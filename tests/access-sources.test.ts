/**
 * `GET /api/configs/:id/access`: every person with access to an organisation's configuration,
 * their effective role and each grant it comes from (ownership, direct, team, organisation);
 * and the sources' SQL (server/teams/access-sources.ts) agreeing with `boardroom_effective_role`
 * for everyone, so the Share dialog can never explain a role the server does not apply.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { roleRank, type Role } from '../shared/roles.ts';
import { signUp } from './helpers/auth.ts';
import { createOrgFixture } from './helpers/org-fixture.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember } from './helpers/server.ts';

// Many accounts per test (each arrangement has its own people): the per-address sign-up limit is raised.
const { server } = useTestServer({ limits: { signupsPerAddress: 1_000 } });
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;
const put = (body: unknown) => ({ method: 'PUT', body: JSON.stringify(body) });

interface Access {
  orgId: string | null;
  people: Array<{ userId: string; name: string; role: Role; sources: Array<{ kind: string; role: Role; teamName?: string; orgRole?: string }> }>;
  teams: Array<{ teamId: string; teamName: string; role: Role; members: number }>;
  orgTeams: Array<{ id: string; name: string }>;
}

describe('where access comes from', () => {
  it('lists each person with their effective role and every source, highest first', async () => {
    const o = await createOrgFixture(server, 'Sources', 'viewer');
    const admin = await o.member('Ada admin', 'admin');
    const kim = await o.member('Kim kernel');
    const rex = await o.member('Rex release');
    const guest = await signUp(server.url, 'Gus guest'); // not in the organisation: a direct member only
    const configId = await o.config('board');
    const kernel = await o.team('kernel');
    const release = await o.team('release');
    await o.team('idle'); // no grant: in orgTeams, not in teams
    for (const [team, who] of [
      [kernel, kim],
      [release, kim],
      [release, rex],
    ] as const)
      await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${team}/members/${who.user.id}`, { method: 'PUT' });
    await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'editor' }));
    await o.as(o.owner)(`/api/configs/${configId}/teams/${release}`, put({ role: 'commenter' }));
    await addMember({ url: server.url, token: o.owner.token }, configId, rex, 'editor');
    await addMember({ url: server.url, token: o.owner.token }, configId, guest, 'viewer');

    const res = await o.as(o.owner)(`/api/configs/${configId}/access`);
    expect(res.status).toBe(200);
    const access = (await res.json()) as Access;
    expect(access.orgId).toBe(o.orgId);
    const of = (id: string) => access.people.find((p) => p.userId === id);
    expect(of(o.owner.user.id)).toMatchObject({ role: 'owner', sources: [{ kind: 'owner', role: 'owner' }, { kind: 'organisation', orgRole: 'owner', role: 'owner' }] });
    expect(of(admin.user.id)).toMatchObject({ role: 'owner', sources: [{ kind: 'organisation', orgRole: 'admin', role: 'owner' }] });
    expect(of(kim.user.id)).toMatchObject({
      role: 'editor',
      sources: [
        { kind: 'team', teamName: 'kernel', role: 'editor' },
        { kind: 'team', teamName: 'release', role: 'commenter' },
        { kind: 'organisation', orgRole: 'member', role: 'viewer' },
      ],
    });
    expect(of(rex.user.id)).toMatchObject({
      role: 'editor',
      sources: [{ kind: 'direct', role: 'editor' }, { kind: 'team', teamName: 'release', role: 'commenter' }, { kind: 'organisation', role: 'viewer' }],
    });
    expect(of(guest.user.id)).toMatchObject({ role: 'viewer', sources: [{ kind: 'direct', role: 'viewer' }] });
    expect(access.people).toHaveLength(5);
    expect(access.teams).toEqual([
      { teamId: kernel, teamName: 'kernel', role: 'editor', members: 1 },
      { teamId: release, teamName: 'release', role: 'commenter', members: 2 },
    ]);
    expect(access.orgTeams.map((t) => t.name)).toEqual(['idle', 'kernel', 'release']);

    // Removing the kernel grant: Kim is a commenter through release, and the list says so.
    await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'DELETE' });
    const after = (await (await o.as(o.owner)(`/api/configs/${configId}/access`)).json()) as Access;
    expect(after.people.find((p) => p.userId === kim.user.id)).toMatchObject({ role: 'commenter', sources: [{ kind: 'team', teamName: 'release' }, { kind: 'organisation' }] });

    // Only owners see it; a team editor may not.
    await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, put({ role: 'editor' }));
    expect((await o.as(kim)(`/api/configs/${configId}/access`)).status).toBe(403);
    expect((await o.as(guest)(`/api/configs/${configId}/access`)).status).toBe(403);
  });

  it('a personal configuration has no organisation and no teams', async () => {
    const ada = await signUp(server.url, 'Ada');
    const res = await fetch(`${server.url}/api/configs`, { method: 'POST', headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' }, body: '{"name":"mine"}' });
    const { id } = (await res.json()) as { id: string };
    const access = (await (await fetch(`${server.url}/api/configs/${id}/access`, { headers: { authorization: `Bearer ${ada.token}` } })).json()) as Access;
    expect(access).toEqual({ orgId: null, people: [{ userId: ada.user.id, name: 'Ada', email: ada.user.email, role: 'owner', sources: [{ kind: 'owner', role: 'owner' }] }], teams: [], orgTeams: [] });
  });

  it('the highest source equals boardroom_effective_role for every person, in every arrangement tried', async () => {
    // Several organisation member roles, grants of every role, people in several teams, direct
    // grants above and below their team's: the highest source must be the function's answer, and
    // nobody the function gives a role may be missing from the list.
    const checks: string[] = [];
    for (const memberRole of [null, 'viewer', 'commenter', 'editor']) {
      const o = await createOrgFixture(server, `Agree ${memberRole}`, memberRole);
      const people = [await o.member('P admin', 'admin'), await o.member('P one'), await o.member('P two'), await o.member('P three'), await signUp(server.url, 'P outside'), await o.member('P bystander')];
      const configId = await o.config('c');
      const teamRoles: Role[] = ['viewer', 'editor', 'owner'];
      const teamIds = [];
      for (const [i, role] of teamRoles.entries()) {
        const team = await o.team(`t${i}`);
        teamIds.push(team);
        await o.as(o.owner)(`/api/configs/${configId}/teams/${team}`, put({ role }));
      }
      // P one in t0; P two in t0 and t1; P three in t2; the admin in t1; the bystander in none.
      for (const [team, who] of [
        [0, 1],
        [0, 2],
        [1, 2],
        [2, 3],
        [1, 0],
      ] as const)
        await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${teamIds[team]}/members/${people[who].user.id}`, { method: 'PUT' });
      await addMember({ url: server.url, token: o.owner.token }, configId, people[1], 'commenter');
      await addMember({ url: server.url, token: o.owner.token }, configId, people[4], 'editor');
      const access = (await (await o.as(o.owner)(`/api/configs/${configId}/access`)).json()) as Access;
      for (const who of [o.owner, ...people]) {
        const [row] = rows(await server.database.db.execute(sql`select boardroom_effective_role(${configId}::uuid, ${who.user.id}::uuid) as role`));
        const listed = access.people.find((p) => p.userId === who.user.id);
        const highest = listed ? listed.sources.map((s) => s.role).reduce((a, b) => (roleRank(a) >= roleRank(b) ? a : b)) : null;
        checks.push(`${memberRole} ${who.user.name}: function ${row.role ?? 'none'}, role ${listed?.role ?? 'none'}, highest source ${highest ?? 'none'}`);
        expect(highest, checks.at(-1)).toBe(row.role ?? null);
        expect(listed?.role ?? null, checks.at(-1)).toBe(row.role ?? null);
      }
    }
    // The arrangements really differ: some people get their role from a team, others from the
    // organisation or nothing at all.
    expect(checks.some((c) => c.includes('function none'))).toBe(true);
    expect(checks.some((c) => /P three: function owner/.test(c))).toBe(true);
  });
});
