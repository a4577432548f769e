/**
 * Serves the built client (`dist/client`) with a strict Content-Security-Policy; app routes
 * (`/`, `/c/:configId`, `/s/:token`, `/i/:token`) answer with index.html so deep links reload correctly.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from './auth/actor.ts';

/** No eval anywhere (ajv runs as standalone code): scripts only from ourselves. Inline styles are
 * allowed because golden-layout and the editors position elements with style attributes. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

/** Hashed asset file names never change content: cache them for a year. */
const ASSET_MAX_AGE_S = 31_536_000;

export function mountClient(app: Hono<AppEnv>, clientDir: string): boolean {
  const indexPath = path.join(clientDir, 'index.html');
  if (!existsSync(indexPath)) return false;
  const root = path.relative(process.cwd(), clientDir) || '.';
  const index = () => readFileSync(indexPath, 'utf8');

  app.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/api/') && !c.req.path.startsWith('/sync/')) {
      c.header('content-security-policy', CONTENT_SECURITY_POLICY);
      c.header('x-content-type-options', 'nosniff');
    }
  });
  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header('cache-control', `public, max-age=${ASSET_MAX_AGE_S}, immutable`);
      },
    }),
  );
  for (const route of ['/', '/c/:configId', '/s/:token', '/i/:token', '/login', '/signup']) {
    app.get(route, (c) => {
      c.header('cache-control', 'no-cache');
      return c.html(index());
    });
  }
  app.use('/*', serveStatic({ root }));
  return true;
}
