/**
 * The server the HTTP fuzz files drive (tests/http-fuzz-*.test.ts): a real server with Redis, a
 * stand-in client build (so the page routes are in the table), a world of members and links, and
 * REST limits raised so fuzzed requests reach the handlers. It records every answer and every
 * promise that rejects unhandled meanwhile; `finalCheck` asserts the server survived it all.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { REDIS_URL } from '../builder-harness.ts';
import { seededRandom } from './random.ts';
import { rawStatus, type RawRequest } from './raw-http.ts';
import { startTestServer, type TestServer } from './server.ts';
import { createWorld, type World } from './world.ts';

interface Outcome {
  request: string;
  status: number;
}

/** A 503 is the contract of the routes that report a missing dependency, whatever the input: the
 * health checks (this server has no builder listening) and "Check with Armbian" (no builder with
 * a framework checkout). */
const CONTRACT_503 = [' /health/', '/framework-check '];

export interface FuzzServer {
  server: TestServer;
  world: World;
  /** Callers requests rotate over, so the per-person REST limit never turns the fuzz into 429s;
   * [0] is the owner. */
  principals: Array<Record<string, string>>;
  /** Picks `n` of `pool`, from the seeded sampler (replay a failure with the same seed). */
  sample<T>(pool: T[], n: number): T[];
  send(req: RawRequest, who?: Record<string, string>): Promise<number>;
  /** Answers ≥ 500 (or none at all) since the last call. */
  serverErrors(): Outcome[];
  /** `POST /api/auth/logout` with the owner's token signs the owner out: sign back in for the rest. */
  ensureOwnerSession(): Promise<void>;
  /** The server still answers, no promise rejected unhandled, and no answer was a 429. */
  finalCheck(label: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startFuzzServer(label: string): Promise<FuzzServer> {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const outcomes: Outcome[] = [];
  const rng = seededRandom('http-input-fuzz');
  process.on('unhandledRejection', onRejection);
  const clientDir = await mkdtemp(path.join(tmpdir(), 'fuzz-shell-'));
  await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>shell</title>');
  // Fuzzed requests must reach the handlers, not the request and sign-up limits (their own tests
  // cover those).
  const server = await startTestServer({
    redisUrl: REDIS_URL,
    keyPrefix: `test:fuzz-${label}:${randomUUID()}:`,
    clientDir,
    limits: { signupsPerAddress: 1_000, requestsPerMinute: 100_000, requestsPerMinutePerAddress: 100_000 },
  });
  const world = await createWorld(server, 'fuzz');
  const principals: Array<Record<string, string>> = [
    { authorization: `Bearer ${server.token}` },
    { authorization: `Bearer ${world.members.editor.token}` },
    { 'x-share-token': world.links.commenter.token },
    {},
  ];
  let turn = 0;
  let checked = 0;
  return {
    server,
    world,
    principals,
    sample<T>(pool: T[], n: number): T[] {
      const copy = [...pool];
      const out: T[] = [];
      while (out.length < n && copy.length > 0) out.push(copy.splice(rng.int(copy.length), 1)[0]);
      return out;
    },
    async send(req, who) {
      const caller = who ?? principals[turn++ % principals.length];
      const status = await rawStatus(server.port, { ...req, headers: { ...caller, ...req.headers } });
      const headerNames = Object.keys(req.headers ?? {}).join(',');
      outcomes.push({ request: `${req.method} ${req.target.slice(0, 160)} [${headerNames}]`, status });
      return status;
    },
    serverErrors() {
      const fresh = outcomes.slice(checked);
      checked = outcomes.length;
      return fresh.filter((o) => (o.status >= 500 && !(o.status === 503 && CONTRACT_503.some((p) => o.request.includes(p)))) || o.status === 0);
    },
    async ensureOwnerSession() {
      if ((await server.api('/api/auth/me')).status === 200) return;
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: server.owner.user.email, password: 'correct horse battery' }),
      });
      const { token } = (await res.json()) as { token: string };
      server.token = token;
      server.api = ((p: string, init: RequestInit = {}) =>
        fetch(`${server.url}${p}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } })) as TestServer['api'];
      principals[0] = { authorization: `Bearer ${token}` };
    },
    async finalCheck(name) {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(rejections.map(String)).toEqual([]);
      // The fuzz reached the handlers: the REST limits never stood in for it.
      expect(outcomes.filter((o) => o.status === 429)).toEqual([]);
      console.log(`[${name}] ${outcomes.length} requests, statuses: ${JSON.stringify(countBy(outcomes.map((o) => o.status)))}`);
    },
    async cleanup() {
      process.off('unhandledRejection', onRejection);
      await server.cleanup();
      await rm(clientDir, { recursive: true, force: true });
    },
  };
}

function countBy(values: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
