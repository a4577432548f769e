/**
 * The effective role (boardroom_effective_role, migration 0013) on real Postgres: the highest of
 * ownership, direct membership, team grants and the organisation, and nothing from an
 * organisation, team or grant that is not the configuration's own. The access store's
 * `memberRole` and `visibleConfigIds`, which admission and every REST route use, read it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessStore } from '../server/auth/access-store.ts';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createOrgStore } from '../server/orgs/org-store.ts';
import { users } from '../shared/node/db/auth-schema.ts';
import { configMembers } from '../shared/node/db/auth-schema.ts';
import { organisations, teamConfigGrants, teamMembers, teams } from '../shared/node/db/orgs-schema.ts';
import { configs } from '../shared/node/db/schema.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase('org_role', { migrated: true });
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

async function person(name: string): Promise<string> {
  const [row] = await database.db.insert(users).values({ email: `${name}-${Math.random()}@example.test`, name }).returning({ id: users.id });
  return row.id;
}
async function config(ownerId: string, orgId: string | null = null): Promise<string> {
  const [row] = await database.db.insert(configs).values({ name: 'c', ownerId, orgId }).returning({ id: configs.id });
  return row.id;
}

describe('effective role', () => {
  it('is the highest of ownership, membership, team grants and the organisation', async () => {
    const orgs = createOrgStore(database.db);
    const access = createAccessStore(database.db);
    const [founder, dev, lead, outsider] = await Promise.all(['founder', 'dev', 'lead', 'outsider'].map(person));
    const acme = await orgs.create('Acme', founder);
    await orgs.setMember(acme.id, dev, 'member');
    await orgs.setMember(acme.id, lead, 'admin');
    const board = await config(founder, acme.id);
    const role = (userId: string) => access.memberRole(board, { id: userId, isAdmin: false });

    // Organisation: an admin owns it; a member holds the organisation's member role (viewer).
    expect(await role(lead)).toBe('owner');
    expect(await role(dev)).toBe('viewer');
    expect(await role(outsider)).toBeNull();

    // A team grant raises the member; a direct membership raises further; the highest wins.
    const [kernel] = await database.db.insert(teams).values({ orgId: acme.id, name: 'kernel' }).returning({ id: teams.id });
    await database.db.insert(teamMembers).values({ teamId: kernel.id, userId: dev, orgId: acme.id });
    await database.db.insert(teamConfigGrants).values({ teamId: kernel.id, configId: board, orgId: acme.id, role: 'commenter' });
    expect(await role(dev)).toBe('commenter');
    await database.db.insert(configMembers).values({ configId: board, userId: dev, role: 'editor' });
    expect(await role(dev)).toBe('editor');
    await database.db.delete(configMembers).where(sql`config_id = ${board} and user_id = ${dev}`);
    expect(await role(dev)).toBe('commenter');

    // A team member who left the organisation keeps nothing from the team, even if a
    // team_members row were left behind.
    await database.db.execute(sql`delete from org_members where org_id = ${acme.id} and user_id = ${dev}`);
    expect(await role(dev)).toBeNull();
    await orgs.setMember(acme.id, dev, 'member');
    expect(await role(dev)).toBe('commenter');

    // No member role: members see only what teams and direct grants give.
    await database.db.update(organisations).set({ memberRole: null }).where(sql`id = ${acme.id}`);
    await database.db.delete(teamMembers).where(sql`user_id = ${dev}`);
    expect(await role(dev)).toBeNull();
    expect(await access.visibleConfigIds({ id: dev, isAdmin: false })).toEqual(new Set());
    expect(await access.visibleConfigIds({ id: lead, isAdmin: false })).toEqual(new Set([board]));
  });

  it('gives nothing from another organisation, a deleted organisation or a moved configuration', async () => {
    const orgs = createOrgStore(database.db);
    const access = createAccessStore(database.db);
    const [a, b] = await Promise.all(['a', 'b'].map(person));
    const orgA = await orgs.create('A', a);
    const orgB = await orgs.create('B', b);
    const inA = await config(a, orgA.id);
    // B's owner owns B's configurations, not A's.
    expect(await access.memberRole(inA, { id: b, isAdmin: false })).toBeNull();
    // A team of B granted on A's configuration (a row that should never exist) gives nothing.
    const [teamB] = await database.db.insert(teams).values({ orgId: orgB.id, name: 'x' }).returning({ id: teams.id });
    await database.db.insert(teamMembers).values({ teamId: teamB.id, userId: b, orgId: orgB.id });
    await database.db.insert(teamConfigGrants).values({ teamId: teamB.id, configId: inA, orgId: orgB.id, role: 'editor' });
    expect(await access.memberRole(inA, { id: b, isAdmin: false })).toBeNull();
    expect(await access.visibleConfigIds({ id: b, isAdmin: false })).toEqual(new Set());
    // A deleted organisation grants nothing through membership.
    await orgs.setMember(orgA.id, b, 'admin');
    expect(await access.memberRole(inA, { id: b, isAdmin: false })).toBe('owner');
    await database.db.update(organisations).set({ deletedAt: new Date() }).where(sql`id = ${orgA.id}`);
    expect(await access.memberRole(inA, { id: b, isAdmin: false })).toBeNull();
    // The owner keeps a configuration whatever its organisation.
    expect(await access.memberRole(inA, { id: a, isAdmin: false })).toBe('owner');
  });
});
