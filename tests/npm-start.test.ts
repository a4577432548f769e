/**
 * `npm start` as a person runs it: settings from `.env` in the current directory (the environment
 * wins), the URL to open printed, and Ctrl+C (SIGINT to the whole process group, as a terminal
 * sends it) with a client connected stops everything quickly and quietly: the embedded Redis
 * stops after the server, so nothing complains about it being gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtClient } from './browser/browser-harness.ts';
import { signUp } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Cold start: tsx compiles the server, PGlite creates and migrates its database. */
const START_TIMEOUT_MS = 90_000;
/** A client build (when the sources changed since the last one) plus the cold start. */
const TEST_TIMEOUT_MS = 240_000;
/** The requirement is 2 s; the margin is for a machine busy with other test files. */
const STOP_LIMIT_MS = 5_000;
/** pino's warn level: anything at or above it is a complaint. */
const WARN_LEVEL = 40;

interface LogLine {
  level?: number;
  msg?: string;
  port?: number;
  url?: string;
}

describe('npm start', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'boardroom-start-'));
  let child: ChildProcess | null = null;
  const clients: TestClient[] = [];
  afterAll(() => {
    for (const c of clients) c.destroy();
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads .env (the environment wins), prints the URL and stops on Ctrl+C within the limit, quietly', async () => {
    // PORT only in the file: it must be read. LOG_LEVEL in both: the environment's value must win.
    writeFileSync(path.join(dir, '.env'), 'PORT=0\nLOG_LEVEL=error\n');
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of ['PORT', 'REDIS_URL', 'DATABASE_URL', 'HOST', 'PUBLIC_URL']) delete env[name];
    Object.assign(env, { LOG_LEVEL: 'info', DATA_DIR: path.join(dir, 'data'), CLIENT_DIR: await builtClient() });

    // Its own process group, so the test can signal the whole group the way a terminal does.
    child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const logs: LogLine[] = [];
    const plain: string[] = [];
    const stderr: string[] = [];
    child.stderr!.on('data', (d) => stderr.push(String(d)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        plain.push(line); // start.mjs's own "[start] …" lines
      }
    });

    await eventually(() => expect(logs.find((l) => l.msg?.startsWith('Boardroom is running at'))).toBeTruthy(), {
      timeoutMs: START_TIMEOUT_MS,
    });
    const running = logs.find((l) => l.msg?.startsWith('Boardroom is running at'))!;
    const url = running.url!;
    expect(running.msg).toBe(`Boardroom is running at ${url}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:8080'); // PORT=0 came from .env
    expect(logs.some((l) => l.level === 30)).toBe(true); // LOG_LEVEL=info from the environment won

    const owner = await signUp(url);
    const id = await createConfig({ url, token: owner.token }, { name: 'ctrl-c' });
    const client = connectClient({ url, token: owner.token }, id);
    clients.push(client);
    await synced(client);

    const started = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    const tookMs = Date.now() - started;
    console.log(`npm start: Ctrl+C to exit took ${tookMs} ms`);

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(STOP_LIMIT_MS);
    expect(logs.filter((l) => (l.level ?? 0) >= WARN_LEVEL)).toEqual([]);
    expect(stderr.join('')).toBe('');
    expect(plain.filter((l) => /error|warn|ECONNREFUSED/i.test(l))).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
