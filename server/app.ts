/**
 * The HTTP surface: REST under /api, health, the sync endpoint and the built client.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { Limits } from '../shared/protocol.ts';
import { ApiError, errorBody, sendError } from './http-errors.ts';
import type { ConfigHooks } from './routes/config-hooks.ts';
import { configDataRoutes, schemaRoute } from './routes/config-data.ts';
import { configRoutes } from './routes/configs.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import type { Db } from './db/connect.ts';
import { layoutRoutes, type UserIdOf } from './routes/layout.ts';
import { mountClient } from './static-client.ts';
import type { DocStorage } from './storage/types.ts';
import type { RoomManager } from './sync/room-manager.ts';

export interface AppDeps {
  storage: DocStorage;
  manager: RoomManager;
  logger: Logger;
  configHooks: ConfigHooks;
  readiness: Record<string, ReadinessCheck>;
  db: Db;
  userIdOf: UserIdOf;
  /** Folder of the built client (`dist/client`); not served when absent. */
  clientDir?: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ApiError) return sendError(c, error);
    deps.logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: Limits.maxRequestBodyBytes,
      onError: (c) =>
        c.json(errorBody('payload_too_large', `request body is larger than ${Limits.maxRequestBodyBytes} bytes`), 413),
    }),
  );

  app.route('/health', healthRoutes(deps.readiness));
  app.route('/api/schema', schemaRoute());
  // Data routes first: `/import` must not be taken for a config id.
  app.route('/api/configs', configDataRoutes({ ...deps, hooks: deps.configHooks }));
  app.route('/api/configs', configRoutes({ ...deps, hooks: deps.configHooks }));
  app.route('/api/layout', layoutRoutes(deps));
  if (deps.clientDir) mountClient(app, deps.clientDir);
  return app;
}
