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
  const started = await startChildProcess(entry, env, (e) => e.msg === 'server listening' && typeof e.port === 'number');
  const port = started.ready.port as number;
  return { child: started.child, port, url: `http://127.0.0.1:${port}`, exited: started.exited };
}

export interface LogEntry {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ChildProcessRun {
  child: ChildProcess;
  /** Every JSON log line the process printed so far (it keeps filling). */
  logs: LogEntry[];
  stderr: string[];
  /** The log entry that said it was ready. */
  ready: LogEntry;
  exited: Promise<number | null>;
}

/** Starts `entry` under tsx and resolves once a log line satisfies `isReady`; rejects if the
 * process exits first or stays silent past START_TIMEOUT_MS. */
export async function startChildProcess(entry: string, env: Record<string, string>, isReady: (entry: LogEntry) => boolean): Promise<ChildProcessRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  const logs: LogEntry[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const ready = await new Promise<LogEntry>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start: ${stderr.join('')}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let parsed: LogEntry;
      try {
        parsed = JSON.parse(line) as LogEntry;
      } catch {
        return; // not a log line (a stray print); keep reading
      }
      logs.push(parsed);
      if (isReady(parsed)) {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}: ${stderr.join('')}`));
    });
  });
  return { child, logs, stderr, ready, exited };
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
