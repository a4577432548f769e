/**
 * The access generation (migration 0017): a counter that every change to a fact the access policy
 * reads advances when it commits. The steady access re-check reads it first, so a server whose
 * connections' access has not changed reads one row every interval instead of every
 * connection's facts, and a change that no invalidation announced (made straight in Postgres, or
 * while the bus was down) still ends access within ACCESS_BOUND_MS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACCESS_BOUND_MS, REVALIDATE_INTERVAL_MS } from '../server/auth/access-revalidation.ts';
import { CloseCode } from '../shared/protocol.ts';
import { signUp } from './helpers/auth.ts';
import { closeCode, connectClient, synced } from './helpers/clients.ts';
import { createOrgFixture } from './helpers/org-fixture.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig, recordQueries } from './helpers/server.ts';

/** The promise plus room for a busy CI machine. */
const REVOKE_ASSERT_MS = ACCESS_BOUND_MS + 3_000;
/** Long enough for two steady re-checks whatever the phase of their clock. */
const TWO_INTERVALS_MS = 2 * REVALIDATE_INTERVAL_MS + 500;

type Change = [label: string, change: () => Promise<unknown>];

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];

const readsGeneration = (q: string) => /from access_generation/.test(q);
/** The re-check's batched read of (configuration, person) facts. */
const readsFacts = (q: string) => /boardroom_effective_role\(k\.c, k\.u\)/.test(q);

describe('the access generation', () => {
  const { server, clients } = useTestServer();
  const db = () => server.database.db;
  const generation = async () => Number(rowsOf<{ n: string }>(await db().execute(sql`select n from access_generation`))[0].n);
  async function advanced(change: () => Promise<unknown>): Promise<boolean> {
    const before = await generation();
    await change();
    return (await generation()) > before;
  }

  it('advances with every change the access policy reads, and not with edits, link uses or sign-ins', async () => {
    const org = await createOrgFixture(server, 'Generation');
    const person = await org.member('Person', 'member');
    const config = await org.config('generation');
    const team = await org.team('Team');
    const owner = org.owner.user.id;
    const user = person.user.id;
    const share = (await (await org.as(org.owner)(`/api/configs/${config}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) })).json()) as { id: string };

    const changes: Change[] = [
      ['a member added', () => db().execute(sql`insert into config_members (config_id, user_id, role) values (${config}, ${user}, 'viewer')`)],
      ["a member's role changed", () => db().execute(sql`update config_members set role = 'editor' where config_id = ${config} and user_id = ${user}`)],
      ['a person put in a team', () => db().execute(sql`insert into team_members (team_id, user_id, org_id) values (${team}, ${user}, ${org.orgId})`)],
      ['a team given the configuration', () => db().execute(sql`insert into team_config_grants (team_id, config_id, org_id, role) values (${team}, ${config}, ${org.orgId}, 'editor')`)],
      ["a team's role changed", () => db().execute(sql`update team_config_grants set role = 'viewer' where team_id = ${team}`)],
      ['an organisation role changed', () => db().execute(sql`update org_members set role = 'admin' where org_id = ${org.orgId} and user_id = ${user}`)],
      ["the organisation's member role changed", () => db().execute(sql`update organisations set member_role = 'editor' where id = ${org.orgId}`)],
      ['the owner changed', () => db().execute(sql`update configs set owner_id = ${user} where id = ${config}`)],
      ['the configuration moved to the trash', () => db().execute(sql`update configs set deleted_at = now() where id = ${config}`)],
      ['the configuration restored', () => db().execute(sql`update configs set deleted_at = null, owner_id = ${owner} where id = ${config}`)],
      ['an instance admin made', () => db().execute(sql`update users set is_admin = true where id = ${user}`)],
      ['a link lowered', () => db().execute(sql`update share_links set role = 'viewer' where id = ${share.id}`)],
      ['a link given an end', () => db().execute(sql`update share_links set expires_at = now() + interval '1 hour' where id = ${share.id}`)],
      ['a link revoked', () => db().execute(sql`update share_links set revoked_at = now() where id = ${share.id}`)],
      ['a session ended', () => db().execute(sql`update sessions set revoked_at = now() where user_id = ${user}`)],
      ['a person taken out of a team', () => db().execute(sql`delete from team_members where team_id = ${team}`)],
      ['a team grant withdrawn', () => db().execute(sql`delete from team_config_grants where team_id = ${team}`)],
      ['a member removed', () => db().execute(sql`delete from config_members where config_id = ${config} and user_id = ${user}`)],
      ['an organisation member removed', () => db().execute(sql`delete from org_members where org_id = ${org.orgId} and user_id = ${user}`)],
      ['a link deleted', () => db().execute(sql`delete from share_links where id = ${share.id}`)],
      ['an account deleted', () => db().execute(sql`delete from users where id = ${user}`)],
    ];
    for (const [label, change] of changes) expect(await advanced(change), label).toBe(true);

    const other = await org.config('unrelated');
    const unrelated: Change[] = [
      ['an edit (the "last edited" time)', () => db().execute(sql`update configs set updated_at = now() where id = ${other}`)],
      ['a new configuration', () => createConfig({ url: server.url, token: org.owner.token }, { name: 'new' })],
      ['a new link', () => org.as(org.owner)(`/api/configs/${other}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer' }) })],
      ['a link used', () => db().execute(sql`update share_links set uses = uses + 1, last_used_at = now() where config_id = ${other}`)],
      ['a sign-up and its session', () => signUp(server.url, 'Newcomer')],
    ];
    for (const [label, change] of unrelated) expect(await advanced(change), label).toBe(false);
  });

  it('a change rolled back does not advance it', async () => {
    const member = await signUp(server.url, 'Rolled back');
    const before = await generation();
    await expect(
      db().transaction(async (tx) => {
        await tx.execute(sql`update sessions set revoked_at = now() where user_id = ${member.user.id}`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await generation()).toBe(before);
  });

  it('only its triggers move it: a tenant transaction cannot set it, and a change made in one advances it', async () => {
    const asTenant = (statement: ReturnType<typeof sql>) =>
      db().transaction(async (tx) => {
        await tx.execute(sql`set local role boardroom_tenant`);
        await tx.execute(statement);
      });
    // 42501: insufficient privilege (drizzle wraps the driver's error as its cause).
    await expect(asTenant(sql`update access_generation set n = 0`)).rejects.toMatchObject({ cause: { code: '42501' } });
    const member = await signUp(server.url, 'Tenant session');
    expect(await advanced(() => asTenant(sql`update sessions set revoked_at = now() where user_id = ${member.user.id}`))).toBe(true);
  });

  it('while nothing changes the steady re-check reads one row; a change nobody announced still ends access in time', async () => {
    const member = await signUp(server.url, 'Quiet member');
    const id = await createConfig(server, { name: 'quiet' });
    await addMember(server, id, member, 'editor');
    const first = connectClient({ url: server.url, token: member.token }, id);
    clients.push(first);
    await synced(first);
    // A full re-check reads the new connection (the member was just added); then it is quiet.
    await sleep(TWO_INTERVALS_MS);
    let queries = recordQueries(server);
    await sleep(TWO_INTERVALS_MS);
    expect(queries.filter(readsGeneration).length).toBeGreaterThanOrEqual(2);
    expect(queries.filter(readsFacts)).toEqual([]);

    // A second connection, admitted from what this process remembers: no full run has read it,
    // so the next steady re-check reads its facts, once.
    queries = recordQueries(server);
    const second = connectClient({ url: server.url, token: member.token }, id);
    clients.push(second);
    await synced(second);
    await sleep(TWO_INTERVALS_MS);
    expect(queries.filter(readsFacts)).toHaveLength(1);

    // Removed straight in Postgres: no route ran, so no invalidation was announced.
    const closed = [closeCode(first), closeCode(second)];
    const removedAt = Date.now();
    await db().execute(sql`delete from config_members where config_id = ${id} and user_id = ${member.user.id}`);
    expect(await Promise.all(closed)).toEqual([CloseCode.accessRevoked.code, CloseCode.accessRevoked.code]);
    expect(Date.now() - removedAt).toBeLessThan(REVOKE_ASSERT_MS);
  });
});
