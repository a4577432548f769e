/**
 * Scenario sizes and durations of `npm run bench:sync`. Every figure can be set by a flag
 * (`--measure 30`) or an environment variable (`BENCH_MEASURE=30`); flags win. `--quick` is a
 * small smoke run.
 */
import { parseArgs } from 'node:util';
import type { ServerBuild } from './targets/target.ts';

export const SCENARIOS = ['fanout', 'idle', 'room', 'load1k', 'load2k', 'hot', 'storm'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** Without `--scenarios`: the everyday three. The capacity ones (issue 16) are long; `--capacity`
 * runs them. */
const DEFAULT_SCENARIOS: ScenarioName[] = ['fanout', 'idle', 'room'];
/** `--capacity`: the targets, judged on the median of 3 alternating pairs. */
const CAPACITY_SCENARIOS: ScenarioName[] = ['load1k', 'load2k', 'hot', 'storm', 'idle'];
const CAPACITY_TARGETS: TargetName[] = ['boardroom', 'hocuspocus'];
const CAPACITY_ROUNDS = 3;
/** Writers per configuration in the capacity load scenarios: two writers, the rest receive. */
const CAPACITY_WRITERS_PER_DOC = 2;
export const TARGETS = ['boardroom', 'boardroom-2proc', 'hocuspocus', 'y-websocket', 'boardroom-async-commit', 'boardroom-redis'] as const;
export type TargetName = (typeof TARGETS)[number];
/** Per scenario, when `--targets` is not given. `boardroom-2proc` (two Boardroom processes on one
 * Postgres and one Redis, each room's clients alternating between them) runs in the fan-out
 * scenario, next to the one-process row. `boardroom-async-commit` (Postgres
 * `synchronous_commit = off`) and `boardroom-redis` (one process publishing every update to the
 * Redis room bus) are diagnostics, not defaults: what the WAL flush of each group commit costs,
 * and what the bus costs without any process across. */
const DEFAULT_TARGETS: Record<ScenarioName, TargetName[]> = {
  fanout: ['boardroom', 'boardroom-2proc', 'hocuspocus', 'y-websocket'],
  idle: ['boardroom', 'hocuspocus', 'y-websocket'],
  room: ['boardroom', 'hocuspocus', 'y-websocket'],
  load1k: CAPACITY_TARGETS,
  load2k: CAPACITY_TARGETS,
  hot: CAPACITY_TARGETS,
  storm: CAPACITY_TARGETS,
};

export interface FanoutScenario {
  kind: 'fanout';
  name: ScenarioName;
  title: string;
  clients: number;
  docs: number;
  /** Updates per second, all writers together. */
  rate: number;
  /** Writers per document (the other clients only receive). */
  writersPerDoc: number;
  warmupS: number;
  measureS: number;
  drainS: number;
  generators: number;
}

export interface IdleScenario {
  kind: 'idle';
  name: ScenarioName;
  title: string;
  connections: number;
  docs: number;
  settleS: number;
  generators: number;
}

/** Every client connects and syncs, writers seed the documents, the server restarts, and every
 * client connects again at once: how long until all are synced. */
export interface StormScenario {
  kind: 'storm';
  name: ScenarioName;
  title: string;
  clients: number;
  docs: number;
  /** Seconds of writing (at `rate`, two writers per document) before the restart, so rooms have
   * content to load. */
  seedS: number;
  rate: number;
  generators: number;
}

export type Scenario = FanoutScenario | IdleScenario | StormScenario;

export interface BenchOptions {
  scenarios: Scenario[];
  /** Targets per scenario: `--targets` for all of them, else DEFAULT_TARGETS. */
  targets: Record<ScenarioName, TargetName[]>;
  /** The Redis of the multi-process targets (`REDIS_URL`, default redis://127.0.0.1:6379). */
  redisUrl: string;
  adminUrl: string;
  connectConcurrency: number;
  connectTimeoutS: number;
  jsonPath: string | null;
  quick: boolean;
  /** Extra node flags for the servers under test (`BENCH_SERVER_NODE_FLAGS`, e.g. `--cpu-prof`). */
  serverNodeFlags: string[];
  /** Each scenario runs this many times over all targets (order rotated per round); tables
   * then add the median per target. Shared machines are noisy; three rounds tame that. */
  rounds: number;
  /** Before each target, wait at most this long for the machine to be quiet (0: do not wait). */
  quietWaitS: number;
  /** A load-scenario run whose window other work disturbed (other CPU above 25 % of a core) is
   * repeated up to this many times; the least disturbed attempt is kept. */
  retryDisturbed: number;
  /** How Boardroom's server runs: the compiled bundle production deploys (default) or tsx. */
  serverBuild: ServerBuild;
}

/** Sockets one generator holds at most: well inside this machine's open-files hard limit (20,000),
 * and spreading 15,000 over two processes keeps each event loop's connect storm short. */
const SOCKETS_PER_GENERATOR = 8_000;

const FLAGS = {
  quick: { type: 'boolean' },
  capacity: { type: 'boolean' },
  'storm-clients': { type: 'string' },
  'storm-docs': { type: 'string' },
  scenarios: { type: 'string' },
  targets: { type: 'string' },
  clients: { type: 'string' },
  docs: { type: 'string' },
  rate: { type: 'string' },
  'writers-per-doc': { type: 'string' },
  warmup: { type: 'string' },
  measure: { type: 'string' },
  drain: { type: 'string' },
  'idle-conns': { type: 'string' },
  'idle-docs': { type: 'string' },
  'idle-settle': { type: 'string' },
  'room-clients': { type: 'string' },
  'room-rate': { type: 'string' },
  'room-measure': { type: 'string' },
  generators: { type: 'string' },
  'connect-concurrency': { type: 'string' },
  'connect-timeout': { type: 'string' },
  json: { type: 'string' },
  rounds: { type: 'string' },
  'quiet-wait': { type: 'string' },
  'retry-disturbed': { type: 'string' },
  server: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export const USAGE = `npm run bench:sync [-- flags]   (every flag also as BENCH_<FLAG>, e.g. BENCH_MEASURE=30)
  --quick                      small smoke run (seconds, not minutes)
  --capacity                   issue 16's targets: load1k, load2k, hot, storm and idle, boardroom vs
                               hocuspocus, 3 rounds (median of 3 alternating pairs), MET/MISSED each
  --scenarios fanout,idle,room which scenarios (default: these three; also load1k (1,000 clients,
                               50 docs, 1,000 updates/s), load2k (2,000, 100, 2,000), hot (20 docs ×
                               100 clients, 400 updates/s), storm (10,000 clients of 1,000 docs
                               reconnecting at once after a server restart))
  --targets boardroom,boardroom-2proc,hocuspocus,y-websocket   for every scenario (default: these four
                               for fanout, without boardroom-2proc for idle and room; diagnostics:
                               boardroom-async-commit, boardroom-redis)
  --clients N --docs N --rate N --writers-per-doc N     fan-out scenario (100, 10, 100, all)
  --warmup S --measure S --drain S                       phases of the load scenarios (5, 20, 3)
  --idle-conns N --idle-docs N --idle-settle S           idle scenario (15000, 1500, 5)
  --room-clients N --room-rate N --room-measure S        one-room scenario (100, 100, 10)
  --storm-clients N --storm-docs N                       reconnect storm (10000, 1000)
  --generators N               load generator processes for the load scenarios (1)
  --connect-concurrency N      connections opening at once, per generator (200)
  --connect-timeout S          give up on the connect phase after S seconds (120)
  --rounds N                   run each scenario N times, target order rotated; adds medians (1)
  --quiet-wait S               before each target, wait up to S s for other load to calm down (30)
  --retry-disturbed N          repeat a fan-out/room run whose window other work disturbed, up to N
                               times, keeping the least disturbed one (0)
  --server compiled|tsx        Boardroom as production runs it, the bundle of \`npm run build:server\`
                               (default; the bench builds it first), or the TypeScript source via tsx
  --json PATH                  also write the results as JSON (default bench/results/sync-<time>.json)
  REDIS_URL                    Redis of boardroom-2proc / boardroom-redis (redis://127.0.0.1:6379)
  BENCH_SERVER_NODE_FLAGS      extra node flags for the servers under test, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | null {
  const { values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false });
  if (values.help) return null;
  const get = (flag: keyof typeof FLAGS): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    return env[`BENCH_${flag.toUpperCase().replaceAll('-', '_')}`];
  };
  const quick = values.quick === true || env.BENCH_QUICK === '1';
  const capacity = values.capacity === true || env.BENCH_CAPACITY === '1';
  const num = (flag: keyof typeof FLAGS, normal: number, small: number): number => {
    const raw = get(flag);
    const n = raw === undefined ? (quick ? small : normal) : Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a non-negative number, got ${raw}`);
    return n;
  };
  const list = <T extends string>(flag: keyof typeof FLAGS, all: readonly T[], defaults: readonly T[] = all): T[] => {
    const raw = get(flag);
    if (!raw) return [...defaults];
    const items = raw.split(',').map((s) => s.trim()) as T[];
    for (const item of items) if (!all.includes(item)) throw new Error(`--${flag}: unknown "${item}" (one of ${all.join(', ')})`);
    return items;
  };

  const warmupS = num('warmup', 5, 2);
  const drainS = num('drain', 3, 2);
  const generators = Math.max(1, Math.round(num('generators', 1, 1)));
  const clients = num('clients', 100, 20);
  const docs = num('docs', 10, 4);
  const fanout: FanoutScenario = {
    kind: 'fanout',
    name: 'fanout',
    title: '',
    clients,
    docs,
    rate: num('rate', 100, 40),
    writersPerDoc: num('writers-per-doc', Math.ceil(clients / docs), Math.ceil(clients / docs)),
    warmupS,
    measureS: num('measure', 20, 5),
    drainS,
    generators,
  };
  const roomClients = num('room-clients', 100, 20);
  const room: FanoutScenario = {
    kind: 'fanout',
    name: 'room',
    title: '',
    clients: roomClients,
    docs: 1,
    rate: num('room-rate', 100, 40),
    writersPerDoc: roomClients,
    warmupS,
    measureS: num('room-measure', 10, 5),
    drainS,
    generators: 1,
  };
  const idleConns = num('idle-conns', 15_000, 1_000);
  const idle: IdleScenario = {
    kind: 'idle',
    name: 'idle',
    title: '',
    connections: idleConns,
    docs: num('idle-docs', 1_500, 100),
    settleS: num('idle-settle', 5, 2),
    generators: Math.max(1, Math.ceil(idleConns / SOCKETS_PER_GENERATOR)),
  };
  for (const s of [fanout, room]) {
    s.writersPerDoc = Math.min(s.writersPerDoc, Math.ceil(s.clients / s.docs));
    s.title =
      `${s.name}: ${s.clients} clients over ${s.docs} doc${s.docs === 1 ? '' : 's'}, ` +
      `${s.rate} updates/s total, ${s.writersPerDoc} writer${s.writersPerDoc === 1 ? '' : 's'} per doc, ` +
      `${s.measureS} s measured after ${s.warmupS} s warm-up`;
  }
  idle.title = `idle: ${idle.connections} connections over ${idle.docs} docs, all synced, RSS after ${idle.settleS} s + GC`;
  // The loads: two writers per configuration, writers adding to a paragraph of the notes,
  // people of CLIENTS_PER_PERSON connections each from their own address (population.ts).
  const load = (name: ScenarioName, clients: number, docs: number, rate: number, quickSize: [number, number, number]): FanoutScenario => ({
    kind: 'fanout',
    name,
    title: '',
    clients: quick ? quickSize[0] : clients,
    docs: quick ? quickSize[1] : docs,
    rate: quick ? quickSize[2] : rate,
    writersPerDoc: CAPACITY_WRITERS_PER_DOC,
    warmupS,
    measureS: num('measure', 20, 5),
    drainS,
    generators,
  });
  const load1k = load('load1k', 1_000, 50, 1_000, [100, 5, 100]);
  const load2k = load('load2k', 2_000, 100, 2_000, [200, 10, 200]);
  const hot = load('hot', 2_000, 20, 400, [100, 2, 40]);
  const stormClients = num('storm-clients', 10_000, 200);
  const storm: StormScenario = {
    kind: 'storm',
    name: 'storm',
    title: '',
    clients: stormClients,
    docs: num('storm-docs', 1_000, 20),
    seedS: quick ? 1 : 3,
    rate: quick ? 40 : 500,
    generators: Math.max(1, Math.ceil(stormClients / SOCKETS_PER_GENERATOR)),
  };
  for (const s of [load1k, load2k, hot]) {
    s.title =
      `${s.name}: ${s.clients} clients over ${s.docs} docs, ${s.rate} updates/s total, ` +
      `${s.writersPerDoc} writers per doc, ${s.measureS} s measured after ${s.warmupS} s warm-up`;
  }
  storm.title = `storm: ${storm.clients} clients over ${storm.docs} docs reconnecting at once after a server restart`;
  const byName: Record<ScenarioName, Scenario> = { fanout, idle, room, load1k, load2k, hot, storm };
  for (const s of [fanout, room, idle, load1k, load2k, hot, storm]) {
    if (s.docs < 1 || (s.kind === 'idle' ? s.connections : s.clients) < s.docs) {
      throw new Error(`${s.name}: needs at least one doc and at least as many clients as docs`);
    }
  }

  return {
    scenarios: list('scenarios', SCENARIOS, capacity ? CAPACITY_SCENARIOS : DEFAULT_SCENARIOS).map((n) => byName[n]),
    targets: get('targets')
      ? (Object.fromEntries(SCENARIOS.map((n) => [n, list('targets', TARGETS)])) as Record<ScenarioName, TargetName[]>)
      : capacity
        ? (Object.fromEntries(SCENARIOS.map((n) => [n, CAPACITY_TARGETS])) as Record<ScenarioName, TargetName[]>)
        : DEFAULT_TARGETS,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    adminUrl: env.BENCH_ADMIN_URL ?? env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    connectConcurrency: Math.max(1, Math.round(num('connect-concurrency', 200, 100))),
    connectTimeoutS: num('connect-timeout', 120, 60),
    jsonPath: get('json') ?? null,
    quick,
    serverNodeFlags: (env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    rounds: Math.max(1, Math.round(num('rounds', capacity ? CAPACITY_ROUNDS : 1, capacity ? CAPACITY_ROUNDS : 1))),
    quietWaitS: num('quiet-wait', 30, 5),
    retryDisturbed: Math.round(num('retry-disturbed', 0, 0)),
    serverBuild: serverBuildOf(get('server')),
  };
}

function serverBuildOf(raw: string | undefined): ServerBuild {
  if (raw === undefined || raw === 'compiled') return 'compiled';
  if (raw === 'tsx') return 'tsx';
  throw new Error(`--server: unknown "${raw}" (compiled or tsx)`);
}
