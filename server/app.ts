/**
 * The HTTP surface: REST under /api, health, the sync endpoint and the built client. The app
 * itself holds what every request passes (limits, identity, cross-site guard), sign-in and the
 * layout; the rest of the API is the features' routes (server/features/feature.ts), mounted in
 * their declared order.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { AccessEvents } from './access/access-control.ts';
import type { FeatureRoutes } from './features/feature.ts';
import type { Accounts } from './auth/accounts.ts';
import type { AccessStore } from './auth/access-store.ts';
import type { InstanceAdmins } from './auth/instance-admins.ts';
import { actorUserId, refuseToken, resolveActor, type AppEnv } from './auth/actor.ts';
import type { TokenStore } from './tokens/token-store.ts';
import { tokenRoutes } from './tokens/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { githubAuthRoutes, type GithubSettings } from './auth/github-routes.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { randomBytes } from 'node:crypto';
import { runInRequest } from './request-context.ts';
import { addressKey, clientAddress, type TrustedProxies } from './request-trust/client-address.ts';
import { crossSiteGuard } from './request-trust/cross-site-guard.ts';
import type { OriginPolicy } from './request-trust/origin-policy.ts';
import type { ServerLimits } from './settings.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { PasswordHasher } from './auth/password-hasher.ts';
import type { AbuseGuard } from './abuse-limits.ts';
import type { Metrics } from './metrics.ts';
import { metricsAuthorized, type MetricsAccess } from './metrics-endpoint.ts';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { ApiError, errorBody, sendError } from './http-errors.ts';
import { RoomWriteRefused } from './sync/room.ts';
import { healthRoutes, type HealthChecks } from './health/routes.ts';
import type { Db } from './db/connect.ts';
import { layoutRoutes } from './layout/routes.ts';
import { mountClient } from './static-client.ts';
import { mountApiDescription } from './api-spec/routes.ts';
import { CONFIG_DOCUMENTS, documentNamed, type DocumentDeclaration } from '../shared/doc-layout.ts';

export interface AppDeps {
  logger: Logger;
  health: HealthChecks;
  db: Db;
  accounts: Accounts;
  /** Memberships (a token's configuration restriction names only configurations its owner reaches). */
  access: AccessStore;
  admins: InstanceAdmins;
  accessEvents: AccessEvents;
  /** Base URL people reach this server at (sign-in redirects are built from it). */
  publicUrl: () => string;
  secureCookies: boolean;
  github: GithubSettings | null;
  /** Every feature's routes in the features' declared order (server/features/feature.ts). */
  featureRoutes: readonly FeatureRoutes[];
  metrics: Metrics;
  guard: AbuseGuard;
  /** Who may read `/metrics` on this (public) port. */
  metricsAccess: MetricsAccess;
  /** Refreshes gauges that are read at scrape time (rooms, queue depth, build durations). */
  beforeScrape: () => Promise<void>;
  /** Folder of the built client (`dist/client`); not served when absent. */
  clientDir?: string;
  /** Serve the client's source maps (SERVE_SOURCE_MAPS); default not. */
  serveSourceMaps?: boolean;
  limits: ServerLimits;
  /** Proxies whose X-Forwarded-For is believed (`TRUST_PROXY`). */
  trustedProxies: TrustedProxies;
  /** Origins whose pages may use the session cookie (`PUBLIC_URL`, `ALLOWED_ORIGINS`). */
  originPolicy: OriginPolicy;
  loginThrottle: LoginThrottle;
  hasher: PasswordHasher;
  /** The documents a configuration may hold (default shared/doc-layout.ts `CONFIG_DOCUMENTS`). */
  documents?: readonly DocumentDeclaration[];
  /** Personal access tokens (server/tokens/): resolved for `/api/*`, managed at `/api/tokens`. */
  tokens: TokenStore;
}

/** Seconds a REST write refused for a full unsaved backlog is told to wait: commits drain a
 * backlog in well under a second once Postgres answers again. */
const UNSAVED_BACKLOG_RETRY_AFTER_S = 1;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof ApiError) return sendError(c, error);
    if (error instanceof RoomWriteRefused) {
      // The limits a client's update meets (Room.applyAs): too large is final, a full backlog
      // clears once Postgres has caught up.
      if (error.code === 'unsaved_backlog') c.header('retry-after', String(UNSAVED_BACKLOG_RETRY_AFTER_S));
      return sendError(c, new ApiError(error.code === 'document_too_large' ? 413 : 503, error.code, error.message));
    }
    deps.logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  // The caller's address, once, the same way for limits and logs (see request-trust/client-address.ts).
  app.use('/api/*', async (c, next) => {
    c.set('clientAddress', clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), deps.trustedProxies));
    await next();
  });
  // Request id and one log line per API request; the id is echoed so reports can cite it. Before
  // the body limit, so requests refused by a later middleware (413, 429) are logged and counted too.
  app.use('/api/*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || randomBytes(6).toString('base64url');
    const started = performance.now();
    c.header('x-request-id', requestId);
    await runInRequest({ reqId: requestId, route: `${c.req.method} ${c.req.path}`, address: c.get('clientAddress') }, next);
    deps.metrics.httpRequests.inc({ status: `${Math.floor(c.res.status / 100)}xx` });
    deps.logger.info({ reqId: requestId, method: c.req.method, path: c.req.path, status: c.res.status, addr: c.get('clientAddress'), ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.limits.maxRequestBodyBytes,
      onError: (c) => {
        // Worth a line of its own: a client sending bodies this big is misbehaving or misconfigured.
        deps.metrics.bodyTooLarge.inc();
        deps.logger.warn(
          { method: c.req.method, path: c.req.path, addr: c.get('clientAddress'), contentLength: c.req.header('content-length') ?? null, limit: deps.limits.maxRequestBodyBytes },
          'request body too large',
        );
        return c.json(errorBody('payload_too_large', `request body is larger than ${deps.limits.maxRequestBodyBytes} bytes`), 413);
      },
    }),
  );

  // Every API request and sync upgrade learns who is calling, once. Personal access tokens count
  // under /api only (the sync endpoint refuses them: security.md, "Personal access tokens").
  const identify: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set('actor', await resolveActor(c, deps.accounts));
    await next();
  };
  app.use('/api/*', async (c, next) => {
    try {
      c.set('actor', await resolveActor(c, deps.accounts, { store: deps.tokens, address: c.get('clientAddress') }));
    } catch (error) {
      // A refused token still counts against its address's rate, like any request (each costs
      // an index probe), and a flood of them is told to wait.
      const wait = deps.guard.request(null, addressKey(c.get('clientAddress')));
      if (wait > 0) {
        c.header('retry-after', String(wait));
        return c.json(errorBody('rate_limited', `too many requests; try again in ${wait} s`), 429);
      }
      throw error;
    }
    await next();
  });
  app.use('/sync/*', identify);
  app.use('/api/*', async (c, next) => {
    // A token counts against its owner's per-person limit, like the owner's own requests.
    const wait = deps.guard.request(actorUserId(c.get('actor')), addressKey(c.get('clientAddress')));
    if (wait > 0) {
      c.header('retry-after', String(wait));
      return c.json(errorBody('rate_limited', `too many requests; try again in ${wait} s`), 429);
    }
    await next();
  });
  app.use('/api/*', crossSiteGuard(deps.originPolicy));
  // Only with METRICS_TOKEN; otherwise indistinguishable from an unknown path (metrics-endpoint.ts).
  app.get('/metrics', async (c) => {
    if (!deps.metricsAccess.token) return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
    if (!metricsAuthorized(c.req.header('authorization'), deps.metricsAccess.token)) {
      c.header('www-authenticate', 'Bearer');
      return c.json(errorBody('unauthorized', 'metrics need the bearer token (METRICS_TOKEN)'), 401);
    }
    await deps.beforeScrape();
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });

  app.route('/health', healthRoutes(deps.health, deps.limits.readyCheckTimeoutMs));
  // Upgrades never get here (the sync endpoint takes them from the HTTP server); plain GETs do.
  app.get('/sync/:configId', (c) => c.json(errorBody('upgrade_required', 'this endpoint speaks WebSocket'), 426));
  // Another document of the configuration: a declared name speaks WebSocket too; any other name
  // is no document at all (the same refusal the upgrade gets, as a status).
  app.get('/sync/:configId/:docName', (c) =>
    documentNamed(c.req.param('docName'), deps.documents ?? CONFIG_DOCUMENTS)
      ? c.json(errorBody('upgrade_required', 'this endpoint speaks WebSocket'), 426)
      : c.json(errorBody('unknown_document', 'a configuration holds no document of that name'), 404),
  );
  app.route('/api/auth/github', githubAuthRoutes({ accounts: deps.accounts, settings: deps.github, publicUrl: deps.publicUrl, secureCookies: deps.secureCookies, timeoutMs: deps.limits.githubTimeoutMs }));
  app.route('/api/auth', authRoutes({ accounts: deps.accounts, providers: { github: !!deps.github }, secureCookies: deps.secureCookies, onSessionRevoked: (sessionId) => deps.accessEvents.invalidate({ sessionId }), throttle: deps.loginThrottle, hasher: deps.hasher, signupLimit: { perAddress: deps.limits.signupsPerAddress, windowMs: deps.limits.signupWindowMs }, admins: deps.admins }));
  app.route('/api/tokens', tokenRoutes({ tokens: deps.tokens, access: deps.access, settings: deps.limits }));
  for (const { at, routes } of deps.featureRoutes) app.route(at, routes);
  app.route(
    '/api/layout',
    layoutRoutes({
      db: deps.db,
      userIdOf: (c) => {
        refuseToken(c.get('actor'));
        return c.get('actor').session?.user.id ?? null;
      },
    }),
  );
  mountApiDescription(app);
  if (deps.clientDir) mountClient(app, deps.clientDir, { serveSourceMaps: deps.serveSourceMaps });
  return app;
}
