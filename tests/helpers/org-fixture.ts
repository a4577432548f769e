/**
 * An organisation for team tests: its owner makes it over REST, members are added in Postgres
 * (organisation invitations have tests of their own), and configurations are made by the owner
 * and placed in it. The organisation's member role is none unless asked, so a person's role on a
 * configuration comes only from what a test gives them (a team, a direct grant).
 */
import { eq } from 'drizzle-orm';
import { organisations } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { createOrgStore } from '../../server/orgs/org-store.ts';
import type { OrgRole } from '../../shared/org-roles.ts';
import { authed, signUp, type TestUser } from './auth.ts';
import { createConfig, type TestServer } from './server.ts';

export interface OrgFixture {
  orgId: string;
  owner: TestUser;
  as: (who: TestUser) => ReturnType<typeof authed>;
  /** A new account made a member of the organisation with `role`. */
  member(name: string, role?: OrgRole): Promise<TestUser>;
  /** A configuration of the organisation, owned by its owner. */
  config(name: string): Promise<string>;
  /** A team made over REST by the owner. */
  team(name: string, defaultRole?: string | null): Promise<string>;
}

export async function createOrgFixture(server: TestServer, label: string, memberRole: string | null = null): Promise<OrgFixture> {
  const owner = await signUp(server.url, `${label} owner`);
  const as = (who: TestUser) => authed(server.url, who.token);
  const res = await as(owner)('/api/orgs', { method: 'POST', body: JSON.stringify({ name: `${label} org` }) });
  if (res.status !== 201) throw new Error(`org: ${res.status} ${await res.text()}`);
  const orgId = ((await res.json()) as { id: string }).id;
  await server.database.db.update(organisations).set({ memberRole }).where(eq(organisations.id, orgId));
  const orgs = createOrgStore(server.database.db);
  return {
    orgId,
    owner,
    as,
    async member(name, role = 'member') {
      const user = await signUp(server.url, name);
      await orgs.setMember(orgId, user.user.id, role);
      return user;
    },
    async config(name) {
      const id = await createConfig({ url: server.url, token: owner.token }, { name });
      await server.database.db.update(configs).set({ orgId }).where(eq(configs.id, id));
      return id;
    },
    async team(name, defaultRole = null) {
      const made = await as(owner)(`/api/orgs/${orgId}/teams`, { method: 'POST', body: JSON.stringify({ name, defaultRole }) });
      if (made.status !== 201) throw new Error(`team: ${made.status} ${await made.text()}`);
      return ((await made.json()) as { id: string }).id;
    },
  };
}
