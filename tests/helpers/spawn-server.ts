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

