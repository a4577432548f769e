/**
 * Entry point of a standalone builder process (`node --import tsx builder/main.ts`;
 * docker-compose's `builder` service). The only place the builder reads its environment. `npm
 * start` may instead run `createBuilderFromSettings` inside the server process with the server's
 * database handle (required with PGlite, which one process owns).
 *
 *   DATABASE_URL  Postgres URL (required here: PGlite cannot be shared between processes)
 *   REDIS_URL     default redis://127.0.0.1:6379
 *   DATA_DIR      default ./data (artifacts default to <DATA_DIR>/artifacts)
 *   LOG_LEVEL     pino level, default info
 *   SECRETS_KEY   the servers' key: opens first-boot secrets for builds (without it, builds that
 *                 use them fail)
 *   BUILDER_HEALTH_PORT  port of the liveness endpoint (`GET /health`, health-endpoint.ts); empty:
 *                 none. The images set 8081. BUILDER_HEALTH_HOST: its address, default 0.0.0.0
 *   and the build settings listed in builder/settings.ts (KEY_PREFIX, ARTIFACTS_DIR,
 *   BUILD_EXECUTOR, ARMBIAN_DIR, ARMBIAN_REF, ARMBIAN_BUILD_UID/GID, BUILD_CONCURRENCY, BUILD_TIMEOUT_MS,
 *   BUILD_WORK_DIR).
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { migratePostgres } from '../shared/node/db/migrate.ts';
import { openPostgresClient, POOL_TUNING } from '../shared/node/db/postgres-client.ts';
import { installProcessGuards } from '../shared/node/process-guards.ts';
import { startBuilderHealth, type HealthEndpoint } from './health-endpoint.ts';
import { createBuilderFromSettings, readBuilderSettings } from './settings.ts';

/** Running builds, the sweep and the cancel poll share these; each build holds one only briefly.
 * DATABASE_POOL_SIZE overrides it (the same setting as the server's pool). */
const POSTGRES_POOL_SIZE = 10;
/** On shutdown, give Postgres this long to finish in-flight queries before closing the pool. */
const POSTGRES_CLOSE_TIMEOUT_S = 5;

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      'DATABASE_URL is required for a standalone builder (PGlite cannot be shared between processes); ' +
        '`npm start` without DATABASE_URL runs the builder inside the server process instead',
    );
  }
  const settings = readBuilderSettings(process.env, process.env.DATA_DIR || './data');
  // The builder may start before any server (`npm start`, docker-compose, a fresh database): it
  // applies the migrations itself, under the same advisory lock the servers take, so it never
  // sees a missing table and never races a server doing the same.
  await migratePostgres(databaseUrl);
  logger.info('database schema up to date');
  const poolSize = process.env.DATABASE_POOL_SIZE ? Number(process.env.DATABASE_POOL_SIZE) : POSTGRES_POOL_SIZE;
  if (!Number.isSafeInteger(poolSize) || poolSize <= 0) throw new Error(`DATABASE_POOL_SIZE must be a positive integer, got "${process.env.DATABASE_POOL_SIZE}"`);
  const sqlClient = openPostgresClient(databaseUrl, { max: poolSize, ...POOL_TUNING });
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const builder = createBuilderFromSettings(
    { db: drizzle(sqlClient) as unknown as BuildsDb, redis, logger, env: process.env, secretsKey: process.env.SECRETS_KEY || null },
    settings,
  );
  let stopping = false;
  let health: HealthEndpoint | null = null;
  const stop = (signal: string, exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping builder');
    health?.stopping();
    builder
      .close()
      .then(() => Promise.all([redis.quit(), sqlClient.end({ timeout: POSTGRES_CLOSE_TIMEOUT_S }), health?.close()]))
      .then(() => process.exit(exitCode))
      .catch((err: unknown) => {
        logger.error({ err }, 'builder did not stop cleanly');
        process.exit(1);
      });
  };
  // Same policy as the server (shared/node/process-guards.ts): log a stray rejection and go on; after an
  // uncaught exception, hand running jobs back and exit 1. No metrics endpoint here: the log is it.
  installProcessGuards(process, { logger, onFatal: () => stop('uncaughtException', 1) });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await builder.start();
  const healthPort = process.env.BUILDER_HEALTH_PORT;
  if (healthPort && !stopping) {
    const port = Number(healthPort);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`BUILDER_HEALTH_PORT must be a port number, got "${healthPort}"`);
    health = await startBuilderHealth(builder, port, process.env.BUILDER_HEALTH_HOST || undefined);
    logger.info({ port: health.port }, 'builder health endpoint listening');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
