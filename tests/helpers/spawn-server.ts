/**
 * The real server entry point (`server/main.ts`) as a child process. Free of vitest, so the
 * benchmarks (`bench/chaos.ts`) can use it too; tests use `useChildServer` in child-server.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx compiles on the fly; a cold start on this machine takes a second or two. */
const START_TIMEOUT_MS = 30_000;

export interface ChildServer {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<number | null>;
}

export async function startChildServer(env: Record<string, string>, entry = 'server/main.ts', cwd = ROOT): Promise<ChildServer> {
  const started = await startChildProcess(entry, env, (e) => e.msg === 'server listening' && typeof e.port === 'number', cwd);
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

/** Starts `entry` (a `.ts` file under tsx; a compiled `.js` file with plain node) and resolves once a log line satisfies `isReady`; rejects if the
 * process exits first or stays silent past START_TIMEOUT_MS. */
export async function startChildProcess(entry: string, env: Record<string, string>, isReady: (entry: LogEntry) => boolean, cwd = ROOT): Promise<ChildProcessRun> {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, {
    cwd,
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
