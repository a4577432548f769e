/**
 * The production build (`npm run build:server`: esbuild, code-split ESM in dist/app) runs with
 * plain `node`, no tsx: the compiled server and builder start against the real Postgres and Redis,
 * the server answers /health/ready, two stock y-websocket clients sync through it, the edit is
 * durable, the compiled builder answers its liveness endpoint and runs a build, and SIGTERM stops
 * both cleanly.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { VALID_CONFIG } from './builder-harness.ts';
import { authed, signUp } from './helpers/auth.ts';
import { startChildProcess, startChildServer, type ChildProcessRun, type ChildServer } from './helpers/child-server.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** esbuild takes about two seconds; the margin is for a machine busy with other test files. */
const BUILD_TIMEOUT_MS = 60_000;
/** A plan build on a loaded machine: seconds. */
const BUILD_DONE_TIMEOUT_MS = 30_000;

/** What a process was started with, from the kernel's view (not from what it says of itself). */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

describe('compiled server and builder (dist/app)', () => {
  let db: TestDatabase;
  let server: ChildServer | null = null;
  let builder: ChildProcessRun | null = null;
  const clients: TestClient[] = [];
  const artifactsDir = mkdtempSync(path.join(tmpdir(), 'boardroom-compiled-'));
  /** What the runtime image holds, and nothing else: dist/app, migrations/, package.json and the
   * dependencies. No sources to fall back on, so anything still reading them fails here. */
  const appDir = mkdtempSync(path.join(tmpdir(), 'boardroom-app-'));
  // Server and builder share the artifacts folder, as in production.
  const env = () => ({ DATABASE_URL: db.url, REDIS_URL, KEY_PREFIX: `test:${randomBytes(5).toString('hex')}:`, ARTIFACTS_DIR: artifactsDir, NODE_OPTIONS: '' });
  let runEnv: Record<string, string>;

  beforeAll(async () => {
    const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    cpSync(path.join(ROOT, 'dist/app'), path.join(appDir, 'dist/app'), { recursive: true });
    cpSync(path.join(ROOT, 'migrations'), path.join(appDir, 'migrations'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(appDir, 'package.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
    db = await createTestDatabase('compiled');
    runEnv = env();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    server?.child.kill('SIGKILL');
    builder?.child.kill('SIGKILL');
    await db?.drop();
    rmSync(artifactsDir, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  });

  it('emits the two entries and lazily loaded chunks', () => {
    for (const entry of ['server.js', 'builder.js', 'migrate.js', 'admin.js']) expect(existsSync(path.join(ROOT, 'dist/app', entry))).toBe(true);
    const server = readFileSync(path.join(ROOT, 'dist/app/server.js'), 'utf8');
    // The cluster bus and the build queue are dynamic imports: chunks of their own.
    expect(server).toMatch(/import\("\.\/cluster-[A-Z0-9]+\.js"\)/);
    expect(server).toMatch(/import\("\.\/builds-context-[A-Z0-9]+\.js"\)/);
    expect(server).not.toMatch(/from "tsx/);
    // Paths next to the sources still resolve from dist/app: the default client folder
    // (server/server.ts: ../dist/client) and migrations/ (shared/node/db/migrate.ts).
    const all = readdirSync(path.join(ROOT, 'dist/app')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(ROOT, 'dist/app', f), 'utf8')).join('\n');
    expect(all).toContain('new URL("../../server/server.ts", import.meta.url).href');
    expect(all).toContain('new URL("../../shared/node/db/migrate.ts", import.meta.url).href');
  });

  it('applies the migrations once with migrate.js (the one-shot migrations service) and exits 0', () => {
    const run = spawnSync(process.execPath, ['dist/app/migrate.js'], { cwd: appDir, env: { ...process.env, ...runEnv }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('database schema up to date');
    const missing = spawnSync(process.execPath, ['dist/app/migrate.js'], { cwd: appDir, env: { ...process.env, DATABASE_URL: '' }, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('DATABASE_URL is required');
  });

  it('serves /health/ready and syncs two stock clients, with no tsx in the process', async () => {
    server = await startChildServer(runEnv, 'dist/app/server.js', appDir);
    expect(commandLine(server.child.pid!)).toEqual([process.execPath, 'dist/app/server.js']);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });

    const { token } = await signUp(server.url);
    const id = await createConfig({ url: server.url, token }, { name: 'compiled', data: { customizeScript: '' } });
    const a = connectClient({ url: server.url, token }, id);
    const b = connectClient({ url: server.url, token }, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    (a.doc.getMap('config').get('customizeScript') as Y.Text).insert(0, 'echo compiled\n');
    await eventually(() => expect(String(b.doc.getMap('config').get('customizeScript'))).toBe('echo compiled\n'));
    // Durable: the REST read is the committed state.
    await eventually(async () => {
      const res = await authed(server!.url, token)(`/api/configs/${id}`);
      expect(((await res.json()) as { data: { customizeScript: string } }).data.customizeScript).toBe('echo compiled\n');
    });
  });

  it('runs a build on the compiled builder', async () => {
    builder = await startChildProcess('dist/app/builder.js', { ...runEnv, BUILDER_HEALTH_PORT: '0', BUILDER_HEALTH_HOST: '127.0.0.1' }, (e) => e.msg === 'builder health endpoint listening', appDir);
    expect(commandLine(builder.child.pid!)).toEqual([process.execPath, 'dist/app/builder.js']);
    // The liveness answer the images' HEALTHCHECK and the cluster's probes ask.
    const health = await fetch(`http://127.0.0.1:${builder.ready.port as number}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', running: 0, setupProblem: null });
    await eventually(async () => expect((await fetch(`${server!.url}/health/builder`)).status).toBe(200), { timeoutMs: BUILD_DONE_TIMEOUT_MS });
    const { token } = await signUp(server!.url, 'Builder');
    const api = authed(server!.url, token);
    const id = await createConfig({ url: server!.url, token }, { name: 'compiled-build', data: { ...VALID_CONFIG } });
    const started = await api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id: buildId } = (await started.json()) as { id: string };
    const done = await eventually(
      async () => {
        const build = (await (await api(`/api/builds/${buildId}`)).json()) as { status: string; artifacts: { name: string }[] };
        if (!['succeeded', 'failed'].includes(build.status)) throw new Error(`still ${build.status}`);
        return build;
      },
      { timeoutMs: BUILD_DONE_TIMEOUT_MS, intervalMs: 200 },
    );
    expect(done.status).toBe('succeeded');
    expect(done.artifacts.map((a) => a.name)).toContain('SHA256SUMS');
  });

  it('stops both on SIGTERM with exit code 0', async () => {
    server!.child.kill('SIGTERM');
    builder!.child.kill('SIGTERM');
    expect(await server!.exited).toBe(0);
    expect(await builder!.exited).toBe(0);
  });
});
