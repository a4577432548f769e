#!/usr/bin/env node
/**
 * `npm start`: the whole product on one machine. Starts an embedded Redis when REDIS_URL is not
 * set (redis-server from PATH, data under DATA_DIR), builds the client when it is missing, then
 * runs the server and the builder as child processes and stops them together.
 *
 * Settings come from the environment and from an optional `.env` in the current directory (the
 * repository root under `npm start`); a variable set in the environment wins over the file.
 * Ctrl+C stops the server and builder first and the embedded Redis last, so they never see it gone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Node's own parser (same rules as `node --env-file`): it never overrides a variable the
// environment already has. `--env-file` itself fails on a missing file, and the file is optional.
const ENV_FILE = path.resolve('.env');
if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
const DATA_DIR = path.resolve(ROOT, process.env.DATA_DIR ?? './data');
/** How long to wait for the embedded redis-server to answer before giving up. */
const REDIS_START_TIMEOUT_MS = 10_000;
/** Past the server's own shutdown deadline (server/main.ts, 15 s): only a hung child gets here. */
const STOP_DEADLINE_MS = 20_000;

/** Server and builder: stopped first, and waited for. */
const children = [];
/** The embedded redis-server: stopped only after every child above has exited. */
let redis = null;
function run(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void stop(code || 1);
    }
  });
  children.push(child);
  return child;
}

const exited = (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)));

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    console.error(`[start] children still running after ${STOP_DEADLINE_MS} ms; exiting`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  // A terminal's Ctrl+C already sent SIGINT to the children in our process group; SIGTERM is the
  // same request for a `kill <pid>` of this script alone (the server treats both alike, once).
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map(exited));
  if (redis) {
    redis.kill('SIGTERM');
    await exited(redis);
  }
  process.exit(code);
}
// Whatever way this script ends (a failed client build, a Redis that never answered), it does not
// leave its detached redis-server behind.
process.on('exit', () => {
  if (redis && redis.exitCode === null && redis.signalCode === null) redis.kill('SIGTERM');
});
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

async function embeddedRedis() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.error(
      [
        'Boardroom needs Redis for its build queue, and none is configured.',
        '  Either install one (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`)',
        '  so `npm start` can run it under DATA_DIR, or point REDIS_URL at a running Redis,',
        '  e.g. REDIS_URL=redis://127.0.0.1:6379 npm start',
      ].join('\n'),
    );
    process.exit(1);
  }
  const dir = path.join(DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // Its own process group (`detached`): a terminal's Ctrl+C goes to our group and would stop Redis
  // at once, before the server and builder had closed their connections to it; `stop` ends it last.
  redis = spawn(
    found.stdout.trim(),
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  redis.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] redis-server exited (${signal ?? code}); stopping everything`);
      void stop(code || 1);
    }
  });
  await waitForPort(port, REDIS_START_TIMEOUT_MS);
  console.log(`[start] embedded redis-server on 127.0.0.1:${port} (data in ${dir})`);
  return `redis://127.0.0.1:${port}`;
}

mkdirSync(DATA_DIR, { recursive: true });
const redisUrl = process.env.REDIS_URL || (await embeddedRedis());

// CLIENT_DIR: a client built elsewhere (a package, a test's build cache); default dist/client.
const CLIENT_DIR = path.resolve(ROOT, process.env.CLIENT_DIR || path.join('dist', 'client'));
const clientIndex = path.join(CLIENT_DIR, 'index.html');
if (existsSync(path.join(ROOT, 'client', 'index.html')) && !existsSync(clientIndex)) {
  console.log('[start] building the client (first start)…');
  const viteArgs = ['build', '--outDir', CLIENT_DIR, '--emptyOutDir'];
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), ...viteArgs], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// PGlite is one process's database: with the embedded default the builder runs inside the
// server process; with a real Postgres it is its own process, as in production.
const inlineBuilder = !process.env.DATABASE_URL;
const env = { REDIS_URL: redisUrl, DATA_DIR, CLIENT_DIR, BUILDER_MODE: inlineBuilder ? 'inline' : 'none' };
run('server', ['--import', 'tsx', 'server/main.ts'], env);
if (!inlineBuilder) run('builder', ['--import', 'tsx', 'builder/main.ts'], env);
