/**
 * The cross-tenant matrix (issue #20 item 4), generated from the app's own route table: every
 * route that addresses a tenant's resource (a configuration, an organisation, a build, a
 * matrix…) is called by every kind of principal of organisation B — its owner, an admin, a
 * member, a member holding a team grant on B's configuration, the owner's access token and a
 * share link of B's configuration — with organisation A's ids. None may get a 2xx, and no body
 * may hold a byte of A's data (its configuration's and organisation's names and ids, a marker
 * written into its document, comments and versions). Over the sync WebSocket, every one of them
 * is closed 4404 on A's configuration. Routes added later are picked up from the route table; a
 * route whose parameters this test cannot classify fails it by name.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createOrgStore } from '../server/orgs/org-store.ts';
import { organisations, teamConfigGrants, teamMembers, teams } from '../shared/node/db/orgs-schema.ts';
import { configs } from '../shared/node/db/schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import { REDIS_URL } from './builder-harness.ts';
import { signUp } from './helpers/auth.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createWorld, fillPath, paramValues, routeTable, type World } from './helpers/world.ts';

/** Parameters that name a tenant's resource: a route with one of them is in the matrix. */
const TENANT_PARAMS = new Set(['id', 'configId', 'orgId', 'buildId', 'matrixId', 'teamId']);
/** Parameters that only narrow a tenant route (always next to one of the above). */
const NARROWING_PARAMS = new Set(['userId', 'shareId', 'invitationId', 'versionId', 'commentId', 'reviewId', 'webhookId', 'deliveryId', 'name', 'position', 'docName', 'memberId', 'grantId']);
/** Parameters that are the caller's credential or the caller's own account's: not a tenant's id.
 * A share or invitation token lets in whoever holds it, by design (tests/access-link-admission). */
const NOT_TENANT_PARAMS = new Set(['token', 'tokenId']);
/** How long a WebSocket may take to be closed. */
const CLOSE_WAIT_MS = 10_000;

type Kind = 'api' | 'page' | 'sync' | 'unaddressed' | 'credential';

/** What kind of route this is, from its path alone; throws on a parameter it does not know. */
function classify(path: string): Kind {
  const params = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const unknown = params.filter((p) => !TENANT_PARAMS.has(p) && !NARROWING_PARAMS.has(p) && !NOT_TENANT_PARAMS.has(p));
  if (unknown.length > 0) throw new Error(`cannot classify ${path}: parameter(s) ${unknown.join(', ')} (add them to a set in tests/cross-tenant-matrix.test.ts)`);
  if (params.length === 0) return 'unaddressed';
  if (!params.some((p) => TENANT_PARAMS.has(p))) {
    if (params.some((p) => NARROWING_PARAMS.has(p))) throw new Error(`cannot classify ${path}: it narrows a tenant resource without naming one`);
    return 'credential';
  }
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/sync/')) return 'sync';
  return 'page';
}

interface Principal {
  label: string;
  /** An access token: the sync socket refuses tokens everywhere (4401), like a missing credential. */
  restOnly?: boolean;
  bearer?: string;
  share?: string;
}

describe('cross-tenant matrix', () => {
  let server: TestServer;
  let world: World;
  let principals: Principal[];
  /** A's secrets: nothing of these may appear in a body B gets. */
  let secrets: string[];

  beforeAll(async () => {
    server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix: `test:xtenant:${randomBytes(6).toString('hex')}:`, limits: { signupsPerAddress: 1_000, requestsPerMinute: 60_000 } });
    world = await createWorld(server, 'xtenant');
    const db = server.database.db;
    // A's names, unique to it (the world names B's after A's: `… (other tenant)`).
    const marker = `A-secret-${randomBytes(8).toString('hex')}`;
    await db.update(configs).set({ name: `${marker} configuration` }).where(eq(configs.id, world.configId));
    await db.update(organisations).set({ name: `${marker} organisation` }).where(eq(organisations.id, world.orgId));
    const put = await server.api(`/api/configs/${world.configId}/data`, { method: 'PATCH', body: JSON.stringify({ EXTRAWIFI: marker }) });
    if (put.status >= 300) throw new Error(`marker: ${put.status} ${await put.text()}`);
    await server.api(`/api/configs/${world.configId}/comments`, { method: 'POST', body: JSON.stringify({ body: marker, anchor: { path: '/BOARD' } }) });
    secrets = [marker, world.configId, world.orgId, world.versionId, world.commentId, world.reviewId, world.webhookId, world.buildId, world.matrixId, world.spareLinkId, world.invitationId].filter(
      (s): s is string => !!s,
    );

    // B's people: its owner (the world's), an admin, a member, a member with a team grant on B's
    // configuration; the owner's access token with every scope; a share link of B's configuration.
    const orgs = createOrgStore(db);
    const bOwner = world.org.otherOwner;
    const bAdmin = await signUp(server.url, 'b-admin');
    const bMember = await signUp(server.url, 'b-member');
    const bTeamMember = await signUp(server.url, 'b-team-member');
    await orgs.setMember(world.otherOrgId, bAdmin.user.id, 'admin');
    await orgs.setMember(world.otherOrgId, bMember.user.id, 'member');
    await orgs.setMember(world.otherOrgId, bTeamMember.user.id, 'member');
    const [team] = await db.insert(teams).values({ orgId: world.otherOrgId, name: 'b-team' }).returning({ id: teams.id });
    await db.insert(teamMembers).values({ teamId: team.id, userId: bTeamMember.user.id, orgId: world.otherOrgId });
    await db.insert(teamConfigGrants).values({ teamId: team.id, configId: world.otherOrgConfigId, orgId: world.otherOrgId, role: 'editor' });
    const asB = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${bOwner.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const tokenRes = await asB('/api/tokens', { name: 'b all', scopes: ['read', 'write', 'build', 'review'], configIds: null, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const linkRes = await asB(`/api/configs/${world.otherOrgConfigId}/shares`, { role: 'editor', label: 'b link' });
    if (tokenRes.status !== 201 || linkRes.status !== 201) throw new Error(`B's token or link: ${tokenRes.status} ${linkRes.status}`);
    principals = [
      { label: 'B owner', bearer: bOwner.token },
      { label: 'B admin', bearer: bAdmin.token },
      { label: 'B member', bearer: bMember.token },
      { label: 'B team member', bearer: bTeamMember.token },
      { label: "B owner's access token", restOnly: true, bearer: ((await tokenRes.json()) as { token: string }).token },
      { label: "B's editor link", share: ((await linkRes.json()) as { token: string }).token },
    ];
    // B's people do reach B's configuration (the matrix below is not empty because they can do nothing).
    for (const p of principals) {
      const res = await fetch(`${server.url}/api/configs/${world.otherOrgConfigId}`, { headers: headersOf(p) });
      expect({ who: p.label, status: res.status }).toEqual({ who: p.label, status: 200 });
    }
  }, 120_000);
  afterAll(async () => {
    await server?.cleanup();
  });

  const headersOf = (p: Principal): Record<string, string> => ({
    'content-type': 'application/json',
    ...(p.bearer ? { authorization: `Bearer ${p.bearer}` } : {}),
    ...(p.share ? { 'x-share-token': p.share } : {}),
  });

  /** A's secrets in a body, leaving out ids the request itself named (an error may echo them). */
  const leaks = (body: string, url: string) => secrets.filter((s) => body.includes(s) && !url.includes(s));

  it('every route is classified (a new route with an unknown parameter fails here by name)', () => {
    const unclassified: string[] = [];
    for (const route of routeTable(server)) {
      try {
        classify(route.path);
      } catch (error) {
        unclassified.push((error as Error).message);
      }
    }
    expect(unclassified).toEqual([]);
  });

  it(
    "REST: B's principals get no 2xx and no byte of A's data on any route addressing A",
    async () => {
      const failures: string[] = [];
      const value = paramValues(world, { docName: 'main' });
      let addressed = 0;
      for (const route of routeTable(server)) {
        const kind = classify(route.path);
        if (kind === 'credential' || kind === 'sync') continue; // the WebSocket is below; a credential is the caller's own
        // Unaddressed routes (no parameter) are read, not acted on: lists must not hold A's data.
        if (kind === 'unaddressed' && route.method !== 'GET') continue;
        if (kind !== 'unaddressed') addressed++;
        const url = `${server.url}${fillPath(route.path, value)}`;
        // A body naming A's ids too, for routes that read them from the body.
        const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : JSON.stringify({ configId: world.configId, orgId: world.orgId, id: world.configId, name: 'x', role: 'viewer', body: 'x', label: 'x' });
        for (const p of principals) {
          const res = await fetch(url, { method: route.method, headers: headersOf(p), body });
          const text = await res.text();
          const label = `${route.key} as ${p.label}`;
          if (kind === 'api' && res.status >= 200 && res.status < 300) failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
          if (kind !== 'unaddressed' && res.status >= 500) failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
          const leaked = leaks(text, url);
          if (leaked.length > 0) failures.push(`${label}: ${res.status} body holds A's ${leaked.join(', ')}: ${text.slice(0, 200)}`);
        }
      }
      // The matrix is the app's: configuration, build and matrix routes at least.
      expect(addressed).toBeGreaterThan(50);
      expect(failures).toEqual([]);
    },
    300_000,
  );

  it("sync: every principal of B is closed 4404 on A's configuration, every document of it (a token 4401, as everywhere)", async () => {
    const closes: Array<{ who: string; path: string; code: number; expected: number }> = [];
    for (const route of routeTable(server).filter((r) => classify(r.path) === 'sync')) {
      const path = fillPath(route.path, paramValues(world, { docName: 'main' }));
      for (const p of principals) {
        const q = new URLSearchParams(p.bearer ? { token: p.bearer } : { share: p.share! });
        const code = await new Promise<number>((resolve) => {
          const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}?${q}`);
          const timer = setTimeout(() => {
            ws.terminate();
            resolve(-1);
          }, CLOSE_WAIT_MS);
          ws.on('close', (c) => {
            clearTimeout(timer);
            resolve(c);
          });
          ws.on('error', () => {});
        });
        closes.push({ who: p.label, path: route.path, code, expected: p.restOnly ? CloseCode.unauthorized.code : CloseCode.notFound.code });
      }
    }
    expect(closes.length).toBeGreaterThanOrEqual(principals.length);
    expect(closes.filter((c) => c.code !== c.expected)).toEqual([]);
  });
});
