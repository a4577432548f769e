/**
 * The one test rig for a server: a real server on its own Postgres database (and, when asked,
 * Redis under its own key prefix), the stock clients a test opens, and the cleanup of all of it,
 * in that order (clients, server, database, Redis keys). Call it in a `describe` (or at the top of
 * a file); it registers the `beforeAll`/`afterAll` itself:
 *
 *   const { server, clients } = useTestServer({ redis: 'trash' });
 *
 * `server` stands for the server the `beforeAll` starts: reading it before then throws. It is a
 * stand-in (a Proxy) rather than a variable so that test bodies written against a `let server`
 * keep working unchanged; setting a property (a fresh token) sets it on the real server.
 *
 * Options known only once something else has started (a fake OAuth server's port, a temporary
 * folder) are passed as a function, called in the `beforeAll`:
 *
 *   const rig = useTestServer(() => ({ github: { ...fake.settings } }));
 *
 * Restart and two-process tests use `rig.restart()` (same database, owner and options: what a
 * deploy or a crash-free restart does) and `rig.startAnother()` (a second server on the same
 * database and Redis prefix); the rig stops those too.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectClient, type TestClient } from './clients.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './server.ts';

/** The shared Redis (tests isolate themselves by key prefix, never by FLUSHALL). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type RigOptions = TestServerOptions & {
  /** Use Redis (builds, the cluster bus) under a fresh prefix `test:<label>:<random>:`, whose keys
   * are deleted at cleanup. */
  redis?: string;
};

export interface Rig {
  /** The current server: after `restart()`, the new one. */
  server: TestServer;
  /** Clients to destroy before the server stops: push every client a test opens. */
  clients: TestClient[];
  /** `connectClient`, with the client pushed onto `clients`. */
  connect(...args: Parameters<typeof connectClient>): TestClient;
  /** The Redis key prefix (only with `redis`; with options given as a function, read it as
   * `rig.keyPrefix` once the `beforeAll` has run). */
  keyPrefix: string | null;
  /**
   * Stops the server (its clients see the connection drop; the rig's `clients` stay, to reconnect
   * or be destroyed) and starts a new one on the same database with the same owner and options,
   * `options` overriding them for the new one. `server` then stands for the new server.
   */
  restart(options?: ServerOnlyOptions): Promise<TestServer>;
  /** Another server (process) on the same database, owner and Redis prefix, `options` added to
   * the rig's; stopped by the rig before the main one. */
  startAnother(options?: ServerOnlyOptions): Promise<TestServer>;
}

/** What may differ between the servers of one rig (the database and owner are the rig's). */
type ServerOnlyOptions = Omit<TestServerOptions, 'testDb' | 'owner'>;

export function useTestServer(options: RigOptions | (() => RigOptions | Promise<RigOptions>) = {}): Rig {
  const prefixFor = (label: string | undefined) => (label === undefined ? null : `test:${label}:${randomBytes(5).toString('hex')}:`);
  // Known at once for plain options (tests destructure it); after the `beforeAll` for a function.
  let keyPrefix = typeof options === 'function' ? null : prefixFor(options.redis);
  let serverOptions: TestServerOptions = {};
  let started: TestServer | null = null;
  const others: TestServer[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const { redis: label, ...rest } = typeof options === 'function' ? await options() : options;
    if (typeof options === 'function') rig.keyPrefix = keyPrefix = prefixFor(label);
    serverOptions = { ...(keyPrefix ? { redisUrl: TEST_REDIS_URL, keyPrefix } : {}), ...rest };
    started = await startTestServer(serverOptions);
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const other of others.splice(0)) await other.stop();
    await started?.cleanup();
    if (keyPrefix) await deleteKeys(keyPrefix);
  });

  const real = (): TestServer => {
    if (!started) throw new Error('useTestServer: the server is not started yet (use it inside a test or a later beforeAll)');
    return started;
  };
  const server = new Proxy({} as TestServer, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });

  const sameDatabase = (extra: ServerOnlyOptions = {}) => {
    const current = real();
    return { ...serverOptions, ...extra, testDb: current.testDb, owner: current.owner };
  };

  const rig: Rig = {
    server,
    clients,
    keyPrefix,
    connect(...args) {
      const client = connectClient(...args);
      clients.push(client);
      return client;
    },
    async restart(extra) {
      const next = sameDatabase(extra);
      await real().stop();
      started = await startTestServer(next);
      return started;
    },
    async startAnother(extra) {
      const another = await startTestServer(sameDatabase(extra));
      others.push(another);
      return another;
    },
  };
  return rig;
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
