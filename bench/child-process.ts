/**
 * Child processes of the bench: servers under test and load generators. Each runs in its own
 * process so its CPU time and RSS in /proc are its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A cold `tsx` start plus migrations takes a few seconds here; beyond this something is wrong. */
const LISTEN_TIMEOUT_MS = 30_000;
/** SIGTERM, then this long for a clean exit (closing 15,000 sockets takes a moment), then SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Keep this much of a child's output for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

/** What bench/servers/gc-on-signal.ts prints after a signalled GC. */
export interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** What bench/servers/runtime-stats.ts prints on SIGWINCH: the window since the last one. */
export interface RuntimeReport {
  loop: { p50: number; p99: number; max: number; mean: number };
  gc: { count: number; ms: number; byKind: Record<string, { count: number; ms: number }> };
}

export interface NodeChild {
  child: ChildProcess;
  pid: number;
  label: string;
  exited: Promise<number | null>;
  /** Runs a full GC in the child (SIGUSR2) and resolves with its memory report, or null if none
   * came within the wait (a child without the preload). */
  collectGarbage(waitMs: number): Promise<MemoryReport | null>;
  /** Ends the child's runtime window (SIGWINCH) and resolves with its figures, or null if none
   * came within the wait. */
  runtimeStats(waitMs: number): Promise<RuntimeReport | null>;
  /** The last output of the child (stderr and non-JSON stdout), for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node <args>` through bash so the soft open-files limit can be raised to the hard limit
 * first (15,000 sockets need more than the usual 1,024). `exec` keeps the pid, so /proc/<pid> is
 * the node process itself.
 */
export function spawnNode(
  label: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; ipc?: boolean } = {},
): NodeChild {
  const env = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(
    'bash',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bash', process.execPath, ...args],
    {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      serialization: 'advanced',
    },
  );
  if (child.pid === undefined) throw new Error(`could not spawn ${label}`);
  let tail = '';
  const keep = (chunk: unknown) => {
    tail = (tail + String(chunk)).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr!.on('data', keep);
  child.stdout!.on('data', keep);
  let onMemory: ((m: MemoryReport) => void) | null = null;
  let onRuntime: ((m: RuntimeReport) => void) | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const memory = line.includes('"bench memory"');
    if (!memory && !line.includes('"bench runtime"')) return;
    try {
      const parsed = JSON.parse(line) as MemoryReport & RuntimeReport;
      if (memory) onMemory?.(parsed);
      else onRuntime?.(parsed);
    } catch {
      // a truncated line: the caller times out and reports no figure
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  return {
    child,
    pid: child.pid,
    label,
    exited,
    tail: () => tail,
    collectGarbage(waitMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          onMemory = null;
          resolve(null);
        }, waitMs);
        onMemory = (m) => {
          clearTimeout(timer);
          onMemory = null;
          resolve(m);
        };
        child.kill('SIGUSR2');
      });
    },
    runtimeStats(waitMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          onRuntime = null;
          resolve(null);
        }, waitMs);
        onRuntime = (m) => {
          clearTimeout(timer);
          onRuntime = null;
          resolve(m);
        };
        child.kill('SIGWINCH');
      });
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits for the `{"msg":"server listening","port":N}` line every server of the bench prints. */
export function waitForListening(server: NodeChild): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.label} did not start within ${LISTEN_TIMEOUT_MS} ms: ${server.tail()}`)),
      LISTEN_TIMEOUT_MS,
    );
    const lines = createInterface({ input: server.child.stdout! });
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number } | null = null;
      try {
        entry = JSON.parse(line) as { msg?: string; port?: number };
      } catch {
        return; // not a log line (a stray print); it is kept in the tail
      }
      if (entry?.msg === 'server listening' && entry.port) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    void server.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${server.label} exited with ${code}: ${server.tail()}`));
    });
  });
}
