/**
 * The real server entry point (`server/main.ts`) as a child process, for crash and signal tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { TestClient } from './clients.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx compiles on the fly; a cold start on this machine takes a second or two. */
const START_TIMEOUT_MS = 30_000;

export interface ChildServer {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<number | null>;
}

export async function startChildServer(env: Record<string, string>, entry = 'server/main.ts'): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr.join('')}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'server listening' && entry.port) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a log line (a stray print); keep reading
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr.join('')}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, exited };
}

/**
 * For crash tests: a child server on a database of its own, and the clients the test opens, all
 * torn down after the file's tests. `start()` starts a process (again, after a kill) on the same
 * database; `kill()` is SIGKILL and waits for the exit.
 */
export function useChildServer(label: string) {
  const rig = {
    db: null as TestDatabase | null,
    server: null as ChildServer | null,
    clients: [] as TestClient[],
    async start(): Promise<ChildServer> {
      rig.db ??= await createTestDatabase(label);
      rig.server = await startChildServer({ DATABASE_URL: rig.db.url });
      return rig.server;
    },
    async kill(): Promise<void> {
      rig.server?.child.kill('SIGKILL');
      await rig.server?.exited;
    },
  };
  afterAll(async () => {
    for (const c of rig.clients) c.destroy();
    rig.server?.child.kill('SIGKILL');
    await rig.db?.drop();
  });
  return rig;
}
