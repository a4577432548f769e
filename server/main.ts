/**
 * Server entry point: the only place (with builder/main.ts and scripts/) that reads the environment.
 * With BUILDER_MODE=inline (what `npm start` uses with the embedded PGlite, which only one process
 * can open) the builder runs inside this process.
 */
import path from 'node:path';
import pino from 'pino';
import { DEFAULT_KEY_PREFIX } from '../shared/builds/keys.ts';
import { openDatabase, type Database } from './db/connect.ts';
import { startServer, type RunningServer } from './server.ts';
import { checkLimitsAgree, readBoolean, readList, readObjectStoreSettings, readServerLimits } from './settings.ts';
import { createMetrics } from './metrics.ts';
import { parseAdminEmails } from './auth/instance-admins.ts';
import { LOG_REDACT } from './log-redact.ts';
import { installProcessGuards } from '../shared/node/process-guards.ts';
import { resolveSecretsKey } from '../shared/node/secrets/sealed.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', redact: LOG_REDACT });
const dataDir = process.env.DATA_DIR ?? './data';
const redisUrl = process.env.REDIS_URL || undefined;
// Same defaults as builder/settings.ts (read there too), without loading the builder here.
const keyPrefix = process.env.KEY_PREFIX ?? DEFAULT_KEY_PREFIX;
const artifactsDir = path.resolve(process.env.ARTIFACTS_DIR || path.join(dataDir, 'artifacts'));

// Read before anything starts: a malformed limit stops the start-up with its variable's name.
const limits = checkLimitsAgree(readServerLimits(process.env));
// Binary files' bytes in an S3-compatible bucket instead of Postgres (docs/operations.md, "Object storage").
const objectStore = readObjectStoreSettings({
  url: process.env.OBJECT_STORE_URL,
  bucket: process.env.OBJECT_STORE_BUCKET,
  region: process.env.OBJECT_STORE_REGION,
  accessKeyId: process.env.OBJECT_STORE_ACCESS_KEY_ID,
  secretAccessKey: process.env.OBJECT_STORE_SECRET_ACCESS_KEY,
});
// The key stored secrets are sealed with (docs/security.md, "Secrets at rest"): SECRETS_KEY, required
// in production; elsewhere generated once into DATA_DIR/secrets.key.
const secrets = resolveSecretsKey({ secretsKey: process.env.SECRETS_KEY, production: process.env.NODE_ENV === 'production', dataDir });
if (secrets.source === 'generated') logger.info({ file: path.join(dataDir, 'secrets.key') }, 'SECRETS_KEY is not set: generated the key for stored secrets into DATA_DIR (back it up with the database; production requires SECRETS_KEY)');
/** SHUTDOWN_DEADLINE_MS (server/settings.ts says why 15 s). */
const SHUTDOWN_DEADLINE_MS = limits.shutdownDeadlineMs;

// Declared before anything can fail, so `stop` works at any point of start-up.
let stopping = false;
let database: Database | null = null;
let server: RunningServer | null = null;
let builder: { start(): Promise<void> | void; close(): Promise<void> } | null = null;
let builderRedis: { disconnect(): void } | null = null;

const metrics = createMetrics();
// Installed before anything else can fail: see shared/node/process-guards.ts for why a rejection keeps
// the process running and an uncaught exception drains and exits.
installProcessGuards(process, {
  logger,
  count: (kind) => metrics.processErrors.inc({ kind }),
  onFatal: () => void stop('uncaughtException', 1),
});

database = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir, poolSize: limits.databasePoolSize });
server = await startServer({
  database,
  logger,
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '127.0.0.1',
  publicUrl: process.env.PUBLIC_URL || undefined,
  secureCookies: process.env.SECURE_COOKIES === 'true',
  metrics,
  metricsToken: process.env.METRICS_TOKEN || undefined,
  metricsPort: process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined,
  metricsHost: process.env.METRICS_HOST || undefined,
  redisUrl,
  keyPrefix,
  artifactsDir,
  smtpUrl: process.env.SMTP_URL || undefined,
  mailFrom: process.env.MAIL_FROM || undefined,
  github:
    process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET
      ? {
          clientId: process.env.GITHUB_CLIENT_ID,
          clientSecret: process.env.GITHUB_CLIENT_SECRET,
          oauthBase: process.env.GITHUB_OAUTH_URL || 'https://github.com',
          apiBase: process.env.GITHUB_API_URL || 'https://api.github.com',
        }
      : null,
  limits,
  secretsKey: secrets.key,
  adminEmails: parseAdminEmails(process.env.ADMIN_EMAILS),
  objectStore,
  webhookAllowedNetworks: readList(process.env.WEBHOOK_ALLOWED_NETWORKS),
  trustProxy: readList(process.env.TRUST_PROXY),
  allowedOrigins: readList(process.env.ALLOWED_ORIGINS),
  clientDir: process.env.CLIENT_DIR ? path.resolve(process.env.CLIENT_DIR) : undefined,
  serveSourceMaps: readBoolean(process.env, 'SERVE_SOURCE_MAPS'),
});
// The one line a person starting the product needs: where to point the browser.
logger.info({ url: server.url }, `Boardroom is running at ${process.env.PUBLIC_URL || server.url}`);
if (!redisUrl) logger.warn('REDIS_URL is not set: editing works, builds answer 503 until a Redis is configured');

if (process.env.BUILDER_MODE === 'inline' && redisUrl) {
  const { Redis } = await import('ioredis');
  const { createBuilderFromSettings, readBuilderSettings } = await import('../builder/settings.ts');
  const buildSettings = readBuilderSettings(process.env, dataDir);
  // BullMQ workers need blocking commands without a retry limit.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  builderRedis = redis;
  redis.on('error', (err) => logger.warn({ err: err.message }, 'builder redis error'));
  builder = createBuilderFromSettings({ db: database.db, redis, logger: logger.child({ service: 'builder' }), env: process.env, secretsKey: secrets.key }, buildSettings);
  await builder.start();
  logger.info({ executor: buildSettings.executor }, 'builder running in the server process');
}

async function stop(signal: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  logger.info({ signal }, 'shutting down: no new connections, flushing commits, clients told to reconnect');
  setTimeout(() => {
    logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  try {
    await builder?.close();
    builderRedis?.disconnect();
    await server?.close();
    await database?.close();
  } catch (error) {
    logger.error({ err: error }, 'unclean shutdown');
    process.exitCode = 1;
  }
  process.exit();
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
