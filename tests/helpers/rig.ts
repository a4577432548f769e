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
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectClient, type TestClient } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

/** The shared Redis (tests isolate themselves by key prefix, never by FLUSHALL). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type RigOptions = Parameters<typeof startTestServer>[0] & {
  /** Use Redis (builds, the cluster bus) under a fresh prefix `test:<label>:<random>:`, whose keys
   * are deleted at cleanup. */
  redis?: string;
};

export interface Rig {
  server: TestServer;
  /** Clients to destroy before the server stops: push every client a test opens. */
  clients: TestClient[];
  /** `connectClient`, with the client pushed onto `clients`. */
  connect(...args: Parameters<typeof connectClient>): TestClient;
  /** The Redis key prefix (only with `redis`). */
  keyPrefix: string | null;
}

export function useTestServer(options: RigOptions = {}): Rig {
  const { redis: label, ...serverOptions } = options;
  const keyPrefix = label === undefined ? null : `test:${label}:${randomBytes(5).toString('hex')}:`;
  let started: TestServer | null = null;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    started = await startTestServer({ ...(keyPrefix ? { redisUrl: TEST_REDIS_URL, keyPrefix } : {}), ...serverOptions });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
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

  return {
    server,
    clients,
    keyPrefix,
    connect(...args) {
      const client = connectClient(...args);
      clients.push(client);
      return client;
    },
  };
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
