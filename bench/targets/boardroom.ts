/**
 * Boardroom itself: `server/main.ts` as child processes on a fresh Postgres database, persisting
 * every update before it fans it out, exactly as in production. One process without Redis by
 * default; with `processes: 2` (or `redis: true`) every process gets the same REDIS_URL and a
 * fresh KEY_PREFIX, and clients of one process reach clients of the other through the room bus
 * (Redis pub/sub), each update persisted once by the process that received it.
 *
 * Clients are people with accounts, as in production: the bench signs up one account per
 * CLIENTS_PER_PERSON clients, each account creates the configs its clients open first and is
 * invited (editor) to the others, and each person connects from its own loopback address. That
 * keeps every client inside the server's per-user and per-address limits without touching them.
 * With several processes, each config's clients alternate between them (its 1st, 3rd, … client on
 * the first process, its 2nd, 4th, … on the second), so most of a room's fan-out crosses processes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { spawnNode, waitForListening, type NodeChild } from '../child-process.ts';
import { clientsByDoc, groupIntoPeople, sourceAddress, type Population } from '../population.ts';
import { boardroomEntry, combineRuntime, GC_REPORT_WAIT_MS, RUNTIME_REPORT_WAIT_MS, serverNodeFlags, type ServerBuild, type RuntimeFigures, type Endpoint, type HeapFigures, type ServerProcessInfo, type Target } from './target.ts';

/** REST calls in flight during set-up: sign-ups hash passwords (scrypt, libuv's 4 threads), and
 * more parallel calls would only queue in the server. */
const REST_CONCURRENCY = 4;
/** One REST call; sign-up hashes a password, creation is milliseconds. Generous on purpose. */
const REST_TIMEOUT_MS = 30_000;
/** Keys deleted per round trip when a run's Redis keys are cleaned up. */
const REDIS_SCAN_COUNT = 500;

export interface BoardroomTargetOptions {
  /** Superuser URL of the Postgres to create the bench database on. */
  adminUrl: string;
  /** Extra node flags for the server process (profiling). */
  nodeFlags?: string[];
  /** Compiled bundle (production, the default) or the TypeScript source through tsx. */
  build?: ServerBuild;
  /** `synchronous_commit` of the bench database. Diagnostic only: `off` shows what the commit's
   * WAL flush costs, but is not the durability Boardroom promises. */
  synchronousCommit?: 'on' | 'off';
  /** Server processes on the one database (default 1). More than one needs Redis. */
  processes?: number;
  /** Give the processes REDIS_URL (always with more than one process). One process with Redis
   * is a diagnostic: it pays for publishing every update without anyone across to receive it. */
  redis?: boolean;
  /** Redis for the room bus (default `redis://127.0.0.1:6379`). */
  redisUrl?: string;
  /** Table name; defaults from the other options. */
  name?: string;
}

interface Person {
  email: string;
  address: string;
  /** Session token: REST as a bearer token, sync as `?token=`. Null on a server without accounts. */
  token: string | null;
}

export class BoardroomTarget implements Target {
  readonly name: string;
  readonly dialect = 'y-websocket' as const;
  readonly description: string;
  private readonly count: number;
  private readonly useRedis: boolean;
  private readonly redisUrl: string;
  private servers: Array<{ child: NodeChild; port: number; label: string }> = [];
  private dbName = '';
  /** `bench:<hex>:` of this run (Redis keys and channels), '' without Redis. */
  private keyPrefix = '';
  private people: Person[] = [];
  private personOf: Int32Array = new Int32Array(0);
  private docs = 1;

  constructor(private readonly options: BoardroomTargetOptions) {
    this.count = Math.max(1, options.processes ?? 1);
    this.useRedis = this.count > 1 || options.redis === true;
    this.redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
    this.name =
      options.name ??
      (this.count > 1
        ? `boardroom ×${this.count}`
        : this.useRedis
          ? 'boardroom (+redis)'
          : options.synchronousCommit === 'off'
            ? 'boardroom (sync_commit=off)'
            : 'boardroom');
    this.description =
      `${(options.build ?? 'compiled') === 'compiled' ? 'dist/app/server.js (compiled)' : 'server/main.ts (tsx)'}, Postgres, persist-before-fan-out (group commit)` +
      (this.count > 1
        ? `, ${this.count} processes on one database, room bus on Redis, clients alternating`
        : this.useRedis
          ? ', one process publishing to the Redis room bus'
          : '');
  }

  async start(): Promise<void> {
    this.dbName = `boardroom_bench_${randomBytes(5).toString('hex')}`;
    await this.admin((sql) => sql.unsafe(`create database ${this.dbName}`));
    if (this.options.synchronousCommit === 'off') {
      await this.admin((sql) => sql.unsafe(`alter database ${this.dbName} set synchronous_commit = off`));
    }
    if (this.useRedis) this.keyPrefix = `bench:${randomBytes(5).toString('hex')}:`;
    await this.spawnServers();
  }

  /** The server processes on the bench database (start, and again after a restart). */
  private async spawnServers(): Promise<void> {
    const url = new URL(this.options.adminUrl);
    url.pathname = `/${this.dbName}`;
    // One after the other: the first runs the migrations on the fresh database, the second finds
    // them done (two at once would race on them).
    for (let n = 0; n < this.count; n++) {
      const label = this.count > 1 ? `process ${String.fromCharCode(65 + n)}` : this.name;
      // LOG_LEVEL=info: the "server listening" line carries the port. Nothing on the sync path
      // logs at info, so this costs nothing per message. Without REDIS_URL: no room bus.
      const child = spawnNode(this.count > 1 ? `${this.name} ${label}` : label, [...serverNodeFlags(this.options.nodeFlags ?? []), ...boardroomEntry(this.options.build ?? 'compiled')], {
        env: {
          DATABASE_URL: url.toString(),
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          REDIS_URL: this.useRedis ? this.redisUrl : undefined,
          KEY_PREFIX: this.useRedis ? this.keyPrefix : undefined,
          BUILDER_MODE: undefined,
        },
      });
      // In the list before it listens, so stop() also ends one that never came up.
      const entry = { child, port: 0, label };
      this.servers.push(entry);
      entry.port = await waitForListening(child);
    }
  }

  async setUp(population: Population): Promise<string[]> {
    const { personOf, people } = groupIntoPeople(population);
    this.personOf = personOf;
    this.docs = population.docs;
    const tag = randomBytes(3).toString('hex');
    this.people = Array.from({ length: people }, (_, p) => ({
      email: `bench-${tag}-${p}@example.com`,
      address: sourceAddress(p),
      token: null,
    }));
    await inParallel(people, async (p) => {
      this.people[p].token = await this.signUp(this.people[p]);
    });

    // The person of a doc's first client creates it; the other people in that room are invited.
    const byDoc = clientsByDoc(population);
    const ids: string[] = new Array(population.docs);
    await inParallel(population.docs, async (d) => {
      const owner = this.people[personOf[byDoc[d][0]]];
      const created = await this.rest<{ id: string }>(owner, 'POST', '/api/configs', { name: `bench-${d}` }, 201);
      ids[d] = created.id;
      const guests = new Set(byDoc[d].map((c) => personOf[c]));
      for (const p of guests) {
        const person = this.people[p];
        if (person === owner || !owner.token) continue;
        // Membership is proven by spending the invitation link (the server hands it to the owner without SMTP).
        const invitation = await this.rest<{ token: string }>(owner, 'POST', `/api/configs/${created.id}/members`, { email: person.email, role: 'editor' }, 201);
        await this.rest(person, 'POST', '/api/invitations/accept', { token: invitation.token }, 200);
      }
    });
    return ids;
  }

  /** A server without accounts (404) is open to anyone; its clients go without a token. */
  private async signUp(person: Person): Promise<string | null> {
    const body = { email: person.email, name: 'Bench', password: randomBytes(18).toString('base64url') };
    const res = await this.request(person, 'POST', '/api/auth/signup', body);
    if (res.status === 404) return null;
    if (res.status !== 201) throw new Error(`POST /api/auth/signup answered ${res.status}: ${res.body}`);
    return (JSON.parse(res.body) as { token: string }).token;
  }

  private async rest<T>(person: Person, method: string, path: string, body: unknown, expect: number): Promise<T> {
    const res = await this.request(person, method, path, body);
    if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  /** node:http rather than fetch: it can send from the person's own loopback address. */
  private request(person: Person, method: string, path: string, body: unknown): Promise<{ status: number; body: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          // Set-up goes through the first process; the others read the same database.
          port: this.servers[0].port,
          method,
          path,
          localAddress: person.address,
          timeout: REST_TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(person.token ? { authorization: `Bearer ${person.token}` } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${REST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Client i is the floor(i / docs)-th client of its doc (population.ts: doc = i % docs); a
   * doc's clients alternate between the processes in that order. */
  endpointFor(clientIndex: number, doc: string): Endpoint {
    const person = this.people[this.personOf[clientIndex]];
    const query = person.token ? `?token=${encodeURIComponent(person.token)}` : '';
    const server = Math.floor(clientIndex / this.docs) % this.servers.length;
    return {
      url: `ws://127.0.0.1:${this.servers[server].port}/sync/${doc}${query}`,
      localAddress: person.address,
      server,
    };
  }

  processes(): ServerProcessInfo[] {
    return this.servers.map((s) => ({ label: s.label, pid: s.child.pid }));
  }

  /** The Postgres backends serving the bench database (the server's pool). */
  async supportPids(): Promise<number[]> {
    if (!this.dbName) return [];
    const rows = await this.admin(
      (sql) => sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.dbName}`,
    );
    return rows.map((r) => r.pid);
  }

  /** The redis-server answering REDIS_URL, if it runs on this machine (its pid from INFO). */
  async busPids(): Promise<number[]> {
    if (!this.useRedis) return [];
    const pid = await this.redis(async (r) => {
      const info = await r.info('server');
      return Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? NaN);
    });
    return Number.isInteger(pid) && readComm(pid).includes('redis') ? [pid] : [];
  }

  /** Every bench update carries a unique marker, so two equal rows mean one update stored twice. */
  async storedTwice(): Promise<number> {
    if (!this.dbName) return 0;
    const url = new URL(this.options.adminUrl);
    url.pathname = `/${this.dbName}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ n: number }[]>`
        select coalesce(sum(c - 1), 0)::int as n
        from (select count(*) as c from doc_updates group by update having count(*) > 1) d`;
      return rows[0].n;
    } finally {
      await sql.end();
    }
  }

  /** Summed over the processes; null if one of them did not report. */
  async collectGarbage(): Promise<HeapFigures | null> {
    const reports = await Promise.all(this.servers.map((s) => s.child.collectGarbage(GC_REPORT_WAIT_MS)));
    if (reports.length === 0 || reports.some((r) => r === null)) return null;
    const sum = (k: 'heapUsed' | 'heapTotal' | 'external') => reports.reduce((n, r) => n + r![k], 0);
    return { heapUsed: sum('heapUsed'), heapTotal: sum('heapTotal'), external: sum('external') };
  }

  async runtimeStats(): Promise<RuntimeFigures | null> {
    return combineRuntime(await Promise.all(this.servers.map((s) => s.child.runtimeStats(RUNTIME_REPORT_WAIT_MS))));
  }

  /** Same database, same accounts and sessions: what a rolling restart leaves the clients with. */
  async restart(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => s.child.stop()));
    await this.spawnServers();
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => s.child.stop()));
    this.people = [];
    const name = this.dbName;
    const prefix = this.keyPrefix;
    this.dbName = '';
    this.keyPrefix = '';
    try {
      if (name) await this.admin((sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
    } finally {
      // The run's keys (the build queue's, if any); pub/sub channels leave nothing behind.
      if (prefix) await this.redis((r) => deleteKeys(r, `${prefix}*`));
    }
  }

  private async redis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    r.on('error', () => {}); // the command fails with the cause
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }

  private async admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(this.options.adminUrl, { max: 1, onnotice: () => {} });
    try {
      return await fn(sql);
    } finally {
      await sql.end();
    }
  }
}

/** Deletes every key matching `pattern` (the run's KEY_PREFIX): SCAN, never KEYS. */
export async function deleteKeys(r: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', REDIS_SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) deleted += await r.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Runs `task(0..count-1)` with REST_CONCURRENCY in flight. */
async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(REST_CONCURRENCY, count) }, lane));
}
