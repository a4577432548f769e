/**
 * The permission matrix, generated from the app's own route table: every route × every principal
 * (owner, each member role, each share-link role, a signed-in stranger, dead and foreign links, no
 * credentials) over REST, and every principal over the sync WebSocket. Expectations live in
 * `tests/permission-expectations.ts`; a route without one fails here by name, and so does an
 * expectation without a route. A refused request must change nothing in Postgres. The matrix is
 * also `docs/permissions.md`, which must match the rendering.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../shared/protocol.ts';
import { type PlanBuilder, REDIS_URL, startPlanBuilder } from './builder-harness.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { testLogger } from './helpers/logger.ts';
import { renderPermissionDoc } from './helpers/permission-doc.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { createPeople, createWorld, fillPath, paramValues, routeTable, type People, type World } from './helpers/world.ts';
import { EXPECTATIONS, outcomeOf, PRINCIPALS, SIGNED_IN, syncOutcome, type Principal } from './permission-expectations.ts';

const DOC_PATH = fileURLToPath(new URL('../docs/permissions.md', import.meta.url));
const PASSWORD = 'correct horse battery';
const CLOSE_CODES = { unauthorized: CloseCode.unauthorized.code, notFound: CloseCode.notFound.code };
/** Rows written behind the request's back (timers, the builder): not evidence of a refused
 * request having acted. The document itself (doc_updates) and everything access-related are kept. */
const VOLATILE_TABLES = new Set(['change_log', 'doc_snapshots', 'build_logs', 'build_artifacts', 'webhook_attempts']);
const VOLATILE_COLUMNS: Record<string, string[]> = {
  configs: ['updated_at'],
  build_jobs: ['status', 'stage', 'progress', 'error', 'attempts', 'started_at', 'finished_at', 'builder_version', 'executor'],
  // A token's use is recorded whatever the answer (its owner sees when and from where it was used).
  access_tokens: ['last_used_at', 'last_used_address'],
  // Likewise a share link's use count, which the server flushes every few seconds (a session
  // opened through the link is a use, even a read-only one whose edit is refused).
  share_links: ['uses', 'last_used_at'],
  // The webhook worker's attempts at the world's ping (its receiver never answers).
  webhook_deliveries: ['status', 'attempts', 'last_attempt_at'],
};
/** The whole matrix is a few hundred requests with a database fingerprint around each refusal. */
const MATRIX_TIMEOUT_MS = 400_000;

describe('generated permission matrix', () => {
  let server: TestServer;
  let people: People;
  let world: World;
  let builder: PlanBuilder;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'permission-matrix-'));
    // A stand-in client build, so the page routes are in the table whether or not `dist/` exists.
    const clientDir = path.join(tmp, 'client');
    await mkdir(clientDir, { recursive: true });
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>Boardroom</title>');
    const keyPrefix = `test:matrix:${randomBytes(6).toString('hex')}:`;
    const artifactsDir = path.join(tmp, 'artifacts');
    // Every principal signs up once through the route itself: the per-address sign-up limit is not
    // what this test is about (tests/sign-in-throttle.test.ts is).
    // The owner's three live tokens count against the owner's REST rate too.
    server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix, artifactsDir, clientDir, metricsToken: randomUUID(), limits: { signupsPerAddress: 1_000, requestsPerMinute: 6_000 } });
    builder = await startPlanBuilder({ db: server.database.db, keyPrefix, artifactsDir, workRoot: path.join(tmp, 'work'), logger: testLogger() });
    people = await createPeople(server, 'matrix');
    world = await createWorld(server, 'matrix', people);
    // The build finishes, so artifact routes have something to serve.
    await eventually(async () => expect(((await (await server.api(`/api/builds/${world.buildId}`)).json()) as { status: string }).status).toBe('succeeded'), {
      timeoutMs: 30_000,
    });
  });
  afterAll(async () => {
    await builder?.close();
    await server?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, string>>;
  let fingerprintQuery: string | null = null;
  /** Every table of the database, hashed (volatile parts left out), in one round trip: any write
   * shows up here. Tables are listed once, after the fixture exists (all migrations ran by then). */
  async function fingerprint(): Promise<string> {
    const db = server.database.db;
    if (!fingerprintQuery) {
      const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`));
      fingerprintQuery = tables
        .map(({ table_name: table }) => table)
        .filter((table) => !VOLATILE_TABLES.has(table))
        .map((table) => {
          const row = `(to_jsonb(t) - array[${(VOLATILE_COLUMNS[table] ?? ['__none__']).map((c) => `'${c}'`).join(',')}]::text[])::text`;
          return `select '${table}' as t, count(*)::text as n, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as h from "${table}" t`;
        })
        .join(' union all ');
    }
    return rowsOf(await db.execute(sql.raw(fingerprintQuery)))
      .map((r) => `${r.t}:${r.n}:${r.h}`)
      .sort()
      .join('\n');
  }

  /** Waits until background writes an allowed request caused have landed (commits, builds);
   * returns the settled fingerprint. */
  async function settle(): Promise<string> {
    let last = await fingerprint();
    await eventually(
      async () => {
        await new Promise((r) => setTimeout(r, 150));
        const now = await fingerprint();
        const same = now === last;
        last = now;
        expect(same).toBe(true);
      },
      { timeoutMs: 20_000, intervalMs: 0 },
    );
    return last;
  }

  const tokenOf = (w: World, who: Principal): { bearer?: string; share?: string } => {
    switch (who) {
      case 'owner':
        return { bearer: server.token };
      case 'editor':
      case 'commenter':
      case 'viewer':
        return { bearer: w.members[who].token };
      case 'stranger':
        return { bearer: w.stranger.token };
      case 'editorLink':
        return { share: w.links.editor.token };
      case 'commenterLink':
        return { share: w.links.commenter.token };
      case 'viewerLink':
        return { share: w.links.viewer.token };
      case 'expiredLink':
        return { share: w.badLinks.expired };
      case 'revokedLink':
        return { share: w.badLinks.revoked };
      case 'otherConfigLink':
        return { share: w.badLinks.otherConfig };
      case 'anonymous':
        return {};
      case 'readToken':
        return { bearer: w.accessTokens.read };
      case 'buildToken':
        return { bearer: w.accessTokens.build };
      case 'otherConfigToken':
        return { bearer: w.accessTokens.otherConfig };
      case 'revokedToken':
        return { bearer: w.accessTokens.revoked };
      case 'orgAdmin':
        return { bearer: w.org.admin.token };
      case 'orgMember':
        return { bearer: w.org.member.token };
      case 'otherOrgOwner':
        return { bearer: w.org.otherOwner.token };
    }
  };
  const ORG_PEOPLE: Partial<Record<Principal, keyof World['org']>> = { orgAdmin: 'admin', orgMember: 'member', otherOrgOwner: 'otherOwner' };
  const emailOf = (w: World, who: Principal) =>
    who === 'owner'
      ? server.owner.user.email
      : who === 'stranger'
        ? w.stranger.user.email
        : ORG_PEOPLE[who]
          ? w.org[ORG_PEOPLE[who]!].user.email
          : w.members[who as 'editor'].user.email;

  /** A session made for one call (signing out must not end the matrix's own). */
  async function freshSession(w: World, who: Principal): Promise<string> {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: emailOf(w, who), password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login ${who}: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  it('every route in the app has an expectation, and every expectation a route', () => {
    const keys = routeTable(server).map((r) => r.key);
    const missing = keys.filter((k) => !(k in EXPECTATIONS));
    const stale = Object.keys(EXPECTATIONS).filter((k) => !keys.includes(k));
    expect({ routesWithoutExpectation: missing, expectationsWithoutRoute: stale }).toEqual({ routesWithoutExpectation: [], expectationsWithoutRoute: [] });
  });

  it(
    'REST: every route × every principal answers as expected, and refusals change nothing',
    async () => {
      const failures: string[] = [];
      // The database's fingerprint as it is now, while nothing but refused requests ran since it
      // was taken: a refusal's "after" is the next refusal's "before", which halves the queries.
      // Anything that may write (an allowed request, a fresh sign-in, an invitation made for a
      // body, a new world) forgets it.
      let known: string | null = null;
      for (const route of routeTable(server)) {
        const expectation = EXPECTATIONS[route.key];
        if (!expectation) continue; // reported by the test above
        if (expectation.fresh) known = null;
        const w = expectation.fresh ? await createWorld(server, `fresh ${route.key}`, people) : world;
        const params = paramValues(w, expectation.params);
        let consumed = false;
        // Refusals first, on a settled database; then the callers that may act.
        const order = [...PRINCIPALS].sort((a, b) => Number(outcomeOf(route.key, a) === 'allowed') - Number(outcomeOf(route.key, b) === 'allowed'));
        for (const who of order) {
          const expected = outcomeOf(route.key, who);
          const creds = tokenOf(w, who);
          if (expectation.ownSession && SIGNED_IN.has(who)) {
            creds.bearer = await freshSession(w, who);
            known = null;
          }
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (creds.bearer) headers.authorization = `Bearer ${creds.bearer}`;
          if (creds.share) headers['x-share-token'] = creds.share;
          const body = await expectation.body?.(who, {
            unique: randomBytes(4).toString('hex'),
            world: { strangerEmail: w.stranger.user.email, pendingInvitationToken: w.pendingInvitationToken, pendingOrgInvitationToken: w.pendingOrgInvitationToken },
            newInvitationToken: async () => {
              known = null;
              const res = await server.api(`/api/configs/${w.configId}/members`, { method: 'POST', body: JSON.stringify({ email: `${who}.${randomUUID()}@accept.test`, role: 'viewer' }) });
              return ((await res.json()) as { token: string }).token;
            },
            newOrgInvitationToken: async () => {
              known = null;
              const res = await server.api(`/api/orgs/${w.orgId}/invitations`, { method: 'POST', body: JSON.stringify({ email: `${who}.${randomUUID()}@org-accept.test`, role: 'member' }) });
              return ((await res.json()) as { token: string }).token;
            },
          });
          const url = `${server.url}${fillPath(route.path, params)}${expectation.query ?? ''}`;
          const before: string | null = expected === 'allowed' ? null : (known ?? (await fingerprint()));
          known = null;
          const res = await fetch(url, { method: route.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
          const text = await res.text();
          const label = `${route.key} as ${who}`;
          if (expected === 'allowed') {
            const ok = consumed ? [404] : (expectation.ok ?? [200, 201, 202, 204]);
            if (expectation.consumes) consumed = true;
            if (!ok.includes(res.status)) failures.push(`${label}: expected ${ok.join('/')}, got ${res.status} ${text.slice(0, 200)}`);
            continue;
          }
          if (res.status !== expected) {
            failures.push(`${label}: expected ${expected}, got ${res.status} ${text.slice(0, 200)}`);
            continue;
          }
          if (route.path.startsWith('/api/')) {
            const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
            if (!error?.code || !error.message) failures.push(`${label}: refusal without {error:{code,message}}: ${text.slice(0, 200)}`);
          }
          const after = await fingerprint();
          known = after;
          if (after !== before) failures.push(`${label}: refused with ${res.status}, yet the database changed:\n${diffLines(before!, after)}`);
        }
        known = await settle();
      }
      expect(failures).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it('sync: every principal reads or is closed as expected; read-only edits are dropped', async () => {
    const owner = connectClient(server, world.configId);
    await synced(owner);
    try {
      for (const who of PRINCIPALS) {
        const expected = syncOutcome(who, CLOSE_CODES);
        const creds = tokenOf(world, who);
        const params: Record<string, string> = {};
        if (creds.bearer) params.token = creds.bearer;
        if (creds.share) params.share = creds.share;
        if (typeof expected === 'object') {
          const q = new URLSearchParams(params);
          const code = await new Promise<number>((resolve) => {
            const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${world.configId}?${q}`);
            ws.on('close', (c) => resolve(c));
            ws.on('error', () => {});
          });
          expect({ who, code }).toEqual({ who, code: expected.close });
          continue;
        }
        const client = connectClient(server.url, world.configId, params);
        const denied: string[] = [];
        (client.provider as unknown as { messageHandlers: Array<(e: unknown, d: { arr: Uint8Array; pos: number }) => void> }).messageHandlers[2] = (_e, d) => {
          denied.push(new TextDecoder().decode(d.arr.subarray(d.pos)));
        };
        await synced(client);
        // It can read: the document arrives.
        expect({ who, board: client.doc.getMap('config').get('BOARD')?.toString() }).toEqual({ who, board: 'rock-5b' });
        const mark = `${who} was here ${randomBytes(3).toString('hex')}`;
        const before = expected === 'read-only' ? await fingerprint() : null;
        client.doc.getMap('config').set('customizeScript', new Y.Text(`# ${mark}`));
        if (expected === 'write') {
          await eventually(() => expect(String(owner.doc.getMap('config').get('customizeScript'))).toContain(mark));
        } else {
          await eventually(() => expect(denied.length).toBe(1));
          expect(denied[0]).toContain(ROLE_WORD[who]);
          // The owner never sees it, and Postgres has nothing new.
          await settle();
          expect(String(owner.doc.getMap('config').get('customizeScript'))).not.toContain(mark);
          const after = await fingerprint();
          expect({ who, changed: after === before ? '' : diffLines(before!, after) }).toEqual({ who, changed: '' });
        }
        client.destroy();
      }
    } finally {
      owner.destroy();
    }
  });

  it('docs/permissions.md is the rendered matrix', async () => {
    const rendered = renderPermissionDoc(
      routeTable(server).map((r) => r.key).filter((k) => k in EXPECTATIONS),
      CLOSE_CODES,
    );
    if (process.env.UPDATE_PERMISSIONS_DOC) await writeFile(DOC_PATH, rendered);
    const committed = await readFile(DOC_PATH, 'utf8').catch(() => '');
    expect(committed, 'docs/permissions.md is stale: UPDATE_PERMISSIONS_DOC=1 npx vitest run tests/access-permission-matrix.test.ts').toBe(rendered);
  });
});

const ROLE_WORD: Record<Principal, string> = Object.fromEntries(PRINCIPALS.map((p) => [p, p.replace('Link', '')])) as Record<Principal, string>;

function diffLines(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  return after
    .split('\n')
    .filter((l) => !a.has(l))
    .map((l) => `  ${l.split(':')[0]} changed`)
    .join('\n');
}
