/**
 * Two server processes' worth of servers in the test process, on one Postgres database and a
 * private Redis, each reaching Redis through a TCP proxy of its own: a test can stop Redis for
 * both, or cut one server's link while the other keeps it.
 */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { openDatabase } from '../../server/db/connect.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { TEST_METRICS_TOKEN } from './server.ts';
import { authed, signUp, type TestUser } from './auth.ts';
import { storedDocReader } from './convergence.ts';
import { testLogger } from './logger.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export interface PairMember extends RunningServer {
  proxy: TcpProxy;
  /** Log lines at warn and above (when started with `captureLogs`). */
  warnings: Array<{ msg: string }>;
}

export interface ClusterPair {
  redis: PrivateRedis;
  db: TestDatabase;
  a: PairMember;
  b: PairMember;
  owner: TestUser;
  reader: ReturnType<typeof storedDocReader>;
  cleanup(): Promise<void>;
}

function capturingLogger(into: Array<{ msg: string }>): Logger {
  return pino(
    { level: 'warn' },
    { write: (line: string) => void into.push(JSON.parse(line) as { msg: string }) },
  );
}

export async function startClusterPair(options: { captureLogs?: boolean } = {}): Promise<ClusterPair> {
  const redis = await startPrivateRedis();
  const db = await createTestDatabase('cluster', { migrated: true });
  const port = Number(new URL(redis.url).port);
  const keyPrefix = `chaos:${randomBytes(4).toString('hex')}:`;
  const start = async (): Promise<PairMember> => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    const warnings: Array<{ msg: string }> = [];
    const database = await openDatabase({ databaseUrl: db.url, dataDir: 'memory://' });
    const server = await startServer({
      database,
      logger: options.captureLogs ? capturingLogger(warnings) : testLogger(),
      port: 0,
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix,
      metricsToken: TEST_METRICS_TOKEN,
    });
    const close = server.close;
    return {
      ...server,
      proxy,
      warnings,
      async close() {
        await close();
        await database.close();
        await proxy.close();
      },
    };
  };
  const a = await start();
  const b = await start();
  const owner = await signUp(a.url, 'Owner');
  const reader = storedDocReader(db.url);
  return {
    redis,
    db,
    a,
    b,
    owner,
    reader,
    async cleanup() {
      // Redis must be running here (tests restart what they stop): closing waits for it.
      for (const s of [a, b]) {
        s.proxy.restore();
        await s.close();
      }
      await reader.close();
      await redis.stop();
      await db.drop();
    },
  };
}

/** fetch as `user` against `server`. */
export const as = (server: { url: string }, user: TestUser) => authed(server.url, user.token);
