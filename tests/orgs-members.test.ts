/**
 * An organisation's people over REST (docs/architecture.md, "Organisations"): roles and who may
 * change them (only an owner makes or unmakes an owner; the last owner never goes), leaving,
 * invitations through the proof-of-address flow (single use, expiry, revocation, another
 * tenant's ids), team memberships going with the member, the audit trail, renaming and deleting,
 * and the live effect: a removed admin's open socket to an organisation configuration closes
 * within a second.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';

const { server, clients } = useTestServer();
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;
/** The promise: access ends "within a second". */
const REVOCATION_DEADLINE_MS = 1_000;

type Call = ReturnType<typeof authed>;
const as = (who: TestUser): Call => authed(server.url, who.token);
const send = (call: Call, path: string, method: string, body?: unknown) => call(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });

async function newOrg(owner: TestUser, name = 'Acme'): Promise<string> {
  const res = await send(as(owner), '/api/orgs', 'POST', { name });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Invites `who` by link and has them accept it: the way people join. */
async function join(inviter: TestUser, orgId: string, who: TestUser, role: string): Promise<void> {
  const invited = await send(as(inviter), `/api/orgs/${orgId}/invitations`, 'POST', { email: who.user.email, role });
  expect(invited.status).toBe(201);
  const { token } = (await invited.json()) as { token: string };
  const accepted = await send(as(who), '/api/org-invitations/accept', 'POST', { token });
  expect(accepted.status).toBe(200);
}

const roleOf = async (orgId: string, viewer: TestUser, userId: string) =>
  ((await (await as(viewer)(`/api/orgs/${orgId}/members`)).json()) as Array<{ userId: string; role: string }>).find((m) => m.userId === userId)?.role ?? null;

const auditOf = async (orgId: string) =>
  rows(await server.database.db.execute(sql`select action, actor_id::text as actor, target from audit_log where org_id = ${orgId}::uuid order by id`));

describe('organisation members', () => {
  it('admins change roles; only an owner makes or unmakes an owner; the last owner stays', async () => {
    const [ada, bob, cai, eve] = await Promise.all(['Ada', 'Bob', 'Cai', 'Eve'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada);
    await join(ada, orgId, bob, 'admin');
    await join(bob, orgId, cai, 'member');

    const list = (await (await as(cai)(`/api/orgs/${orgId}/members`)).json()) as Array<Record<string, unknown>>;
    expect(list.map((m) => [m.name, m.email, m.role])).toEqual([
      ['Ada', ada.user.email, 'owner'],
      ['Bob', bob.user.email, 'admin'],
      ['Cai', cai.user.email, 'member'],
    ]);
    // Outside the organisation the members are as hidden as the organisation.
    expect((await as(eve)(`/api/orgs/${orgId}/members`)).status).toBe(404);

    // A member may not change anyone; an admin may change members and admins, not owners.
    expect((await send(as(cai), `/api/orgs/${orgId}/members/${cai.user.id}`, 'PATCH', { role: 'admin' })).status).toBe(403);
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${cai.user.id}`, 'PATCH', { role: 'admin' })).status).toBe(200);
    expect(await roleOf(orgId, ada, cai.user.id)).toBe('admin');
    const makeOwner = await send(as(bob), `/api/orgs/${orgId}/members/${cai.user.id}`, 'PATCH', { role: 'owner' });
    expect(makeOwner.status).toBe(403);
    expect(((await makeOwner.json()) as { error: { message: string } }).error.message).toMatch(/only an owner/);
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${ada.user.id}`, 'PATCH', { role: 'member' })).status).toBe(403);
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${ada.user.id}`, 'DELETE')).status).toBe(403);
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${cai.user.id}`, 'PATCH', { role: 'boss' })).status).toBe(422);
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${eve.user.id}`, 'PATCH', { role: 'member' })).status).toBe(404);

    // The last owner can neither be demoted nor leave.
    const demoteLast = await send(as(ada), `/api/orgs/${orgId}/members/${ada.user.id}`, 'PATCH', { role: 'admin' });
    expect(demoteLast.status).toBe(409);
    expect(((await demoteLast.json()) as { error: { code: string } }).error.code).toBe('last_owner');
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${ada.user.id}`, 'DELETE')).status).toBe(409);
    expect(await roleOf(orgId, ada, ada.user.id)).toBe('owner');

    // With a second owner, the first may step down.
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${bob.user.id}`, 'PATCH', { role: 'owner' })).status).toBe(200);
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${ada.user.id}`, 'PATCH', { role: 'member' })).status).toBe(200);
    expect(await roleOf(orgId, bob, ada.user.id)).toBe('member');
    // …and now Bob is the last owner.
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${bob.user.id}`, 'DELETE')).status).toBe(409);

    const audit = await auditOf(orgId);
    const changes = audit.filter((e) => e.action === 'member.role_changed').map((e) => e.target);
    expect(changes).toEqual([
      expect.objectContaining({ scope: 'org', userId: cai.user.id, from: 'member', to: 'admin' }),
      expect.objectContaining({ scope: 'org', userId: bob.user.id, from: 'admin', to: 'owner' }),
      expect.objectContaining({ scope: 'org', userId: ada.user.id, from: 'owner', to: 'member' }),
    ]);
  });

  it('a member leaves; a removed member loses the organisation and its team memberships there', async () => {
    const [ada, bob, cai] = await Promise.all(['Ada', 'Bob', 'Cai'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada);
    const otherOrg = await newOrg(ada, 'Other');
    await join(ada, orgId, bob, 'member');
    await join(ada, orgId, cai, 'member');
    await join(ada, otherOrg, cai, 'member');
    const db = server.database.db;
    const team = async (org: string, name: string) =>
      rows(await db.execute(sql`insert into teams (org_id, name) values (${org}::uuid, ${name}) returning id::text`))[0].id as string;
    const here = await team(orgId, 'kernel');
    const there = await team(otherOrg, 'kernel');
    await db.execute(sql`insert into team_members (team_id, user_id, org_id) values (${here}::uuid, ${cai.user.id}::uuid, ${orgId}::uuid), (${there}::uuid, ${cai.user.id}::uuid, ${otherOrg}::uuid)`);

    // Bob leaves on his own.
    expect((await send(as(bob), `/api/orgs/${orgId}/members/${bob.user.id}`, 'DELETE')).status).toBe(204);
    expect((await as(bob)(`/api/orgs/${orgId}`)).status).toBe(404);
    expect(await (await as(bob)('/api/orgs')).json()).toEqual([]);
    // A member cannot remove someone else.
    expect((await send(as(cai), `/api/orgs/${orgId}/members/${ada.user.id}`, 'DELETE')).status).toBe(403);

    // Ada removes Cai: her team membership here goes, the other organisation's stays.
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${cai.user.id}`, 'DELETE')).status).toBe(204);
    const teams = rows(await db.execute(sql`select org_id::text as org from team_members where user_id = ${cai.user.id}::uuid`));
    expect(teams).toEqual([{ org: otherOrg }]);
    expect((await as(cai)(`/api/orgs/${orgId}`)).status).toBe(404);
    expect((await as(cai)(`/api/orgs/${otherOrg}`)).status).toBe(200);
    // Removing someone who is not there.
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${cai.user.id}`, 'DELETE')).status).toBe(404);

    const removed = (await auditOf(orgId)).filter((e) => e.action === 'member.removed');
    expect(removed.map((e) => [e.actor, (e.target as { userId: string }).userId, (e.target as { left: boolean }).left])).toEqual([
      [bob.user.id, bob.user.id, true],
      [ada.user.id, cai.user.id, false],
    ]);
  });

  it('invitations: the link is answered once, works once, not after expiry or revocation, and never across tenants', async () => {
    const [ada, bob, cai, dan, eve] = await Promise.all(['Ada', 'Bob', 'Cai', 'Dan', 'Eve'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada, 'Invite Co');
    const eveOrg = await newOrg(eve, 'Eve Co');
    await join(ada, orgId, bob, 'admin');

    const made = await send(as(bob), `/api/orgs/${orgId}/invitations`, 'POST', { email: ` ${cai.user.email.toUpperCase()} `, role: 'member' });
    expect(made.status).toBe(201);
    const invitation = (await made.json()) as { id: string; email: string; role: string; delivery: string; token: string; url: string };
    expect(invitation).toMatchObject({ email: cai.user.email, role: 'member', delivery: 'link' });
    expect(invitation.url).toBe(`${server.url}/oi/${invitation.token}`);
    // The token is shown once: the pending list never carries it.
    const pending = (await (await as(bob)(`/api/orgs/${orgId}/invitations`)).json()) as Array<Record<string, unknown>>;
    expect(pending).toEqual([expect.objectContaining({ id: invitation.id, email: cai.user.email, role: 'member' })]);
    expect(JSON.stringify(pending)).not.toContain(invitation.token);
    // Invited is not yet in: the organisation stays hidden. An admin may not invite an owner.
    expect((await as(cai)(`/api/orgs/${orgId}/invitations`)).status).toBe(404);
    expect((await send(as(bob), `/api/orgs/${orgId}/invitations`, 'POST', { email: 'x@example.test', role: 'owner' })).status).toBe(403);
    expect((await send(as(bob), `/api/orgs/${orgId}/invitations`, 'POST', { email: 'not an address', role: 'member' })).status).toBe(422);

    // Anyone holding the link sees what it offers.
    const lookup = await fetch(`${server.url}/api/org-invitations/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invitation.token }) });
    expect(await lookup.json()).toMatchObject({ orgId, orgName: 'Invite Co', role: 'member', invitedBy: 'Bob' });
    // Accepting needs a signed-in person; then it is spent.
    expect((await fetch(`${server.url}/api/org-invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invitation.token }) })).status).toBe(401);
    expect(await (await send(as(cai), '/api/org-invitations/accept', 'POST', { token: invitation.token })).json()).toEqual({ orgId, role: 'member' });
    expect((await send(as(dan), '/api/org-invitations/accept', 'POST', { token: invitation.token })).status).toBe(404);
    expect(await roleOf(orgId, ada, cai.user.id)).toBe('member');
    expect(await roleOf(orgId, ada, dan.user.id)).toBeNull();
    // A member may neither see invitations nor make them.
    expect((await as(cai)(`/api/orgs/${orgId}/invitations`)).status).toBe(403);
    expect((await send(as(cai), `/api/orgs/${orgId}/invitations`, 'POST', { email: dan.user.email, role: 'member' })).status).toBe(403);

    // Revoked: the link stops working. Another tenant's owner cannot revoke it.
    const toRevoke = (await (await send(as(ada), `/api/orgs/${orgId}/invitations`, 'POST', { email: dan.user.email, role: 'admin' })).json()) as { id: string; token: string };
    expect((await send(as(eve), `/api/orgs/${eveOrg}/invitations/${toRevoke.id}`, 'DELETE')).status).toBe(404);
    expect((await send(as(eve), `/api/orgs/${orgId}/invitations/${toRevoke.id}`, 'DELETE')).status).toBe(404);
    expect((await send(as(bob), `/api/orgs/${orgId}/invitations/${toRevoke.id}`, 'DELETE')).status).toBe(204);
    expect((await send(as(bob), `/api/orgs/${orgId}/invitations/${toRevoke.id}`, 'DELETE')).status).toBe(404);
    expect((await send(as(dan), '/api/org-invitations/accept', 'POST', { token: toRevoke.token })).status).toBe(404);

    // Expired: the same.
    const toExpire = (await (await send(as(ada), `/api/orgs/${orgId}/invitations`, 'POST', { email: dan.user.email, role: 'member' })).json()) as { id: string; token: string };
    await server.database.db.execute(sql`update org_invitations set expires_at = now() - interval '1 second' where id = ${toExpire.id}::uuid`);
    expect((await fetch(`${server.url}/api/org-invitations/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: toExpire.token }) })).status).toBe(404);
    expect((await send(as(dan), '/api/org-invitations/accept', 'POST', { token: toExpire.token })).status).toBe(404);
    expect(await (await as(ada)(`/api/orgs/${orgId}/invitations`)).json()).toEqual([]);
    // Garbage tokens are the same 404, never a 500.
    for (const token of ['', 'x', 'a'.repeat(500), '../../etc']) {
      expect([404, 422]).toContain((await send(as(dan), '/api/org-invitations/accept', 'POST', { token })).status);
    }

    // An owner may invite an owner; accepting never demotes someone already in.
    const ownerInvite = (await (await send(as(ada), `/api/orgs/${orgId}/invitations`, 'POST', { email: bob.user.email, role: 'owner' })).json()) as { token: string };
    expect(await (await send(as(bob), '/api/org-invitations/accept', 'POST', { token: ownerInvite.token })).json()).toEqual({ orgId, role: 'owner' });
    const memberInvite = (await (await send(as(ada), `/api/orgs/${orgId}/invitations`, 'POST', { email: bob.user.email, role: 'member' })).json()) as { token: string };
    expect(await (await send(as(bob), '/api/org-invitations/accept', 'POST', { token: memberInvite.token })).json()).toEqual({ orgId, role: 'owner' });

    const actions = (await auditOf(orgId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'invitation.created')).toHaveLength(6);
    expect(actions.filter((a) => a === 'invitation.accepted')).toHaveLength(4);
    expect(actions.filter((a) => a === 'invitation.revoked')).toHaveLength(1);
    expect(actions.filter((a) => a === 'member.added')).toHaveLength(2);
    for (const entry of await auditOf(orgId)) if (entry.action !== 'org.created') expect((entry.target as { scope: string }).scope).toBe('org');
  });

  it('renaming is for owners; deleting is refused while a configuration belongs to it', async () => {
    const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada, 'Old name');
    await join(ada, orgId, bob, 'admin');
    expect((await send(as(bob), `/api/orgs/${orgId}`, 'PATCH', { name: 'Bob Co' })).status).toBe(403);
    expect(await (await send(as(ada), `/api/orgs/${orgId}`, 'PATCH', { name: ' New name ' })).json()).toEqual({ id: orgId, name: 'New name' });
    expect((await send(as(ada), `/api/orgs/${orgId}`, 'PATCH', { name: '' })).status).toBe(422);

    const made = await send(as(ada), '/api/configs', 'POST', { name: 'board', orgId });
    expect(made.status).toBe(201);
    const configId = ((await made.json()) as { id: string }).id;
    // Even in the trash it still belongs to the organisation.
    expect((await send(as(ada), `/api/configs/${configId}`, 'DELETE')).status).toBe(204);
    expect((await send(as(bob), `/api/orgs/${orgId}`, 'DELETE')).status).toBe(403);
    const refused = await send(as(ada), `/api/orgs/${orgId}`, 'DELETE');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'org_not_empty', message: expect.stringMatching(/1 configuration/) });
    expect((await as(ada)(`/api/orgs/${orgId}`)).status).toBe(200);

    await server.database.db.execute(sql`delete from configs where id = ${configId}::uuid`);
    expect((await send(as(ada), `/api/orgs/${orgId}`, 'DELETE')).status).toBe(204);
    expect((await as(ada)(`/api/orgs/${orgId}`)).status).toBe(404);
    expect((await as(bob)(`/api/orgs/${orgId}/members`)).status).toBe(404);
    expect(await (await as(ada)('/api/orgs')).json()).toEqual([]);
    const actions = (await auditOf(orgId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['org.renamed', 'org.deleted']));
    expect((await auditOf(orgId)).find((e) => e.action === 'org.renamed')!.target).toMatchObject({ from: 'Old name', to: 'New name' });
  });

  it("a removed admin's open socket to an organisation configuration closes within a second", async () => {
    const [ada, bob] = await Promise.all(['Ada', 'Bob'].map((n) => signUp(server.url, n)));
    const orgId = await newOrg(ada, 'Live Co');
    await join(ada, orgId, bob, 'admin');
    const configId = ((await (await send(as(ada), '/api/configs', 'POST', { name: `live ${randomUUID()}`, orgId })).json()) as { id: string }).id;
    // Bob holds the configuration only through the organisation (admins own every configuration).
    expect(await (await as(bob)(`/api/configs/${configId}`)).json()).toMatchObject({ role: 'owner' });
    const client: TestClient = connectClient({ url: server.url, token: bob.token }, configId);
    clients.push(client);
    await synced(client);
    const closed = new Promise<number>((resolve) =>
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        client.provider.shouldConnect = false;
        resolve(event?.code ?? 0);
      }),
    );
    const started = Date.now();
    expect((await send(as(ada), `/api/orgs/${orgId}/members/${bob.user.id}`, 'DELETE')).status).toBe(204);
    expect([CloseCode.accessRevoked.code, CloseCode.notFound.code]).toContain(await closed);
    expect(Date.now() - started).toBeLessThan(REVOCATION_DEADLINE_MS);
    expect((await as(bob)(`/api/configs/${configId}`)).status).toBe(404);
  });
});
