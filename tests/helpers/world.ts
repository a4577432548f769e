/**
 * One configuration with every kind of principal and one of every resource a route can name: the
 * fixture the route-table tests (permission matrix, input fuzz) fill path parameters from.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { shareLinks } from '../../shared/node/db/auth-schema.ts';
import { organisations, teams } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { createOrgStore } from '../../server/orgs/org-store.ts';
import { authed, signUp, type TestUser } from './auth.ts';
import { addMember, createConfig, type TestServer } from './server.ts';

export const MEMBER_ROLES = ['editor', 'commenter', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Accounts, made once (sign-up hashes a password, which is slow on purpose). */
export interface People {
  members: Record<MemberRole, TestUser>;
  stranger: TestUser;
  /** A viewer nobody acts as: routes that change or remove "a member" act on this one. */
  spare: TestUser;
  /** The organisation's people (the configuration belongs to the world's organisation, whose
   * owner is the server's owner): an admin (owner of every configuration of it), a member with
   * no role on the configuration (the organisation's member role is none), and the owner of
   * another organisation: a tenant that must see nothing of this one. */
  org: { admin: TestUser; member: TestUser; otherOwner: TestUser };
}

export interface World extends People {
  configId: string;
  /** The organisation the configuration belongs to. */
  orgId: string;
  /** Another organisation (of `org.otherOwner`) with a configuration of its own. */
  otherOrgId: string;
  otherOrgConfigId: string;
  /** A team of the organisation, without members or grants (the team routes act on it). */
  teamId: string;
  /** Live share links by role: token and id. */
  links: Record<MemberRole, { id: string; token: string }>;
  /** Credentials that open nothing here: an expired and a revoked link, and another config's link. */
  badLinks: { expired: string; revoked: string; otherConfig: string };
  /** A link nobody uses: routes that change or revoke "a link" act on this one. */
  spareLinkId: string;
  /** Pending invitations: one to revoke (by id), one to look up (by token). */
  invitationId: string;
  pendingInvitationToken: string;
  /** Pending invitations into the organisation: one to revoke (by id), one to look up (by token). */
  orgInvitationId: string;
  pendingOrgInvitationToken: string;
  versionId: string;
  commentId: string;
  reviewId: string;
  /** A build (null without a build queue). */
  buildId: string | null;
  /** A build matrix of one cell, the configuration as it is (null without a build queue). */
  matrixId: string | null;
  /** The owner's personal access tokens: read only; read + build; every scope but restricted to
   * another configuration; revoked. */
  accessTokens: { read: string; build: string; otherConfig: string; revoked: string };
  /** A webhook to a receiver that never answers (`.invalid`), and its test ping's delivery (null
   * without Redis: nothing is sent then). It listens only for approvals, which the route-table
   * tests never send: no delivery appears behind a request's back. */
  webhookId: string;
  deliveryId: string | null;
}

async function json<T>(res: Response, expected: number, what: string): Promise<T> {
  if (res.status !== expected) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A buildable configuration (the plan executor accepts it). */
export const BUILDABLE = {
  BOARD: 'rock-5b',
  BRANCH: 'current',
  RELEASE: 'trixie',
  BUILD_MINIMAL: 'no',
  BUILD_DESKTOP: 'no',
  KERNEL_CONFIGURE: 'no',
};

export async function createPeople(server: TestServer, name: string): Promise<People> {
  const members = {} as Record<MemberRole, TestUser>;
  for (const role of MEMBER_ROLES) members[role] = await signUp(server.url, `${name}-${role}`);
  return {
    members,
    stranger: await signUp(server.url, `${name}-stranger`),
    spare: await signUp(server.url, `${name}-spare`),
    org: { admin: await signUp(server.url, `${name}-org-admin`), member: await signUp(server.url, `${name}-org-member`), otherOwner: await signUp(server.url, `${name}-other-org`) },
  };
}

/** The world's organisations, made in Postgres (the organisation routes have tests of their own):
 * the owner's, with the admin and member, and another tenant's. The organisation's member role
 * is none, so each principal's role on the configuration stays exactly its direct one. */
async function createOrgs(server: TestServer, name: string, who: People, configId: string) {
  const orgs = createOrgStore(server.database.db);
  const org = await orgs.create(`${name} org`, server.owner.user.id);
  await server.database.db.update(organisations).set({ memberRole: null }).where(eq(organisations.id, org.id));
  await orgs.setMember(org.id, who.org.admin.user.id, 'admin');
  await orgs.setMember(org.id, who.org.member.user.id, 'member');
  // The spare member is in the organisation too: routes that act on "a member" act on it.
  await orgs.setMember(org.id, who.spare.user.id, 'member');
  await server.database.db.update(configs).set({ orgId: org.id }).where(eq(configs.id, configId));
  const other = await orgs.create(`${name} other org`, who.org.otherOwner.user.id);
  const otherConfigId = await createConfig({ url: server.url, token: who.org.otherOwner.token }, { name: `${name} (other tenant)` });
  await server.database.db.update(configs).set({ orgId: other.id }).where(eq(configs.id, otherConfigId));
  const [team] = await server.database.db.insert(teams).values({ orgId: org.id, name: `${name} team` }).returning({ id: teams.id });
  return { orgId: org.id, otherOrgId: other.id, otherOrgConfigId: otherConfigId, teamId: team.id };
}

export async function createWorld(server: TestServer, name = 'world', people?: People): Promise<World> {
  const who = people ?? (await createPeople(server, name));
  const configId = await createConfig(server, { name, data: BUILDABLE });
  const tenants = await createOrgs(server, name, who, configId);
  const api = server.api;
  const share = (id: string, role: string) =>
    api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role, label: `${role} link` }) }).then((r) => json<{ id: string; token: string }>(r, 201, 'share'));
  const links = {} as Record<MemberRole, { id: string; token: string }>;
  for (const role of MEMBER_ROLES) {
    await addMember(server, configId, who.members[role], role);
    links[role] = await share(configId, role);
  }
  await addMember(server, configId, who.spare, 'viewer');
  const spareLink = await share(configId, 'viewer');
  const expired = await share(configId, 'editor');
  await server.database.db.update(shareLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shareLinks.id, expired.id));
  const revoked = await share(configId, 'editor');
  if ((await api(`/api/configs/${configId}/shares/${revoked.id}`, { method: 'DELETE' })).status !== 204) throw new Error('revoke failed');
  const otherConfigId = await createConfig(server, { name: `${name} (other)` });
  const other = await share(otherConfigId, 'editor');
  const makeToken = (scopes: string[], configIds: string[] | null = null) =>
    api('/api/tokens', { method: 'POST', body: JSON.stringify({ name: `${name} ${scopes.join('+')}`, scopes, configIds, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }) }).then((r) =>
      json<{ id: string; token: string }>(r, 201, 'token'),
    );
  const allScopes = ['read', 'write', 'build', 'review'];
  const revokedToken = await makeToken(allScopes);
  if ((await api(`/api/tokens/${revokedToken.id}`, { method: 'DELETE' })).status !== 204) throw new Error('token revoke failed');
  const accessTokens = {
    read: (await makeToken(['read'])).token,
    build: (await makeToken(['read', 'build'])).token,
    otherConfig: (await makeToken(allScopes, [otherConfigId])).token,
    revoked: revokedToken.token,
  };

  const invite = async (email: string) =>
    json<{ id: string; token: string }>(await api(`/api/configs/${configId}/members`, { method: 'POST', body: JSON.stringify({ email, role: 'viewer' }) }), 201, 'invite');
  const toRevoke = await invite(`revoke.${randomUUID()}@pending.test`);
  const toLookUp = await invite(`lookup.${randomUUID()}@pending.test`);
  const inviteToOrg = async (email: string) =>
    json<{ id: string; token: string }>(await api(`/api/orgs/${tenants.orgId}/invitations`, { method: 'POST', body: JSON.stringify({ email, role: 'member' }) }), 201, 'org invite');
  const orgToRevoke = await inviteToOrg(`org-revoke.${randomUUID()}@pending.test`);
  const orgToLookUp = await inviteToOrg(`org-lookup.${randomUUID()}@pending.test`);
  // A file in the tree, for the download routes (`GET …/files/raw?path=readme.txt`).
  await json(await api(`/api/configs/${configId}/files/upload`, { method: 'POST', body: JSON.stringify({ path: 'readme.txt', text: 'hello' }) }), 201, 'file');
  const version = await json<{ id: string }>(await api(`/api/configs/${configId}/versions`, { method: 'POST', body: JSON.stringify({ label: 'v1' }) }), 201, 'version');
  const thread = await json<{ id: string; comments?: Array<{ id: string }> }>(
    await api(`/api/configs/${configId}/comments`, { method: 'POST', body: JSON.stringify({ body: 'first', anchor: { path: '/BOARD' } }) }),
    201,
    'comment',
  );
  const review = await json<{ id: string }>(await api(`/api/configs/${configId}/reviews`, { method: 'POST', body: JSON.stringify({ title: 'r1' }) }), 201, 'review');
  let buildId: string | null = null;
  let matrixId: string | null = null;
  if (server.builds) {
    buildId = (await json<{ id: string }>(await api(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' }), 202, 'build')).id;
    matrixId = (await json<{ id: string }>(await api(`/api/configs/${configId}/matrices`, { method: 'POST', body: '{"targets":[{}]}' }), 202, 'matrix')).id;
  }
  const webhook = await json<{ webhook: { id: string } }>(
    await api(`/api/configs/${configId}/webhooks`, { method: 'POST', body: JSON.stringify({ url: 'https://receiver.invalid/boardroom', events: ['review.approved'] }) }),
    201,
    'webhook',
  );
  const ping = await api(`/api/configs/${configId}/webhooks/${webhook.webhook.id}/ping`, { method: 'POST', body: '{}' });
  const deliveryId = ping.status === 202 ? ((await ping.json()) as { deliveryId: string }).deliveryId : null;
  return {
    ...who,
    configId,
    ...tenants,
    webhookId: webhook.webhook.id,
    deliveryId,
    links,
    badLinks: { expired: expired.token, revoked: revoked.token, otherConfig: other.token },
    spareLinkId: spareLink.id,
    invitationId: toRevoke.id,
    pendingInvitationToken: toLookUp.token,
    orgInvitationId: orgToRevoke.id,
    pendingOrgInvitationToken: orgToLookUp.token,
    versionId: version.id,
    commentId: thread.comments?.[0]?.id ?? thread.id,
    reviewId: review.id,
    buildId,
    matrixId,
    accessTokens,
  };
}

/** Valid values for every path parameter name the app uses; unknown names get a fresh uuid. */
export function paramValues(world: World, extraParams: Record<string, string> | ((world: World) => Record<string, string>) = {}): (name: string) => string {
  const extra = typeof extraParams === 'function' ? extraParams(world) : extraParams;
  const values: Record<string, string> = {
    id: world.configId,
    configId: world.configId,
    orgId: world.orgId,
    teamId: world.teamId,
    userId: world.spare.user.id,
    shareId: world.spareLinkId,
    invitationId: world.invitationId,
    token: world.links.viewer.token,
    versionId: world.versionId,
    commentId: world.commentId,
    reviewId: world.reviewId,
    buildId: world.buildId ?? randomUUID(),
    matrixId: world.matrixId ?? randomUUID(),
    webhookId: world.webhookId,
    deliveryId: world.deliveryId ?? randomUUID(),
    name: 'SHA256SUMS',
    ...extra,
  };
  return (name) => values[name] ?? randomUUID();
}

export interface RouteEntry {
  method: string;
  path: string;
  /** `METHOD path`, as the permission expectations are keyed. */
  key: string;
}

/** The route table of a running server: `METHOD path`, middleware (`ALL …*`) left out, and so is
 * the built client's file handler (`GET|HEAD /*`, server/static-client.ts): it serves the public
 * bundle to anyone and exists only when `dist/client` does, so the table must not depend on
 * whether another test built the client first. Its own tests are tests/static-assets.test.ts. */
export function routeTable(server: { app: { routes: Array<{ method: string; path: string }> } }): RouteEntry[] {
  const seen = new Set<string>();
  const out: RouteEntry[] = [];
  for (const r of server.app.routes) {
    if (r.method === 'ALL' && r.path.endsWith('*')) continue;
    if ((r.method === 'GET' || r.method === 'HEAD') && r.path === '/*') continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path, key });
  }
  return out;
}

/** Fills `:name` parameters of a route path. */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => value(name));
}

export { authed };
