/**
 * Assembles a server process from its dependencies. `main.ts` reads the environment and calls
 * this; tests call it directly with their own database and port 0.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { CloseCode } from '../shared/protocol.ts';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import type { AppEnv } from './auth/actor.ts';
import type { Database } from './db/connect.ts';
import type { ConfigHooks } from './routes/config-hooks.ts';
import { createDrizzleStorage } from './storage/drizzle-storage.ts';
import type { DocStorage } from './storage/types.ts';
import type { HealthChecks } from './routes/health.ts';
import { GroupCommitter } from './sync/group-committer.ts';
import { RoomManager } from './sync/room-manager.ts';
import { createAccessControl } from './access-control.ts';
import { createAdmissionCache } from './access/admission-cache.ts';
import { createAccessRevalidator } from './auth/access-revalidation.ts';
import type { GithubSettings } from './routes/github-auth.ts';
import { createAbuseGuard } from './abuse-limits.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { startMetricsServer } from './metrics-endpoint.ts';
import { createGaugeRefresher } from './metrics-gauges.ts';
import { refreshRoomConnections } from './cluster-metrics.ts';
import type { BuildsContext } from './builds-context.ts';
import { startBuildStatusFeed } from './build-status-feed.ts';
import { DEFAULT_KEY_PREFIX } from '../shared/builds/keys.ts';
import { createAccessStore } from './auth/access-store.ts';
import { createAccounts } from './auth/accounts.ts';
import { createInvitationStore } from './invitations/invitation-store.ts';
import { createSmtpMailer } from './invitations/mailer.ts';
import { createSyncAuthorizer } from './auth/sync-authorizer.ts';
import { ConnectionRegistry, createSyncEndpoint } from './ws-transport.ts';
import { createConfigHooks } from './config-hooks.ts';
import { createSchemaAuthority } from './schema-authority.ts';
import { createHistoryAndReview } from './review/features.ts';
import { composeRoomHooks } from './sync/room-hooks.ts';
import { resolveLimits, type ServerLimits } from './settings.ts';
import { parseTrustedProxies } from './request-trust/client-address.ts';
import { createOriginPolicy } from './request-trust/origin-policy.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPasswordHasher } from './auth/password-hasher.ts';
import { createTrashStore } from './trash/trash-store.ts';
import { trashRoutes } from './trash/routes.ts';
import { startTrashSweep, type TrashSweep } from './trash/trash-sweep.ts';
import { deleteArtifactsOfConfigs } from '../shared/node/builds/artifact-cleanup.ts';

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** On shutdown, wait this long for unsaved updates to commit before giving up. */
const SHUTDOWN_FLUSH_TIMEOUT_MS = 10_000;

export interface ServerOptions {
  database: Database;
  logger: Logger;
  port: number;
  host?: string;
  idleUnloadMs?: number;
  compactAfterUpdates?: number;
  /** Folder of the built client; default `dist/client` next to the sources. */
  clientDir?: string;
  /** Base URL for links this server hands out; default its own address. */
  publicUrl?: string;
  secureCookies?: boolean;
  /** Redis for the build queue and events; without it build routes answer 503. */
  redisUrl?: string;
  /** Oldest extension protocol version (`?ext=`) served; default MIN_EXT_PROTOCOL_VERSION
   * (shared/ext-messages.ts). Older pages are closed with 4426 and told to reload. */
  minExtVersion?: number;
  /** Prefix of every Redis key and channel (tests and deployments sharing a Redis stay apart). */
  keyPrefix?: string;
  artifactsDir?: string;
  /** Enables "Sign in with GitHub". */
  github?: GithubSettings | null;
  /** Limits and timeouts (server/settings.ts); unset ones keep their defaults. */
  limits?: Partial<ServerLimits>;
  /** `TRUST_PROXY`: addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustProxy?: string[];
  /** `ALLOWED_ORIGINS`: origins besides PUBLIC_URL's whose pages may use the session cookie. */
  allowedOrigins?: string[];
  /** `smtp://user:pass@host:port` (or smtps://): invitation links are e-mailed. Without it the
   * owner is shown the link to pass on. */
  smtpUrl?: string;
  /** Sender of those mails. */
  mailFrom?: string;
  /** Bearer token for `/metrics` (METRICS_TOKEN); without it the public port answers 404 there. */
  metricsToken?: string;
  /** Serve `/metrics` on a listener of its own (METRICS_PORT; 0 picks a free port). */
  metricsPort?: number;
  /** Address of that listener (METRICS_HOST); default `host`. */
  metricsHost?: string;
  /** The process's metrics, when the entry file made them first (to count process-level errors). */
  metrics?: Metrics;
}

/** Sender of invitation mails when MAIL_FROM is not set. */
export const DEFAULT_MAIL_FROM = 'Boardroom <boardroom@localhost>';

export interface RunningServer {
  port: number;
  url: string;
  storage: DocStorage;
  manager: RoomManager;
  committer: GroupCommitter;
  registry: ConnectionRegistry;
  builds: BuildsContext | null;
  metrics: Metrics;
  /** Port of the separate metrics listener, or null when there is none. */
  metricsPort: number | null;
  /** The Hono app; its route table (`app.routes`) drives the generated permission matrix and fuzz tests. */
  app: Hono<AppEnv>;
  /** The trash expiry sweep (runs on its own timer; tests call `runOnce`). */
  trashSweep: TrashSweep;
  close(): Promise<void>;
}


/** An IPv6 host goes into a URL in brackets. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { database, logger } = options;
  const storage = createDrizzleStorage(database.db, { appendUpdates: database.appendUpdates });
  const metrics = options.metrics ?? createMetrics();
  const limits = resolveLimits(options.limits);
  const trustedProxies = parseTrustedProxies(options.trustProxy ?? []);
  const guard = createAbuseGuard(limits);
  const committer = new GroupCommitter({
    storage,
    logger,
    onBatch: ({ batchSize, durationMs }) => {
      metrics.commitBatch.observe(batchSize);
      metrics.commitLatency.observe(durationMs / 1000);
    },
    onFailure: () => metrics.commitFailures.inc(),
  });
  // Redis-backed parts load only when a Redis is configured (ioredis and BullMQ cost memory).
  const cluster = options.redisUrl
    ? (await import('./cluster.ts')).createCluster({
        redisUrl: options.redisUrl,
        prefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
        logger,
        observer: metrics.cluster.bus,
      })
    : null;
  const manager = new RoomManager({
    bus: cluster?.roomBus,
    observer: metrics.observer,
    catchUpObserver: metrics.cluster.catchUp,
    storage,
    committer,
    logger,
    idleUnloadMs: options.idleUnloadMs ?? limits.roomIdleUnloadMs,
    compactAfterUpdates: options.compactAfterUpdates,
    limits,
  });
  const registry = new ConnectionRegistry();
  const accounts = createAccounts(database.db);
  const access = createAccessStore(database.db);
  // WebSocket admission remembers granted member roles; access events drop them (access-control).
  const admission = createAdmissionCache((configId, user) => access.memberRole(configId, user));
  const invitations = createInvitationStore(database.db);
  const mailer = options.smtpUrl ? createSmtpMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom ?? DEFAULT_MAIL_FROM, logger }) : null;
  // Access changes are announced as invalidations; each process re-decides its affected
  // connections against Postgres, which also happens steadily and after a bus outage (an
  // invalidation can be lost while Redis is away).
  const control = createAccessControl({
    registry,
    manager,
    bus: cluster?.accessBus,
    recheck: (scope) => revalidator.recheck(scope),
    forgetSession: (id) => accounts.forgetSession(id),
    forgetAccess: (scope) => admission.forget(scope),
    forgetPerson: (userId) => admission.forgetPerson(userId),
  });
  const revalidator = createAccessRevalidator({
    db: database.db,
    connections: () => registry.byConfig,
    enforcer: control.enforcer,
    logger,
    observer: metrics.cluster.revalidation,
  });
  // Invalidations published while the bus was away are lost: start admission over from Postgres.
  cluster?.onReconnect(() => {
    admission.forget();
    revalidator.request();
  });
  const authority = createSchemaAuthority({
    logger,
    onValidated: (_id, result) => {
      if (!result.valid) metrics.validationFailures.inc();
    },
    onRepaired: (_id, paths) => metrics.repairs.inc(paths),
  });
  const history = createHistoryAndReview({ db: database.db, storage, manager, access, logger });
  manager.setHooks(composeRoomHooks(authority.hooks, history.hooks));
  const configHooks: ConfigHooks = createConfigHooks({ events: control.events });
  const publicUrl = { value: options.publicUrl ?? '' };
  const listening = { port: 0 };
  const originPolicy = createOriginPolicy({
    publicUrl: () => publicUrl.value,
    allowedOrigins: options.allowedOrigins ?? [],
    host: options.host ?? '127.0.0.1',
    port: () => listening.port,
  });
  const builds = options.redisUrl
    ? (await import('./builds-context.ts')).createBuildsContext({
        db: database.db,
        redisUrl: options.redisUrl,
        keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
        artifactsDir: options.artifactsDir ?? 'data/artifacts',
        logger,
      })
    : null;
  // Build status and progress reach the configuration's clients from the builders' channel.
  const buildStatus = builds
    ? startBuildStatusFeed({ subscriber: builds.subscriber, keys: builds.keys, deliver: manager.deliverExt.bind(manager), logger })
    : null;
  // Ready means "can serve editing": Postgres always, Redis when other processes share the work
  // through it. Builder presence is reported beside it, never a reason to be unready.
  const health: HealthChecks = {
    required: { postgres: () => database.ping() },
    builder: builds ? () => builds.builderReachable() : null,
  };
  if (builds) {
    health.required.redis = async () => {
      await builds.redis.ping();
    };
  }
  // Scrapes never wait on Postgres or Redis for long (docs/operations.md, metrics).
  const refreshGauges = createGaugeRefresher({ metrics, manager, committer, registry, builds, compactAfterUpdates: options.compactAfterUpdates });
  const beforeScrape = () => {
    refreshRoomConnections(metrics.cluster, manager.rooms.values());
    return refreshGauges();
  };
  const trashStore = createTrashStore(database.db);
  const trashSweep = startTrashSweep({
    store: trashStore,
    retentionDays: limits.trashRetentionDays,
    logger,
    deleteArtifactsOf: builds ? (ids) => deleteArtifactsOfConfigs({ db: database.db, storage: builds.storage, logger }, ids) : undefined,
  });
  const app = createApp({
    storage,
    manager,
    logger,
    configHooks,
    health,
    builds,
    metrics,
    guard,
    github: options.github ?? null,
    beforeScrape,
    metricsAccess: { token: options.metricsToken || null },
    db: database.db,
    accounts,
    access,
    invitations,
    mailer,
    accessEvents: control.events,
    publicUrl: () => publicUrl.value,
    secureCookies: options.secureCookies ?? false,
    clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
    historyRoutes: history.routes,
    trashRoutes: trashRoutes({ trash: trashStore, access, storage, retentionDays: limits.trashRetentionDays }),
    buildGate: history.buildGate,
    limits,
    trustedProxies,
    originPolicy,
    loginThrottle: createLoginThrottle(limits),
    hasher: createPasswordHasher(limits.passwordHashConcurrency),
  });
  const sync = createSyncEndpoint({
    manager,
    authorize: createSyncAuthorizer({ access: { ...access, memberRole: admission.memberRole }, accounts, originPolicy }),
    logger,
    minExtVersion: options.minExtVersion,
    registry,
    guard,
    observer: metrics.observer,
    limits,
    trustedProxies,
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' }, () => resolve(s));
  });
  sync.attach(server as HttpServer);
  const port = (server.address() as AddressInfo).port;
  listening.port = port;
  if (!publicUrl.value) publicUrl.value = `http://${hostForUrl(options.host ?? '127.0.0.1')}:${port}`;
  const metricsServer =
    options.metricsPort === undefined
      ? null
      : await startMetricsServer({
          port: options.metricsPort,
          host: options.metricsHost ?? options.host ?? '127.0.0.1',
          token: options.metricsToken || null,
          logger,
          scrape: {
            contentType: metrics.registry.contentType,
            body: async () => {
              await beforeScrape();
              return metrics.registry.metrics();
            },
          },
        });
  if (!metricsServer && !options.metricsToken) logger.info('metrics are not served: set METRICS_TOKEN or METRICS_PORT to scrape them');
  logger.info({ port, db: database.kind, allowedOrigins: originPolicy.list(), trustProxy: options.trustProxy ?? [] }, 'server listening');
  if (!options.publicUrl && /^(0\.0\.0\.0|::)$/.test(options.host ?? '')) {
    logger.warn({ host: options.host }, 'listening on every interface without PUBLIC_URL: browsers can only write through loopback or ALLOWED_ORIGINS; set PUBLIC_URL');
  }

  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    storage,
    manager,
    committer,
    registry,
    builds,
    metrics,
    metricsPort: metricsServer?.port ?? null,
    app,
    trashSweep,
    async close() {
      trashSweep.close();
      await metricsServer?.close();
      // Stop accepting, then flush and publish what is pending before leaving the cluster, so
      // the other processes have every committed update.
      sync.stopAccepting();
      server.close();
      control.close();
      revalidator.close();
      await manager.closeAll(CloseCode.goingAway, SHUTDOWN_FLUSH_TIMEOUT_MS);
      await history.close();
      mailer?.close();
      buildStatus?.close();
      await builds?.close();
      await cluster?.close();
      committer.close();
      sync.wss.close();
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        resolve();
      });
    },
  };
}
