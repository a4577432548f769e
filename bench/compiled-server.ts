/**
 * `npm run bench:compiled [-- --connections N --starts N]`: the compiled server (`node
 * dist/app/server.js`, `npm run build:server`) against today's `node --import tsx server/main.ts`
 * on the same Postgres and Redis:
 *
 * - cold start to ready: from spawn to the first 200 of `/health/ready` (median of `--starts`);
 * - idle RSS: the server's resident memory with N idle sync WebSockets open (spread over 30
 *   configurations, one account; the per-person, per-address and per-room caps raised for it),
 *   averaged over a few samples once the connections settled.
 *
 * Prints both, and exits 1 when the compiled server is slower to ready or holds more than 5 %
 * more memory than the tsx one (the peer it replaces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { WebSocket } from 'ws';
import { ROOT } from './child-process.ts';
import { memory } from './proc-stats.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '15000' }, starts: { type: 'string', default: '3' } } });
const CONNECTIONS = Number(values.connections);
const STARTS = Number(values.starts);
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Configurations the idle sockets are spread over. */
const ROOMS = 30;
/** Sockets opening at once: enough to be quick, few enough not to trip accept backlogs. */
const OPEN_BATCH = 250;
/** A cold start on a loaded machine: seconds; past this the variant failed. */
const READY_TIMEOUT_MS = 120_000;
/** After the last socket opened: let rooms load and the heap settle before sampling. */
const SETTLE_MS = 10_000;
const SAMPLES = 5;
const SAMPLE_INTERVAL_MS = 1_000;
/** The compiled server may hold this much more than tsx before it counts as a miss. */
const RSS_TOLERANCE = 1.05;

const VARIANTS = {
  tsx: ['--import', 'tsx', 'server/main.ts'],
  compiled: ['dist/app/server.js'],
} as const;
type Variant = keyof typeof VARIANTS;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(variant: Variant, databaseUrl: string): Promise<{ child: ChildProcess; port: number; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, VARIANTS[variant], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL: 'warn',
      CONNECTIONS_PER_USER: String(CONNECTIONS + 1),
      CONNECTIONS_PER_ADDRESS: String(CONNECTIONS + 1),
      MAX_CONNECTIONS_PER_ROOM: String(CONNECTIONS + 1),
      REQUESTS_PER_MINUTE: '100000',
    },
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${variant} exited with ${child.exitCode} before ready`);
    if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`${variant} not ready within ${READY_TIMEOUT_MS} ms`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return { child, port, readyMs: performance.now() - started };
    await sleep(20);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
}

/** Close codes and reasons of sockets that closed (all should stay open). */
const closes = new Map<string, number>();
/** 4500–4599 ask a client to retry (shared/protocol.ts): a room that could not load in time on
 * a loaded machine. The stock provider reconnects; so does the bench, this many times. */
const RETRIES = 5;

function openOne(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('close', (code) => reject(Object.assign(new Error(`closed ${code} while opening`), { code })));
  });
}

/** Opens a socket; a retryable close before or right after opening is retried like a provider would. */
async function openRetrying(url: string): Promise<WebSocket> {
  for (let attempt = 0; ; attempt++) {
    try {
      const ws = await openOne(url);
      // The server loads the room after the upgrade; a failed load closes with 4500 shortly after.
      const early = await Promise.race([new Promise<number>((r) => ws.once('close', (code) => r(code))), sleep(2_000).then(() => 0)]);
      if (early === 0) {
        ws.on('close', (code, reason) => closes.set(`${code} ${reason}`, (closes.get(`${code} ${reason}`) ?? 0) + 1));
        return ws;
      }
      throw Object.assign(new Error(`closed ${early} after opening`), { code: early });
    } catch (error) {
      const code = (error as { code?: number }).code ?? 0;
      if (attempt >= RETRIES || code < 4500 || code > 4599) throw error;
      retries++;
      await sleep(500 * (attempt + 1));
    }
  }
}
let retries = 0;

async function openIdle(port: number, token: string, ids: string[]): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CONNECTIONS; i += OPEN_BATCH) {
    const batch = Array.from({ length: Math.min(OPEN_BATCH, CONNECTIONS - i) }, (_, j) =>
      openRetrying(`ws://127.0.0.1:${port}/sync/${ids[(i + j) % ids.length]}?token=${token}`),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function measure(variant: Variant, databaseUrl: string, token: string | null): Promise<{ readyMs: number[]; rssBytes: number; token: string; open: number }> {
  const readyMs: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const s = await startServer(variant, databaseUrl);
    readyMs.push(s.readyMs);
    await stop(s.child);
  }
  const s = await startServer(variant, databaseUrl);
  try {
    const base = `http://127.0.0.1:${s.port}`;
    if (!token) {
      const res = await fetch(`${base}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench.${randomBytes(4).toString('hex')}@example.test`, name: 'Bench', password: 'correct horse battery' }),
      });
      token = ((await res.json()) as { token: string }).token;
    }
    const ids: string[] = [];
    const list = (await (await fetch(`${base}/api/configs`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string }[] | { configs: { id: string }[] };
    ids.push(...(Array.isArray(list) ? list : list.configs).map((c) => c.id));
    while (ids.length < ROOMS) {
      const res = await fetch(`${base}/api/configs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: `idle ${ids.length}` }) });
      ids.push(((await res.json()) as { id: string }).id);
    }
    const opened = performance.now();
    const sockets = await openIdle(s.port, token, ids);
    console.error(`[bench] ${variant}: ${sockets.length} sockets open in ${((performance.now() - opened) / 1000).toFixed(1)} s (${retries} retried after a 45xx close)`);
    retries = 0;
    await sleep(SETTLE_MS);
    let rss = 0;
    for (let i = 0; i < SAMPLES; i++) {
      rss += memory(s.child.pid!)!.rssBytes;
      await sleep(SAMPLE_INTERVAL_MS);
    }
    const open = sockets.filter((w) => w.readyState === WebSocket.OPEN).length;
    // Reported, not fatal: on an overloaded machine the server closes some sockets whose room did
    // not load in time (4500); the figure says how many the RSS was measured with.
    if (open !== CONNECTIONS) console.error(`[bench] ${variant}: ${CONNECTIONS - open} sockets closed by the server while idle: ${JSON.stringify([...closes])}`);
    closes.clear();
    for (const w of sockets) w.terminate();
    return { readyMs, rssBytes: rss / SAMPLES, token, open };
  } finally {
    await stop(s.child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

const name = `boardroom_bench_compiled_${randomBytes(4).toString('hex')}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
let exitCode = 0;
try {
  const tsx = await measure('tsx', url.toString(), null);
  const compiled = await measure('compiled', url.toString(), tsx.token);
  console.log(`cold start to /health/ready (median of ${STARTS}, ms): tsx ${median(tsx.readyMs).toFixed(0)} [${tsx.readyMs.map((m) => m.toFixed(0)).join(', ')}], compiled ${median(compiled.readyMs).toFixed(0)} [${compiled.readyMs.map((m) => m.toFixed(0)).join(', ')}]`);
  console.log(`idle RSS with ${CONNECTIONS} sync sockets opened: tsx ${mib(tsx.rssBytes)} (${tsx.open} open), compiled ${mib(compiled.rssBytes)} (${compiled.open} open)`);
  if (median(compiled.readyMs) > median(tsx.readyMs)) {
    console.log('MISS: the compiled server is slower to ready than tsx');
    exitCode = 1;
  }
  if (compiled.rssBytes > tsx.rssBytes * RSS_TOLERANCE) {
    console.log(`MISS: the compiled server holds more than ${Math.round((RSS_TOLERANCE - 1) * 100)} % more memory than tsx`);
    exitCode = 1;
  }
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
process.exit(exitCode);
