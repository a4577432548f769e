/**
 * Who may read `/metrics`. Metrics describe the whole process (connections, rooms, queue depth,
 * error rates), which is nobody's business on the public port, so:
 *
 * - `METRICS_TOKEN` set: `/metrics` on the public port answers only `Authorization: Bearer <token>`
 *   (401 otherwise); a separate metrics port, if any, asks for it too.
 * - `METRICS_PORT` set: a second listener (on `METRICS_HOST`) serves `GET /metrics`, meant for a
 *   network only the scraper reaches.
 * - Neither (a fresh `npm start`): the public port answers 404 as for any unknown path, and no
 *   metrics are served at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';

export interface MetricsAccess {
  /** Bearer token a scraper must present; null: no token. */
  token: string | null;
}

export interface Scrape {
  contentType: string;
  body(): Promise<string>;
}

/** Constant-time comparison of an `Authorization` header with the configured token (both are
 * hashed first so their lengths never leak either). */
export function metricsAuthorized(authorization: string | undefined, token: string | null): boolean {
  if (!token) return false;
  const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}

/** The separate metrics listener (`METRICS_PORT`). */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  token: string | null;
  scrape: Scrape;
  logger: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'only GET /metrics here' } }));
      return;
    }
    if (options.token && !metricsAuthorized(req.headers.authorization, options.token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'metrics need the bearer token (METRICS_TOKEN)' } }));
      return;
    }
    options.scrape.body().then(
      (body) => res.writeHead(200, { 'content-type': options.scrape.contentType }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: 'scrape failed' } }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port, host: options.host }, 'metrics listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
