/**
 * Assembles a server process from its dependencies. `main.ts` reads the environment and calls
 * this; tests call it directly with their own database and port 0.
 */
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '../shared/protocol.ts';
import { createApp } from './app.ts';
import { createDrizzleStorage } from './storage/drizzle-storage.ts';
import type { HealthChecks } from './health/routes.ts';
import { GroupCommitter } from './sync/group-committer.ts';
import { RoomManager } from './sync/room-manager.ts';
import { createAccessWiring } from './access/access-wiring.ts';
import { createAbuseGuard } from './abuse-limits.ts';
import { createMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-endpoint.ts';
import { createGaugeRefresher } from './metrics-gauges.ts';
import { refreshRoomConnections } from './cluster-metrics.ts';
import { DEFAULT_KEY_PREFIX } from '../shared/builds/keys.ts';
import { createAccessStore } from './auth/access-store.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { auditFeature } from './audit/feature.ts';
import { createOrgStore } from './orgs/org-store.ts';
import { orgsFeature } from './orgs/feature.ts';
import { policiesFeature } from './policies/feature.ts';
import { teamsFeature } from './teams/feature.ts';
import { createAccounts } from './auth/accounts.ts';
import { createInstanceAdmins, type InstanceAdmins } from './auth/instance-admins.ts';
import { adminPowerLog } from './access/admin-powers.ts';
import { createTokenStore } from './tokens/token-store.ts';
import { createInvitationStore } from './invitations/invitation-store.ts';
import { createSmtpMailer } from './invitations/mailer.ts';
import { createSyncAuthorizer } from './auth/sync-authorizer.ts';
import { ConnectionRegistry, createSyncEndpoint } from './ws-transport.ts';
import { resolveLimits } from './settings.ts';
import { parseTrustedProxies } from './request-trust/client-address.ts';
import { createOriginPolicy } from './request-trust/origin-policy.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPasswordHasher, MAX_WAITING_SIGNUPS } from './auth/password-hasher.ts';
import { trashFeature } from './trash/feature.ts';
import type { Feature, FeatureCore } from './features/feature.ts';
import { featureReadiness, shutDownFeatures } from './features/lifecycle.ts';
import { createHookRunner } from './features/hook-runner.ts';
import { lateRooms } from './features/late-rooms.ts';
import { schemaAuthorityFeature } from './schema-authority/feature.ts';
import { historyFeature } from './history/feature.ts';
import { reviewFeature } from './review/feature.ts';
import { buildsFeature } from './builds/feature.ts';
import { shareLinksFeature } from './access/feature.ts';
import { invitationsFeature } from './invitations/feature.ts';
import { frameworkCheckFeature } from './framework-check/feature.ts';
import { configsFeature } from './configs/feature.ts';
import { filesFeature } from './files/feature.ts';
import { webhooksFeature } from './webhooks/feature.ts';
import { secretsFeature } from './secrets/feature.ts';
import { parseAllowedNetworks } from './webhooks/url-guard.ts';
import { createSealer, generateSecretsKey } from '../shared/node/secrets/sealed.ts';
import { deleteArtifactsOfConfigs } from '../shared/node/builds/artifact-cleanup.ts';

export { DEFAULT_MAIL_FROM, type RunningServer, type ServerOptions } from './server-options.ts';
import { DEFAULT_MAIL_FROM, type RunningServer, type ServerOptions } from './server-options.ts';

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** Pending connections the kernel queues for this process before dropping SYNs (capped by
 * net.core.somaxconn): a whole population reconnecting after a restart, not the default 511. */
const LISTEN_BACKLOG = 16_384;

/** On shutdown, wait this long for unsaved updates to commit before giving up. */
const SHUTDOWN_FLUSH_TIMEOUT_MS = 10_000;

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
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
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
    ? (await import('./cluster.ts')).createCluster({ redisUrl: options.redisUrl, prefix: keyPrefix, logger, observer: metrics.cluster.bus })
    : null;
  const registry = new ConnectionRegistry();
  // Proof links of ADMIN_EMAILS are signed with the same key as sealed secrets (instance-admins.ts).
  const secretsKey = options.secretsKey ?? generateSecretsKey();
  // Built below (it needs the mailer and the caches); sign-ups reach it only once requests flow.
  let admins: InstanceAdmins | null = null;
  const accounts = createAccounts(database.db, {
    sessionTtlMs: limits.sessionTtlMs,
    onCreated: (user) => void admins?.accountCreated(user).catch((error: unknown) => logger.warn({ err: error }, 'admin proof link not sent')),
  });
  const access = createAccessStore(database.db, { adminPowerUsed: adminPowerLog(logger) });
  // Construction order (docs/architecture.md, "Features"): the core; then the features, in the
  // order their hooks run and their routes are mounted; then one hook runner over them; then the
  // rooms, built with that runner. Features reach the rooms through `core.rooms`, which opens
  // once the rooms exist (their hooks and routes only run after that).
  const rooms = lateRooms();
  // Admission caches, live enforcement and steady re-checks (access/access-wiring.ts). Rooms
  // are built after the features, so they are looked up late.
  const accessWiring = createAccessWiring({
    db: database.db,
    access,
    registry,
    roomsOf: (configId) => rooms.manager().roomsOf(configId),
    cluster,
    forgetSession: (id) => accounts.forgetSession(id),
    relocate: (configId) => rooms.manager().relocate(configId),
    logger,
    observer: metrics.cluster.revalidation,
  });
  const { admission, linkAdmission } = accessWiring;
  const invitations = createInvitationStore(database.db);
  const mailer = options.smtpUrl ? createSmtpMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom ?? DEFAULT_MAIL_FROM, logger, timeoutMs: limits.smtpTimeoutMs }) : null;
  const publicUrl = { value: options.publicUrl ?? '' };
  admins = createInstanceAdmins({
    db: database.db,
    emails: options.adminEmails ?? [],
    // The sealing key in use (SECRETS_KEY may list older ones after it, for opening only).
    key: secretsKey.split(',')[0].trim(),
    logger,
    mailer,
    publicUrl: () => publicUrl.value,
    changed: (userId) => {
      accounts.forgetUser(userId);
      admission.forgetPerson(userId);
    },
  });
  const listening = { port: 0 };

  const core: FeatureCore = {
    db: database.db,
    storage,
    rooms: rooms.rooms,
    access,
    orgs: createOrgStore(database.db),
    audit: createAuditLog(database.db, logger),
    bus: {
      publish: (configId, kind, payload) => rooms.manager().publishExt(configId, kind, payload),
      deliver: (configId, kind, payload) => rooms.manager().deliverExt(configId, kind, payload),
    },
    logger,
    settings: limits,
  };
  const schema = schemaAuthorityFeature(core, {
    onValidated: (_id, result) => {
      if (!result.valid) metrics.validationFailures.inc();
    },
    onRepaired: (_id, paths) => metrics.repairs.inc(paths),
  });
  // Built before the features that report facts to it; mounted after them.
  // One key for everything sealed at rest: webhook secrets and first-boot secrets.
  const sealer = createSealer(secretsKey);
  const webhooks = await webhooksFeature(core, {
    sealer,
    redis: options.redisUrl ? { url: options.redisUrl, keyPrefix } : null,
    allowed: parseAllowedNetworks(options.webhookAllowedNetworks ?? []),
  });
  const history = historyFeature(core, { onVersionCreated: webhooks.facts.versionCreated });
  const secrets = secretsFeature(core, { sealer, recordChange: (configId, name, op, by) => history.changeLog.recordSecretChange(configId, name, op, by) });
  const review = reviewFeature(core, {
    authors: history.changeLog.authorsBetween.bind(history.changeLog),
    onVersionCreated: webhooks.facts.versionCreated,
    onDecision: webhooks.facts.reviewDecided,
  });
  const builds = await buildsFeature(core, {
    redis: options.redisUrl ? { url: options.redisUrl, keyPrefix } : null,
    artifactsDir: options.artifactsDir ?? 'data/artifacts',
    gate: { mayStartBuild: review.mayStartBuild, accepted: history.recordBuild },
    onBuildRequest: (outcome) => metrics.cluster.buildRequests.inc({ outcome }),
  });
  const buildArtifacts = builds.context?.storage;
  const trash = trashFeature(core, {
    // Purging a configuration deletes its artifact files too (bytes first, then rows).
    deleteArtifactsOf: buildArtifacts ? (ids) => deleteArtifactsOfConfigs({ db: database.db, storage: buildArtifacts, logger }, ids) : undefined,
  });
  const audit = auditFeature(core);
  const files = filesFeature(core, { objectStore: options.objectStore ?? null });
  const features: Feature[] = [
    schema,
    shareLinksFeature(core, { invitations, events: accessWiring.events, publicUrl: () => publicUrl.value, flushLinkUses: () => linkAdmission.flush() }),
    invitationsFeature(core, { invitations, events: accessWiring.events, mailer, publicUrl: () => publicUrl.value }),
    builds,
    frameworkCheckFeature(core, { builds: builds.context }),
    configsFeature(core, { events: accessWiring.events }),
    orgsFeature(core, { events: accessWiring.events, mailer, publicUrl: () => publicUrl.value }),
    audit,
    policiesFeature(core, { events: accessWiring.events }),
    teamsFeature(core, { events: accessWiring.events }),
    history,
    review,
    trash,
    files,
    secrets,
    webhooks,
    ...(options.features?.(core) ?? []),
  ];
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
    documents: options.documents,
    hooks: createHookRunner(features, { logger, onFailure: (feature, hook) => metrics.hookFailures.inc({ feature, hook }) }),
  });
  rooms.open(manager);

  const originPolicy = createOriginPolicy({
    publicUrl: () => publicUrl.value,
    allowedOrigins: options.allowedOrigins ?? [],
    host: options.host ?? '127.0.0.1',
    port: () => listening.port,
  });
  const buildsContext = builds.context;
  // Ready means "can serve editing": Postgres always, Redis when other processes share the work
  // through it, and every feature that declares a readiness check. Builder presence is reported
  // beside it, never a reason to be unready.
  const health: HealthChecks = {
    required: { postgres: () => database.ping(), ...featureReadiness(features) },
    builder: buildsContext ? () => buildsContext.builderReachable() : null,
  };
  if (buildsContext) {
    health.required.redis = async () => {
      await buildsContext.redis.ping();
    };
  }
  // Scrapes never wait on Postgres or Redis for long (docs/operations.md, metrics).
  const refreshGauges = createGaugeRefresher({ metrics, manager, committer, registry, builds: buildsContext, compactAfterUpdates: options.compactAfterUpdates });
  const beforeScrape = () => {
    refreshRoomConnections(metrics.cluster, manager.rooms.values());
    return refreshGauges();
  };
  const app = createApp({
    logger,
    health,
    metrics,
    guard,
    github: options.github ?? null,
    beforeScrape,
    metricsAccess: { token: options.metricsToken || null },
    db: database.db,
    accounts,
    accessEvents: accessWiring.events,
    publicUrl: () => publicUrl.value,
    secureCookies: options.secureCookies ?? false,
    clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
    featureRoutes: features.flatMap((f) => f.routes ?? []),
    serveSourceMaps: options.serveSourceMaps ?? false,
    limits,
    trustedProxies,
    originPolicy,
    loginThrottle: createLoginThrottle(limits),
    hasher: createPasswordHasher(limits.passwordHashConcurrency, MAX_WAITING_SIGNUPS, options.passwordHashParams),
    documents: manager.documents,
    access,
    admins,
    tokens: createTokenStore(database.db, { perUser: limits.tokensPerUser, lastUsedIntervalMs: limits.tokenLastUsedIntervalMs }),
  });
  // Before the first request: an address taken off ADMIN_EMAILS is not admin on this start.
  await admins.dropUnlisted();
  const sync = createSyncEndpoint({
    manager,
    authorize: createSyncAuthorizer({
      access: { ...access, memberRole: admission.memberRole, resolveShare: linkAdmission.resolveShare, recordShareUse: async (link) => linkAdmission.countUse(link) },
      accounts,
      originPolicy,
    }),
    logger,
    minExtVersion: options.minExtVersion,
    registry,
    guard,
    observer: metrics.observer,
    limits,
    trustedProxies,
  });

  // A reconnect storm after a restart arrives all at once; the default accept backlog (511) drops
  // the SYNs beyond it, and each dropped client waits out TCP's retransmission backoff (1, 3, 7,
  // 15… s). The kernel caps the backlog at net.core.somaxconn (docs/operations.md).
  const server: ServerType = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => (server as HttpServer).listen({ port: options.port, host: options.host ?? '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
  sync.attach(server as HttpServer);
  const port = (server.address() as AddressInfo).port;
  listening.port = port;
  if (!publicUrl.value) publicUrl.value = `http://${hostForUrl(options.host ?? '127.0.0.1')}:${port}`;
  // Once the links can name this server.
  await admins.announcePending();
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
    rooms: rooms.rooms,
    committer,
    registry,
    builds: buildsContext,
    metrics,
    metricsPort: metricsServer?.port ?? null,
    app,
    trashSweep: trash.sweep,
    blobGc: files.blobGc,
    auditSweep: audit.sweep,
    async close() {
      await metricsServer?.close();
      // Stop accepting, then flush and publish what is pending before leaving the cluster, so
      // the other processes have every committed update.
      sync.stopAccepting();
      server.close();
      accessWiring.stop();
      await manager.closeAll(CloseCode.goingAway, SHUTDOWN_FLUSH_TIMEOUT_MS);
      // Rooms are flushed and closed: no hook runs any more. Features stop in reverse order.
      await shutDownFeatures(features, logger);
      await linkAdmission.close();
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
