/**
 * Personal access tokens over REST (security.md, "Personal access tokens"): made by a session and
 * shown once, used as `Authorization: Bearer brt_…`, capped by scopes and a configuration
 * restriction, refused on account routes and the sync socket, dead at once when revoked (on
 * another process too) or expired, stored only as a hash, last use recorded sparingly, and never
 * written to the log.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LOG_REDACT } from '../server/log-redact.ts';
import { authed, signUp } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, startTestServer } from './helpers/server.ts';

const logLines: string[] = [];
const captured = pino({ level: 'debug', redact: LOG_REDACT }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
const { server } = useTestServer({ logger: captured, limits: { tokensPerUser: 3 } });

const DAY = 24 * 3600 * 1000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;

interface Made {
  id: string;
  token: string;
  prefix: string;
  scopes: string[];
  configIds: string[] | null;
}

async function makeToken(session: string, body: Record<string, unknown>): Promise<Made> {
  const res = await authed(server.url, session)('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'ci', expiresAt: inDays(30), ...body }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Made;
}

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; details?: unknown } }).error });

function syncClose(url: string, configId: string, init: { headers?: Record<string, string>; query?: string }): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/sync/${configId}${init.query ?? ''}`, { headers: init.headers });
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    ws.on('error', () => {});
  });
}

describe('personal access tokens', () => {
  it('work for scripts within their scopes and restriction, and stop at once when revoked', async () => {
    const a = await createConfig(server, { name: 'token A' });
    const b = await createConfig(server, { name: 'token B' });
    const read = await makeToken(server.token, { name: 'read A', scopes: ['read'], configIds: [a] });
    expect(read.token).toMatch(/^brt_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    expect(read.token.startsWith(read.prefix)).toBe(true);
    const asRead = authed(server.url, read.token);

    // Read within the restriction; the list holds only what the token may reach. The answer says
    // what the token may do (its owner's role capped by the scope), not the owner's whole role.
    const seen = await asRead(`/api/configs/${a}`);
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ role: 'owner', actions: ['read'] });
    expect(((await (await server.api(`/api/configs/${a}`)).json()) as { actions: string[] }).actions).toEqual(expect.arrayContaining(['edit', 'manageAccess', 'delete']));
    expect(((await (await asRead('/api/configs')).json()) as Array<{ id: string }>).map((c) => c.id)).toEqual([a]);
    // Outside the restriction: like a configuration that does not exist.
    expect(await errorOf(await asRead(`/api/configs/${b}`))).toMatchObject({ status: 404, code: 'not_found' });
    // A write needs the write scope, and the refusal says so.
    const put = await asRead(`/api/configs/${a}/data`, { method: 'PUT', body: JSON.stringify({ BOARD: 'rock-5b' }) });
    expect(await errorOf(put)).toMatchObject({ status: 403, code: 'token_scope', details: { missingScope: 'write' } });
    // Owner-only actions need a person, whatever the scopes.
    expect(await errorOf(await asRead(`/api/configs/${a}/members`))).toMatchObject({ status: 403, code: 'token_scope', details: { missingScope: null } });

    // Account routes are a session's: a token can neither manage tokens nor sign out.
    for (const [method, path] of [
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens'],
      ['DELETE', `/api/tokens/${read.id}`],
      ['POST', '/api/auth/logout'],
      ['GET', '/api/layout'],
      ['GET', '/api/trash'],
    ]) {
      const res = await asRead(path, { method, body: method === 'GET' ? undefined : JSON.stringify({ name: 'x', scopes: ['read'], expiresAt: inDays(1) }) });
      expect({ path: `${method} ${path}`, ...(await errorOf(res)) }).toMatchObject({ status: 403, code: 'token_not_allowed' });
    }

    // Whose token it is and what it may do: the one account route a token may read.
    expect(await (await asRead('/api/auth/me')).json()).toMatchObject({ user: { id: server.owner.user.id }, token: { id: read.id, scopes: ['read'], configIds: [a] } });

    // The sync socket refuses tokens, with a reason.
    const closed = await syncClose(server.url, a, { headers: { authorization: `Bearer ${read.token}` } });
    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain('personal access tokens');
    expect((await syncClose(server.url, a, { query: `?token=${read.token}` })).code).toBe(4401);
    // Nor is a token read from the query string over REST (URLs end up in logs).
    expect(await errorOf(await fetch(`${server.url}/api/configs/${a}?token=${read.token}`))).toMatchObject({ status: 401, code: 'token_invalid' });

    // The secret is never shown again, and is not in the database; only its hash is.
    const listText = await (await server.api('/api/tokens')).text();
    const secret = read.token.slice(read.prefix.length + 1);
    expect(listText).toContain(read.prefix);
    expect(listText).not.toContain(secret);
    const dump = JSON.stringify(rows(await server.database.db.execute(sql`select * from access_tokens`)));
    expect(dump).not.toContain(secret);
    expect(dump).toContain(createHash('sha256').update(secret).digest('hex'));

    // Last use is recorded with the address, and not rewritten on every request.
    const listed = async () => ((await (await server.api('/api/tokens')).json()) as Array<{ id: string; lastUsedAt: string | null; lastUsedAddress: string | null }>).find((t) => t.id === read.id)!;
    const first = await listed();
    expect(first.lastUsedAt).not.toBeNull();
    expect(first.lastUsedAddress).toMatch(/127\.0\.0\.1/);
    expect((await asRead(`/api/configs/${a}`)).status).toBe(200);
    expect((await listed()).lastUsedAt).toBe(first.lastUsedAt);

    // A second process on the same database: revoking on one stops the token on both at once.
    const other = await startTestServer({ testDb: server.testDb, owner: server.owner, logger: captured });
    try {
      expect((await authed(other.url, read.token)(`/api/configs/${a}`)).status).toBe(200);
      expect((await server.api(`/api/tokens/${read.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(await errorOf(await asRead(`/api/configs/${a}`))).toMatchObject({ status: 401, code: 'token_revoked' });
      expect(await errorOf(await authed(other.url, read.token)(`/api/configs/${a}`))).toMatchObject({ status: 401, code: 'token_revoked' });
    } finally {
      await other.stop();
    }
    expect((await server.api(`/api/tokens/${read.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(((await (await server.api('/api/tokens')).json()) as unknown[]).length).toBe(0);

    // A write token edits, credited to its owner.
    const write = await makeToken(server.token, { name: 'writer', scopes: ['read', 'write'] });
    const edited = await authed(server.url, write.token)(`/api/configs/${b}/data`, { method: 'PUT', body: JSON.stringify({ BOARD: 'rock-5b' }) });
    expect(edited.status).toBe(200);
    const last = (await (await server.api(`/api/configs/${b}/history/last?path=/BOARD`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(last)).toContain(server.owner.user.id);

    // Never in the log: not the token, not its secret.
    expect(logLines.length).toBeGreaterThan(0);
    for (const made of [read, write]) expect(logLines.join('\n')).not.toContain(made.token.slice(-43));
  });

  it('refuses expired, malformed and forged tokens with their own codes', async () => {
    const config = await createConfig(server, { name: 'expiry' });
    const made = await makeToken(server.token, { scopes: ['read'] });
    await server.database.db.execute(sql`update access_tokens set expires_at = now() - interval '1 second' where id = ${made.id}`);
    expect(await errorOf(await authed(server.url, made.token)(`/api/configs/${config}`))).toMatchObject({ status: 401, code: 'token_expired' });
    // The right id with another secret is no different from nonsense: revocation and expiry are
    // told only to whoever holds the whole token.
    const forged = `${made.prefix}_${'A'.repeat(43)}`;
    for (const bad of [forged, 'brt_nonsense', `${made.token}x`]) {
      expect(await errorOf(await authed(server.url, bad)(`/api/configs/${config}`))).toMatchObject({ status: 401, code: 'token_invalid' });
    }
  });

  it('are made only with a name, known scopes, reachable configurations and a bounded expiry, up to the per-person cap', async () => {
    const someone = await signUp(server.url, 'Token Maker');
    const post = (body: Record<string, unknown>) => authed(server.url, someone.token)('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'n', scopes: ['read'], expiresAt: inDays(1), ...body }) });
    const notMine = await createConfig(server, { name: 'not theirs' });
    for (const [body, path] of [
      [{ name: '' }, '/name'],
      [{ scopes: ['admin'] }, '/scopes'],
      [{ scopes: [] }, '/scopes'],
      [{ expiresAt: undefined }, '/expiresAt'],
      [{ expiresAt: inDays(-1) }, '/expiresAt'],
      [{ expiresAt: inDays(366) }, '/expiresAt'],
      [{ configIds: ['not-a-uuid'] }, '/configIds'],
      [{ configIds: [notMine] }, '/configIds/0'],
    ] as const) {
      const res = await post(body);
      const error = await errorOf(res);
      expect({ body, status: error.status, paths: (error.details as Array<{ path: string }>).map((d) => d.path) }).toEqual({ body, status: 422, paths: [path] });
    }
    for (let i = 0; i < 3; i++) expect((await post({ name: `t${i}` })).status).toBe(201);
    expect(await errorOf(await post({ name: 'one too many' }))).toMatchObject({ status: 409, code: 'too_many_tokens' });
    // Someone else's token id is unknown to them.
    const mine = (await (await authed(server.url, someone.token)('/api/tokens')).json()) as Array<{ id: string }>;
    expect((await server.api(`/api/tokens/${mine[0].id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
