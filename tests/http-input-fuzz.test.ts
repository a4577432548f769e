/**
 * Nothing a client sends takes the server down or answers 5xx. Every route of the app's own route
 * table (`app.routes`, so a new route is fuzzed the day it is added) is driven with malformed
 * percent-escapes, overlong and odd ids, odd unicode, odd methods, odd and oversized headers and
 * bad bodies; the sync upgrade path with bad escapes and odd headers; and the WebSocket with
 * garbage frames. Every answer must be below 500, no promise may reject unhandled, and the server
 * must still answer /health. The sampling is seeded: replay a failure with SEED=<n>.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '../shared/protocol.ts';
import { REDIS_URL } from './builder-harness.ts';
import { startChildServer } from './helpers/child-server.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { seededRandom } from './helpers/random.ts';
import { rawResponse, rawStatus, UPGRADE_HEADERS, type RawRequest } from './helpers/raw-http.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createWorld, fillPath, paramValues, routeTable, type World } from './helpers/world.ts';
import { EXPECTATIONS } from './permission-expectations.ts';

/** Path segments as they go on the wire (already percent-encoded where they are escapes). */
const BAD_SEGMENTS = [
  '%ZZ',
  '%',
  '%2',
  '%%',
  '%E0%A4%A',
  '%25E0%25A4%25A',
  '%C0%AF',
  '%00',
  '%FF%FE',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%u0041',
  'a'.repeat(5000),
  '0'.repeat(300),
  '😀',
  'ü',
  '\u202e',
  '\u200b',
  '%E2%80%AE',
  '..',
  '%2e%2e',
  '%2F',
  '%5C',
  'null',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-00000000000g',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '__proto__',
  'constructor',
  "'%20OR%201=1--",
  '%3Cscript%3E',
  'x%00y',
  '%40',
  '%25',
];
/** Always tried on every parameter: the two that broke in the issue. */
const ALWAYS = ['%ZZ', '%25E0%25A4%25A'];
const PARAM_SAMPLES = 8;

/** Methods no route declares; Node's parser refuses the unknown ones itself (400). */
const ODD_METHODS = ['PROPFIND', 'PURGE', 'OPTIONS', 'HEAD', 'BREW', 'M-SEARCH', 'QUERY', 'LINK', 'MKCOL', 'TRACE'];

const ODD_HEADERS: Array<Record<string, string>> = [
  { authorization: 'Bearer %ZZ' },
  { authorization: `Bearer ${'a'.repeat(10_000)}` },
  { authorization: 'Basic Zm9vOmJhcg==' },
  { authorization: 'Bearer' },
  { cookie: 'br_session=%ZZ' },
  { cookie: 'br_session=%E0%A4%A; other=%' },
  { cookie: `br_session=${'%'.repeat(4000)}` },
  { cookie: '=; ;;=;br_session' },
  { 'x-share-token': '%ZZ' },
  { 'x-share-token': 'ü'.repeat(30) },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'x-pad': 'x'.repeat(20_000) },
  { accept: '*/*;q=foo' },
  { 'last-event-id': 'NaN' },
  { 'last-event-id': '9'.repeat(400) },
  { 'content-length': '-1' },
  { 'transfer-encoding': 'chunked, gzip' },
  { host: '' },
  { 'x-request-id': 'ü'.repeat(100) },
  { 'accept-encoding': 'x'.repeat(1000) },
  { origin: 'null' },
  // Parsed by origin checks and proxy-aware limits: their parsers must not throw either.
  { origin: 'http://%ZZ' },
  { origin: `http://${'a'.repeat(5000)}.test` },
  { origin: 'http://[::1' },
  { referer: '%ZZ://\u0000' },
  { 'x-forwarded-for': `%ZZ, ::ffff:999.1.1.1, , ${'a'.repeat(3000)}` },
  { 'x-forwarded-for': '[::1]:80, 10.0.0.1/33, -1' },
  { forwarded: 'for="[::1";proto=%ZZ, for=unknown' },
];

const BAD_BODIES: Array<{ type?: string; body: string | Buffer }> = [
  { type: 'application/json', body: '{' },
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '"x"' },
  { type: 'application/json', body: '1e400' },
  { type: 'application/json', body: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}' },
  { type: 'application/json', body: '['.repeat(20_000) + ']'.repeat(20_000) },
  { type: 'application/json', body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
  { type: 'application/json', body: '{"name":"\\ud800","email":"\\u0000","role":{"$gt":""}}' },
  { type: 'application/json', body: 'x'.repeat(3 * 1024 * 1024) },
  { type: 'text/plain', body: '{"name":"plain text"}' },
  { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--' },
  { body: '{}' },
];

interface Outcome {
  request: string;
  status: number;
}

describe('HTTP input fuzz over the route table', () => {
  let server: TestServer;
  let world: World;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const outcomes: Outcome[] = [];
  const rng = seededRandom('http-input-fuzz');
  let principals: Array<Record<string, string>>;
  let clientDir: string;

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    // A stand-in client build, so the page routes (`/c/:configId`, `/s/:token`) are in the table.
    clientDir = await mkdtemp(path.join(tmpdir(), 'fuzz-shell-'));
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>shell</title>');
    // Fuzzed requests must reach the handlers, not the request and sign-up limits (their own tests
    // cover those).
    server = await startTestServer({
      redisUrl: REDIS_URL,
      keyPrefix: `test:fuzz:${randomUUID()}:`,
      clientDir,
      limits: { signupsPerAddress: 1_000, requestsPerMinute: 100_000, requestsPerMinutePerAddress: 100_000 },
    });
    world = await createWorld(server, 'fuzz');
    // Requests rotate over callers so the per-person REST limit never turns the fuzz into 429s.
    principals = [
      { authorization: `Bearer ${server.token}` },
      { authorization: `Bearer ${world.members.editor.token}` },
      { 'x-share-token': world.links.commenter.token },
      {},
    ];
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await server?.cleanup();
    await rm(clientDir, { recursive: true, force: true });
  });

  const sample = <T,>(pool: T[], n: number): T[] => {
    const copy = [...pool];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(rng.int(copy.length), 1)[0]);
    return out;
  };
  let turn = 0;
  const send = async (req: RawRequest, who?: Record<string, string>) => {
    const caller = who ?? principals[turn++ % principals.length];
    const status = await rawStatus(server.port, { ...req, headers: { ...caller, ...req.headers } });
    const headerNames = Object.keys(req.headers ?? {}).join(',');
    outcomes.push({ request: `${req.method} ${req.target.slice(0, 160)} [${headerNames}]`, status });
    return status;
  };
  let checked = 0;
  /** Answers ≥ 500 (or none at all) since the last call. A 503 is the contract of the routes that
   * report a missing dependency, whatever the input: the health checks (this server has no builder
   * listening) and "Check with Armbian" (no builder with a framework checkout). */
  const CONTRACT_503 = [' /health/', '/framework-check '];
  const serverErrors = () => {
    const fresh = outcomes.slice(checked);
    checked = outcomes.length;
    return fresh.filter((o) => (o.status >= 500 && !(o.status === 503 && CONTRACT_503.some((p) => o.request.includes(p)))) || o.status === 0);
  };

  it('every path parameter of every route, with malformed escapes, overlong and odd ids', async () => {
    const valid = paramValues(world);
    for (const route of routeTable(server)) {
      const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      // As the owner with the body the permission matrix sends (a valid one), so the bad id gets
      // past access checks and body validation to the lookups behind them.
      const validBody = await EXPECTATIONS[route.key]?.body?.('owner', {
        unique: randomUUID().slice(0, 8),
        world: { strangerEmail: world.stranger.user.email, pendingInvitationToken: world.pendingInvitationToken },
        // Never spent here: every fuzzed request has a bad path parameter.
        newInvitationToken: async () => world.pendingInvitationToken,
      });
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const body = hasBody ? JSON.stringify(validBody ?? {}) : undefined;
      for (const param of params) {
        for (const bad of [...ALWAYS, ...sample(BAD_SEGMENTS, PARAM_SAMPLES)]) {
          const target = fillPath(route.path, (name) => (name === param ? bad : valid(name)));
          await send({ method: route.method, target, headers: hasBody ? { 'content-type': 'application/json' } : {}, body }, principals[0]);
        }
      }
      // And the query string: every route with odd escapes in the parameters routes read.
      const query = '?format=%ZZ&path=%E0%A4%A&limit=%&before=%ZZ&from=%25E0%25A4%25A&to=%ZZ&token=%ZZ&share=%ZZ&next=%ZZ&state=%ZZ&code=%ZZ&kind=%ZZ&after=%ZZ&reviewId=%ZZ&resolved=%&name=%ZZ';
      // Reads get real ids as the owner, so the odd query reaches the handler that parses it.
      if (route.method === 'GET') await send({ method: 'GET', target: fillPath(route.path, valid) + query }, principals[0]);
      else await send({ method: route.method, target: fillPath(route.path, () => randomUUID()) + query });
      await ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('odd methods and odd or oversized headers on every route', async () => {
    const valid = paramValues(world);
    for (const route of routeTable(server)) {
      // Methods no route declares cannot reach a handler that changes anything, so valid ids are fine.
      for (const method of sample(ODD_METHODS, 3)) await send({ method, target: fillPath(route.path, valid) });
      // Headers may authenticate: only reads get valid ids (a DELETE must not delete the fixture).
      const target = fillPath(route.path, route.method === 'GET' ? valid : () => randomUUID());
      for (const headers of sample(ODD_HEADERS, 5)) await send({ method: route.method, target, headers }, {});
      await ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('bad JSON bodies on every route that takes one', async () => {
    const valid = paramValues(world);
    for (const route of routeTable(server).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
      const target = fillPath(route.path, valid);
      for (const { type, body } of sample(BAD_BODIES, 4)) {
        await send({ method: route.method, target, headers: type ? { 'content-type': type } : {}, body }, principals[0]);
      }
      await ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('the sync upgrade path with bad escapes and odd headers', async () => {
    const id = world.configId;
    const targets = [
      ...BAD_SEGMENTS.map((s) => `/sync/${s}`),
      '/sync/',
      '/sync',
      `/sync/${id}/extra`,
      `/sync/${id}?token=%ZZ&share=%E0%A4%A&name=%ZZ&ext=%`,
      `/sync/${id}?name=${'%F0'.repeat(500)}`,
      '/api/configs',
      '/nothing/here',
      '//sync//x',
      'http://[::1/sync/x',
      '*',
    ];
    for (const target of targets) {
      for (const headers of [UPGRADE_HEADERS, { ...UPGRADE_HEADERS, cookie: 'br_session=%ZZ' }]) await send({ method: 'GET', target, headers }, {});
    }
    const odd: Array<Record<string, string>> = [
      { ...UPGRADE_HEADERS, 'sec-websocket-key': '' },
      { ...UPGRADE_HEADERS, 'sec-websocket-version': '99' },
      { ...UPGRADE_HEADERS, upgrade: 'h2c' },
      { ...UPGRADE_HEADERS, 'sec-websocket-protocol': '%ZZ, ,,' },
      { ...UPGRADE_HEADERS, 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits=%ZZ' },
      { ...UPGRADE_HEADERS, authorization: 'Bearer %ZZ' },
      { ...UPGRADE_HEADERS, cookie: `br_session=${'%'.repeat(4000)}` },
      { ...UPGRADE_HEADERS, 'x-share-token': '%E0%A4%A' },
      { ...UPGRADE_HEADERS, 'x-pad': 'x'.repeat(20_000) },
      { ...UPGRADE_HEADERS, origin: 'http://%ZZ' },
      { ...UPGRADE_HEADERS, origin: 'null' },
      { ...UPGRADE_HEADERS, origin: 'http://[::1' },
      { ...UPGRADE_HEADERS, 'x-forwarded-for': '%ZZ, 999.999.999.999, [::1' },
    ];
    for (const headers of odd) {
      await send({ method: 'GET', target: `/sync/${id}`, headers }, {});
      await send({ method: 'GET', target: `/sync/${id}`, headers: { ...headers, authorization: `Bearer ${server.token}` } }, {});
    }
    expect(serverErrors()).toEqual([]);
  });

  it('garbage WebSocket frames get a close code, never a crash', async () => {
    const frames: Array<{ data: Buffer | string; binary: boolean }> = [
      { data: 'not binary', binary: false },
      { data: Buffer.from([0x80]), binary: true },
      { data: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), binary: true },
      { data: Buffer.from([42]), binary: true },
      { data: Buffer.from([0, 9, 9, 9]), binary: true },
      { data: Buffer.from([0, 2, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), binary: true },
      { data: Buffer.from([1, 5, 1, 2, 3]), binary: true },
    ];
    const known = new Set<number>(Object.values(CloseCode).map((c) => c.code));
    for (const frame of frames) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${world.configId}?token=${server.token}`);
      ws.on('error', () => {});
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(frame.data, { binary: frame.binary });
      const code = await closed;
      expect({ frame: frame.data.toString('hex'), known: known.has(code) }).toEqual({ frame: frame.data.toString('hex'), known: true });
    }
  });

  it('the server is still up, and no promise was left to reject unhandled', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(rejections.map(String)).toEqual([]);
    // The fuzz reached the handlers: the REST limits never stood in for it.
    expect(outcomes.filter((o) => o.status === 429)).toEqual([]);
    console.log(`[http-input-fuzz] ${outcomes.length} requests, statuses: ${JSON.stringify(countBy(outcomes.map((o) => o.status)))}`);
  });

  /** `POST /api/auth/logout` with the owner's token signs the owner out: sign back in for the rest. */
  async function ensureOwnerSession(): Promise<void> {
    if ((await server.api('/api/auth/me')).status === 200) return;
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: server.owner.user.email, password: 'correct horse battery' }),
    });
    const { token } = (await res.json()) as { token: string };
    server.token = token;
    server.api = ((path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } })) as TestServer['api'];
    principals[0] = { authorization: `Bearer ${token}` };
  }
});

describe('named cases from the issue', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.cleanup());

  it('DELETE …/members/%25E0%25A4%25A answers 404, not 500 (no second decode)', async () => {
    const id = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'm' }) })).json()) as { id: string };
    const res = await server.api(`/api/configs/${id.id}/members/%25E0%25A4%25A`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('an invitation to an address with a % in it can be withdrawn', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'pct' }) })).json()) as { id: string };
    const email = '100%real@example.test';
    expect((await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email, role: 'viewer' }) })).status).toBe(201);
    expect((await server.api(`/api/configs/${id}/members/${encodeURIComponent(email)}`, { method: 'DELETE' })).status).toBe(204);
    const left = (await (await server.api(`/api/configs/${id}/members`)).json()) as Array<{ email?: string }>;
    expect(left.some((m) => m.email === email)).toBe(false);
  });

  it('PATCH of a share link with an empty body answers the link unchanged, not 500', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'p' }) })).json()) as { id: string };
    const link = (await (await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer', label: 'keep' }) })).json()) as { id: string };
    const res = await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'PATCH', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: link.id, role: 'viewer', label: 'keep' });
  });

  it('PATCH …/members/:userId with an id that is not a user id answers 404, not 500', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'role' }) })).json()) as { id: string };
    for (const userId of ['null', 'someone%40example.test', '%E0%A4%A']) {
      const res = await server.api(`/api/configs/${id}/members/${userId}`, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) });
      expect({ userId, status: res.status }).toEqual({ userId, status: 404 });
    }
  });

  it('a session cookie with a malformed escape on the upgrade is no credential (4401), not a load failure', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'c' }) })).json()) as { id: string };
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}`, { headers: { cookie: 'br_session=%E0%A4%A' } });
    ws.on('error', () => {});
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(CloseCode.unauthorized.code);
  });
});

describe('GitHub sign-in callback with odd state', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Nothing listens on port 9: a callback that got past the state check would answer 502, not hang.
    server = await startTestServer({ github: { clientId: 'id', clientSecret: 'secret', oauthBase: 'http://127.0.0.1:9', apiBase: 'http://127.0.0.1:9' } });
  });
  afterAll(() => server?.cleanup());

  it('a state of the same length in characters but not in bytes answers 400, not 500', async () => {
    const cases: Array<{ cookie: string; state: string }> = [
      { cookie: 'br_oauth_state=abcd', state: '%C3%BC%C3%BC%C3%BC%C3%BC' },
      { cookie: 'br_oauth_state=%C3%BC%C3%BC', state: 'ab' },
      { cookie: 'br_oauth_state=%ZZ', state: '%E0%A4%A' },
      { cookie: 'br_oauth_state=', state: '' },
    ];
    for (const { cookie, state } of cases) {
      const status = await rawStatus(server.port, { method: 'GET', target: `/api/auth/github/callback?state=${state}&code=x`, headers: { cookie } });
      expect({ cookie, state, status }).toEqual({ cookie, state, status: 400 });
    }
  });
});

describe('the built client under odd paths', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fuzz-client-'));
    await mkdir(path.join(dir, 'client', 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'client', 'index.html'), '<!doctype html><title>shell</title>');
    await writeFile(path.join(dir, 'client', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-THE-CLIENT');
    server = await startTestServer({ clientDir: path.join(dir, 'client') });
  });
  afterAll(async () => {
    await server?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('static files: malformed escapes and traversal answer 4xx or the shell, never a file outside the client', async () => {
    const targets = [
      '/%ZZ',
      '/assets/%ZZ',
      '/assets/%E0%A4%A',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/%00app.js',
      '/c/%ZZ',
      '/s/%E0%A4%A',
      `/assets/${'a'.repeat(5000)}.js`,
    ];
    for (const target of targets) {
      const status = await rawStatus(server.port, { method: 'GET', target });
      expect({ target, ok: status > 0 && status < 500 }).toEqual({ target, ok: true });
    }
    for (const target of targets) {
      const res = await fetch(`${server.url}${target}`).catch(() => null);
      if (res) expect({ target, leaked: (await res.text()).includes('TOP-SECRET') }).toEqual({ target, leaked: false });
    }
  });
});

describe('the real entry point', () => {
  it('GET /sync/%ZZ with upgrade headers leaves `server/main.ts` running', async () => {
    const db = await createTestDatabase('fuzzentry');
    const child = await startChildServer({ DATABASE_URL: db.url, METRICS_TOKEN: 'entry-test-token' });
    let exitCode: number | null | 'running' = 'running';
    void child.exited.then((code) => (exitCode = code));
    try {
      expect(await rawStatus(child.port, { method: 'GET', target: '/sync/%ZZ', headers: UPGRADE_HEADERS })).toBe(400);
      // The refusal speaks the REST error shape.
      const refused = await rawResponse(child.port, { method: 'GET', target: '/sync/%E0%A4%A', headers: UPGRADE_HEADERS });
      expect(refused.status).toBe(400);
      expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('bad_request');
      // Give a crash its chance to happen, then ask: the process must still answer.
      const health = await fetch(`${child.url}/health`);
      expect(health.status).toBe(200);
      expect(exitCode).toBe('running');
      // The entry file's metrics are the server's: process-level errors are counted where they are scraped.
      expect((await fetch(`${child.url}/metrics`)).status).toBe(401);
      const metrics = await (await fetch(`${child.url}/metrics`, { headers: { authorization: 'Bearer entry-test-token' } })).text();
      expect(metrics).toContain('# TYPE boardroom_process_errors_total counter');
      expect(metrics).toMatch(/boardroom_rejected_messages_total\{reason="badPath"\} 2/);
    } finally {
      child.child.kill('SIGKILL');
      await child.exited;
      await db.drop();
    }
  });
});

function countBy(values: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
