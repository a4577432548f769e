/**
 * A target is the server set under test: it starts and stops its processes, creates documents and
 * tells each client where to connect. The load generator and the report only see this interface,
 * so a set of several processes (two Boardroom processes behind Redis, say) is one more class.
 */
import type { Population } from '../population.ts';
import type { RuntimeReport } from '../child-process.ts';
import type { Dialect } from '../wire.ts';

export interface ServerProcessInfo {
  /** Shown in the report when a target has more than one process. */
  label: string;
  pid: number;
}

/** Time a signalled full GC (two passes) gets to finish and report. */
export const GC_REPORT_WAIT_MS = 5_000;

export interface HeapFigures {
  /** JS heap in use, and committed (V8 keeps freed pages for a while; they count in RSS). */
  heapUsed: number;
  heapTotal: number;
  /** Memory of Buffers and other native objects tied to JS objects. */
  external: number;
}

export interface RuntimeFigures {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcMs: number;
}

/** How long a process gets to answer SIGWINCH. */
export const RUNTIME_REPORT_WAIT_MS = 2_000;

/** Figures of several processes as one: the worst loop, the summed GC; null if one is missing. */
export function combineRuntime(reports: Array<RuntimeReport | null>): RuntimeFigures | null {
  if (reports.length === 0 || reports.some((r) => r === null)) return null;
  const all = reports as RuntimeReport[];
  return {
    loopP50Ms: Math.max(...all.map((r) => r.loop.p50)),
    loopP99Ms: Math.max(...all.map((r) => r.loop.p99)),
    loopMaxMs: Math.max(...all.map((r) => r.loop.max)),
    gcCount: all.reduce((n, r) => n + r.gc.count, 0),
    gcMs: all.reduce((n, r) => n + r.gc.ms, 0),
  };
}

export interface Endpoint {
  url: string;
  localAddress: string;
  /** Which process of the set the client connects to (index into `processes()`); 0 for a
   * single-process target. Receipts whose author sits on another process count as cross-process. */
  server: number;
}

export interface Target {
  /** Short name for tables ("boardroom", "hocuspocus", "y-websocket@1.5"). */
  readonly name: string;
  /** What its clients speak. */
  readonly dialect: Dialect;
  /** One-line description for the report (engine, persistence). */
  readonly description: string;
  /** Starts every process of the set; resolves when each one listens. */
  start(): Promise<void>;
  /** Makes the population's documents (and whatever accounts and access its clients need) and
   * returns the documents' names (Boardroom: config ids), index = doc number. */
  setUp(population: Population): Promise<string[]>;
  /** Where client number `clientIndex` connects for `doc`, and from which local address. */
  endpointFor(clientIndex: number, doc: string): Endpoint;
  /** The server processes whose CPU and memory are reported. */
  processes(): ServerProcessInfo[];
  /** Processes that do work for the target but are not it (Postgres backends), reported apart. */
  supportPids(): Promise<number[]>;
  /** The message bus between the target's processes (a local redis-server), reported apart too;
   * absent or empty for a target without one. A shared Redis also serves other work. */
  busPids?(): Promise<number[]>;
  /** Rows of the target's update log that hold the same update as another row (several
   * processes must persist each update once, by the one that received it); absent for targets
   * that do not persist. Read after the run, before stop(). */
  storedTwice?(): Promise<number>;
  /** Runs a full GC in every server process (before an "RSS at rest" reading) and returns what
   * they report afterwards, summed (null if a process did not report). */
  collectGarbage(): Promise<HeapFigures | null>;
  /** Ends every server process' runtime window (event-loop delay, GC; runtime-stats.ts) and
   * returns the figures since the previous call: the worst process' loop delay, GC summed. */
  runtimeStats(): Promise<RuntimeFigures | null>;
  /** Stops the server processes and starts them again on the same data (the reconnect storm);
   * in-memory servers come back empty, as they would. */
  restart(): Promise<void>;
  /** Stops every process and removes what `start` created (a database). */
  stop(): Promise<void>;
}

/** Node flags for every server under test: the same for all, so memory figures compare. Every
 * server runs as JavaScript without a loader, as in production (Boardroom's compiled bundle, see
 * `boardroomEntry`); the preloads are plain `.mjs` for that reason. `extra` comes from
 * `BENCH_SERVER_NODE_FLAGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
export function serverNodeFlags(extra: string[]): string[] {
  return ['--expose-gc', '--import', './bench/servers/gc-on-signal.mjs', '--import', './bench/servers/runtime-stats.mjs', ...extra];
}

/** How the Boardroom server under test runs: `compiled` is what production deploys (the
 * Dockerfile runs `node dist/app/server.js`, built by `npm run build:server`); `tsx` is the
 * TypeScript source through the tsx loader, as `npm start` and the tests run it. */
export type ServerBuild = 'compiled' | 'tsx';

/** Node arguments that start Boardroom's server in `build` mode (after `serverNodeFlags`). */
export function boardroomEntry(build: ServerBuild): string[] {
  return build === 'compiled' ? ['dist/app/server.js'] : ['--import', 'tsx', 'server/main.ts'];
}
