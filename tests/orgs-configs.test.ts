/**
 * Configurations in organisations (issue #20 items 1 and 7): creating one in an organisation
 * (the `config_creators` policy, another tenant's id), the listing by workspace, and moving a
 * configuration in, out and between organisations with the permission rules, the organisation's
 * default team grants applied and the old ones gone, everything it had still there, and the
 * audit trail in both organisations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { eventually } from './helpers/wait.ts';
import { BUILDABLE } from './helpers/world.ts';

const { server } = useTestServer({ redis: 'orgs-configs', artifactsDir: path.join(mkdtempSync(path.join(tmpdir(), 'orgs-configs-')), 'artifacts') });
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;

type Call = ReturnType<typeof authed>;
const as = (who: TestUser): Call => authed(server.url, who.token);
const send = (call: Call, p: string, method: string, body?: unknown) => call(p, { method, body: body === undefined ? undefined : JSON.stringify(body) });

async function newOrg(owner: TestUser, name: string): Promise<string> {
  return ((await (await send(as(owner), '/api/orgs', 'POST', { name })).json()) as { id: string }).id;
}

async function join(inviter: TestUser, orgId: string, who: TestUser, role: string): Promise<void> {
  const { token } = (await (await send(as(inviter), `/api/orgs/${orgId}/invitations`, 'POST', { email: who.user.email, role })).json()) as { token: string };
  expect((await send(as(who), '/api/org-invitations/accept', 'POST', { token })).status).toBe(200);
}

async function create(who: TestUser, body: Record<string, unknown>): Promise<Response> {
  return send(as(who), '/api/configs', 'POST', body);
}

/** A team with a default role, with `member` in it (teams have routes of their own). */
async function team(orgId: string, defaultRole: string | null, member: TestUser): Promise<string> {
  const db = server.database.db;
  const [row] = rows(await db.execute(sql`insert into teams (org_id, name, default_role) values (${orgId}::uuid, ${`team ${Math.random()}`}, ${defaultRole}) returning id::text`));
  await db.execute(sql`insert into team_members (team_id, user_id, org_id) values (${row.id as string}::uuid, ${member.user.id}::uuid, ${orgId}::uuid)`);
  return row.id as string;
}

const grantsOn = async (configId: string) =>
  rows(await server.database.db.execute(sql`select team_id::text as team, org_id::text as org, role from team_config_grants where config_id = ${configId}::uuid order by role`));
const roleOn = async (who: TestUser, configId: string) => {
  const res = await as(who)(`/api/configs/${configId}`);
  return res.status === 200 ? ((await res.json()) as { role: string }).role : res.status;
};

describe('configurations in organisations', () => {
  it('are created by members the policy allows, with the default team grants; another tenant gets 404', async () => {
    const [ada, bob, cai, tom, eve] = await Promise.all(['Ada', 'Bob', 'Cai', 'Tom', 'Eve'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada, 'Makers');
    await join(ada, orgId, bob, 'admin');
    await join(ada, orgId, cai, 'member');
    await join(ada, orgId, tom, 'member');
    const kernelTeam = await team(orgId, 'editor', tom);
    await team(orgId, null, cai);

    const made = await create(cai, { name: 'by a member', orgId });
    expect(made.status).toBe(201);
    const config = (await made.json()) as { id: string; orgId: string };
    expect(config.orgId).toBe(orgId);
    // Cai owns it as its creator; Tom edits it through his team's default role; the team with
    // no default role got nothing.
    expect(await roleOn(cai, config.id)).toBe('owner');
    expect(await grantsOn(config.id)).toEqual([{ team: kernelTeam, org: orgId, role: 'editor' }]);
    expect(await roleOn(tom, config.id)).toBe('editor');

    // Import takes the organisation too: in the JSON body, or as ?orgId= for a .conf file.
    const imported = await send(as(cai), '/api/configs/import', 'POST', { name: 'imported', data: { BOARD: 'rock-5b' }, orgId });
    expect(imported.status).toBe(201);
    expect(((await imported.json()) as { orgId: string }).orgId).toBe(orgId);
    const fromConf = await as(cai)(`/api/configs/import?orgId=${orgId}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'BOARD=rock-5b\n' });
    expect(fromConf.status).toBe(201);
    const confConfig = (await fromConf.json()) as { id: string; orgId: string };
    expect(confConfig.orgId).toBe(orgId);
    expect(await roleOn(tom, confConfig.id)).toBe('editor');

    // Only admins, when the policy says so: the refusal names the policy.
    await server.database.db.execute(sql`update organisations set config_creators = 'admins' where id = ${orgId}::uuid`);
    const refused = await create(cai, { name: 'not any more', orgId });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/config_creators/);
    expect((await send(as(cai), '/api/configs/import', 'POST', { name: 'nor this', data: {}, orgId })).status).toBe(403);
    expect((await create(bob, { name: 'by an admin', orgId })).status).toBe(201);

    // Outside it, or no such organisation: 404, nothing made. A malformed id is a 422 or a 404.
    const before = rows(await server.database.db.execute(sql`select count(*)::int as n from configs`))[0].n;
    expect((await create(eve, { name: 'sneaky', orgId })).status).toBe(404);
    expect((await create(eve, { name: 'sneaky', orgId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await create(eve, { name: 'sneaky', orgId: 'nope' })).status).toBe(404);
    expect((await create(eve, { name: 'sneaky', orgId: 42 })).status).toBe(422);
    expect(rows(await server.database.db.execute(sql`select count(*)::int as n from configs`))[0].n).toBe(before);
    // Personal configurations stay possible.
    const personal = (await (await create(eve, { name: 'mine' })).json()) as { orgId: string | null };
    expect(personal.orgId).toBeNull();
  });

  it('list by workspace: an organisation, personal, or everything with its organisation', async () => {
    const ada = await signUp(server.url, 'Ada');
    const a = await newOrg(ada, 'A');
    const b = await newOrg(ada, 'B');
    const ids: Record<string, string> = {};
    for (const [name, orgId] of [['in a', a], ['in b', b], ['mine', null]] as const) {
      ids[name] = ((await (await create(ada, { name, ...(orgId ? { orgId } : {}) })).json()) as { id: string }).id;
    }
    const list = async (q: string) => ((await (await as(ada)(`/api/configs${q}`)).json()) as Array<{ name: string; orgId: string | null }>).map((c) => `${c.name}:${c.orgId}`).sort();
    expect(await list('')).toEqual([`in a:${a}`, `in b:${b}`, 'mine:null']);
    expect(await list(`?org=${a}`)).toEqual([`in a:${a}`]);
    expect(await list('?org=personal')).toEqual(['mine:null']);
    expect(await list('?org=00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('move: in, between and out with the permission rules; its history, comments, builds and links stay', async () => {
    const [ada, bob, ed, tom, tess, eve] = await Promise.all(['Ada', 'Bob', 'Ed', 'Tom', 'Tess', 'Eve'].map((n) => signUp(server.url, n)));
    const a = await newOrg(bob, 'Org A');
    const b = await newOrg(bob, 'Org B');
    const strict = await newOrg(bob, 'Strict');
    const elsewhere = await newOrg(eve, 'Eve Co');
    await join(bob, a, ada, 'member');
    await join(bob, b, ada, 'member');
    await join(bob, strict, ada, 'member');
    await join(bob, a, tom, 'member');
    await join(bob, b, tess, 'member');
    await server.database.db.execute(sql`update organisations set config_creators = 'admins', member_role = null where id = ${strict}::uuid`);
    await server.database.db.execute(sql`update organisations set member_role = null where id in (${a}::uuid, ${b}::uuid)`);
    const teamA = await team(a, 'editor', tom);
    const teamB = await team(b, 'commenter', tess);

    // Ada's personal configuration, with a history, a comment, a build, a share link and an editor.
    const configId = ((await (await create(ada, { name: 'travelling', data: BUILDABLE })).json()) as { id: string }).id;
    const asAda = as(ada);
    expect((await send(asAda, `/api/configs/${configId}/data`, 'PATCH', { BOARD: 'orangepi5' })).status).toBe(200);
    await eventually(async () => expect(((await (await asAda(`/api/configs/${configId}/history`)).json()) as { entries: unknown[] }).entries.length).toBeGreaterThan(0));
    expect((await send(asAda, `/api/configs/${configId}/versions`, 'POST', { label: 'before the move' })).status).toBe(201);
    expect((await send(asAda, `/api/configs/${configId}/comments`, 'POST', { body: 'keep me', anchor: { path: '/BOARD' } })).status).toBe(201);
    expect((await send(asAda, `/api/configs/${configId}/builds`, 'POST', {})).status).toBe(202);
    const link = (await (await send(asAda, `/api/configs/${configId}/shares`, 'POST', { role: 'viewer', label: 'for the board' })).json()) as { token: string };
    const invited = (await (await send(asAda, `/api/configs/${configId}/members`, 'POST', { email: ed.user.email, role: 'editor' })).json()) as { token: string };
    expect((await send(as(ed), '/api/invitations/accept', 'POST', { token: invited.token })).status).toBe(200);
    const move = (who: TestUser, orgId: string | null) => send(as(who), `/api/configs/${configId}/move`, 'POST', { orgId });

    // Only its owner moves it, only where they may create, never into another tenant.
    expect((await move(ed, a)).status).toBe(403);
    expect((await move(eve, elsewhere)).status).toBe(404);
    expect((await move(ada, elsewhere)).status).toBe(404);
    expect((await move(ada, strict)).status).toBe(403);
    expect((await send(asAda, `/api/configs/${configId}/move`, 'POST', { orgId: 'x' })).status).toBe(422);
    expect((await send(asAda, `/api/configs/${configId}/move`, 'POST', {})).status).toBe(422);

    // Personal → A: A's team default applies; Bob (A's owner) owns it through A.
    expect(await (await move(ada, a)).json()).toEqual({ id: configId, orgId: a, moved: true });
    expect(await grantsOn(configId)).toEqual([{ team: teamA, org: a, role: 'editor' }]);
    expect(await roleOn(tom, configId)).toBe('editor');
    expect(await roleOn(bob, configId)).toBe('owner');
    // Moving again to where it is changes nothing.
    expect(await (await move(ada, a)).json()).toEqual({ id: configId, orgId: a, moved: false });

    // A → B: Ada is only a member of A, and taking it out of A needs an admin of A.
    const refused = await move(ada, b);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/admin or owner/);
    await send(as(bob), `/api/orgs/${a}/members/${ada.user.id}`, 'PATCH', { role: 'admin' });
    expect((await move(ada, b)).status).toBe(200);
    // A's team lost its grant, B's got its default; Tom no longer sees it, Tess comments.
    expect(await grantsOn(configId)).toEqual([{ team: teamB, org: b, role: 'commenter' }]);
    expect(await roleOn(tom, configId)).toBe(404);
    expect(await roleOn(tess, configId)).toBe('commenter');

    // B → personal: B's owner (who owns it through B) may take it out; Ada stays its owner.
    expect((await move(bob, null)).status).toBe(200);
    expect(await grantsOn(configId)).toEqual([]);
    expect(await roleOn(bob, configId)).toBe(404);
    expect(await roleOn(tess, configId)).toBe(404);
    expect(await roleOn(ada, configId)).toBe('owner');

    // Everything it had is still there, and still works.
    expect(await roleOn(ed, configId)).toBe('editor');
    expect(((await (await asAda(`/api/configs/${configId}/versions`)).json()) as Array<{ label: string }>).map((v) => v.label)).toContain('before the move');
    expect(JSON.stringify(await (await asAda(`/api/configs/${configId}/comments`)).json())).toContain('keep me');
    expect(((await (await asAda(`/api/configs/${configId}/builds`)).json()) as unknown[]).length).toBe(1);
    expect((await fetch(`${server.url}/api/shares/${link.token}`)).status).toBe(200);
    expect(((await (await asAda(`/api/configs/${configId}/history`)).json()) as { entries: unknown[] }).entries.length).toBeGreaterThan(0);

    // The audit trail: each organisation saw it arrive and leave.
    const moves = rows(
      await server.database.db.execute(sql`select org_id::text as org, actor_id::text as actor, target from audit_log where action = 'config.moved' and config_id = ${configId}::uuid order by id`),
    );
    expect(moves).toEqual([
      { org: a, actor: ada.user.id, target: { from: null, to: a } },
      { org: a, actor: ada.user.id, target: { from: a, to: b } },
      { org: b, actor: ada.user.id, target: { from: a, to: b } },
      { org: b, actor: bob.user.id, target: { from: b, to: null } },
    ]);
  });
});
