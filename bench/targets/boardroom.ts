/**
 * Boardroom itself: `server/main.ts` as a child process on a fresh Postgres database, persisting
 * every update before it fans it out, exactly as in production (no Redis: one process).
 *
 * Clients are people with accounts, as in production: the bench signs up one account per
 * CLIENTS_PER_PERSON clients, each account creates the configs its clients open first and is
 * invited (editor) to the others, and each person connects from its own loopback address. That
 * keeps every client inside the server's per-user and per-address limits without touching them.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import postgres from 'postgres';
import { spawnNode, waitForListening, type NodeChild } from '../child-process.ts';
import { clientsByDoc, groupIntoPeople, sourceAddress, type Population } from '../population.ts';
import { GC_REPORT_WAIT_MS, serverNodeFlags, type Endpoint, type HeapFigures, type ServerProcessInfo, type Target } from './target.ts';

/** REST calls in flight during set-up: sign-ups hash passwords (scrypt, libuv's 4 threads), and
 * more parallel calls would only queue in the server. */
const REST_CONCURRENCY = 4;
/** One REST call; sign-up hashes a password, creation is milliseconds. Generous on purpose. */
const REST_TIMEOUT_MS = 30_000;

export interface BoardroomTargetOptions {
  /** Superuser URL of the Postgres to create the bench database on. */
  adminUrl: string;
  /** Extra node flags for the server process (profiling). */
  nodeFlags?: string[];
  /** `synchronous_commit` of the bench database. Diagnostic only: `off` shows what the commit's
   * WAL flush costs, but is not the durability Boardroom promises. */
  synchronousCommit?: 'on' | 'off';
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
  readonly description = 'server/main.ts, Postgres, persist-before-fan-out (group commit)';
  private server: NodeChild | null = null;
  private port = 0;
  private dbName = '';
  private people: Person[] = [];
  private personOf: Int32Array = new Int32Array(0);

  constructor(private readonly options: BoardroomTargetOptions) {
    this.name = options.synchronousCommit === 'off' ? 'boardroom (sync_commit=off)' : 'boardroom';
  }

  async start(): Promise<void> {
    this.dbName = `boardroom_bench_${randomBytes(5).toString('hex')}`;
    await this.admin((sql) => sql.unsafe(`create database ${this.dbName}`));
    if (this.options.synchronousCommit === 'off') {
      await this.admin((sql) => sql.unsafe(`alter database ${this.dbName} set synchronous_commit = off`));
    }
    const url = new URL(this.options.adminUrl);
    url.pathname = `/${this.dbName}`;
    // LOG_LEVEL=info: the "server listening" line carries the port. Nothing on the sync path logs
    // at info, so this costs nothing per message. REDIS_URL unset: one process, no room bus.
    this.server = spawnNode(this.name, [...serverNodeFlags(this.options.nodeFlags ?? []), 'server/main.ts'], {
      env: {
        DATABASE_URL: url.toString(),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        REDIS_URL: undefined,
      },
    });
    this.port = await waitForListening(this.server);
  }

  async setUp(population: Population): Promise<string[]> {
    const { personOf, people } = groupIntoPeople(population);
    this.personOf = personOf;
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
        await this.rest(owner, 'POST', `/api/configs/${created.id}/members`, { email: person.email, role: 'editor' }, 201);
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
          port: this.port,
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

  endpointFor(clientIndex: number, doc: string): Endpoint {
    const person = this.people[this.personOf[clientIndex]];
    const query = person.token ? `?token=${encodeURIComponent(person.token)}` : '';
    return { url: `ws://127.0.0.1:${this.port}/sync/${doc}${query}`, localAddress: person.address };
  }

  processes(): ServerProcessInfo[] {
    return this.server ? [{ label: this.name, pid: this.server.pid }] : [];
  }

  /** The Postgres backends serving the bench database (the server's pool). */
  async supportPids(): Promise<number[]> {
    if (!this.dbName) return [];
    const rows = await this.admin(
      (sql) => sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.dbName}`,
    );
    return rows.map((r) => r.pid);
  }

  async collectGarbage(): Promise<HeapFigures | null> {
    const report = await this.server?.collectGarbage(GC_REPORT_WAIT_MS);
    return report ? { heapUsed: report.heapUsed, heapTotal: report.heapTotal, external: report.external } : null;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
    this.people = [];
    if (this.dbName) {
      const name = this.dbName;
      this.dbName = '';
      await this.admin((sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
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

/** Runs `task(0..count-1)` with REST_CONCURRENCY in flight. */
async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(REST_CONCURRENCY, count) }, lane));
}
