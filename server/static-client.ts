/**
 * Serves the built client (`dist/client`) with a strict Content-Security-Policy; app routes
 * (`/`, `/c/:configId`, `/s/:token`, `/i/:token`, `/oi/:token`, `/account`, `/orgs/:orgId`) answer with index.html so deep links reload correctly.
 *
 * The build writes brotli and gzip copies beside every text file (scripts/precompress.ts); a
 * request gets the best one its Accept-Encoding allows, and nothing is compressed per request.
 * Hashed assets (`/assets/*`) never change content and are cached as immutable; index.html and
 * unhashed files are revalidated. Source maps (4 MB of the original sources) are not served
 * unless `serveSourceMaps` says so (SERVE_SOURCE_MAPS, docs/operations.md).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
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
const HASHED_ASSET_CACHE = `public, max-age=${ASSET_MAX_AGE_S}, immutable`;
/** index.html and unhashed files: always ask, so a deploy is picked up by the next load. */
const REVALIDATE = 'no-cache';

/** Precompressed copies in order of preference (smallest first). */
const ENCODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;

export interface ClientOptions {
  /** Serve `*.map` files (developers debugging production); default: 404. */
  serveSourceMaps?: boolean;
}

/** The q-value the Accept-Encoding header gives `coding` (RFC 9110 §12.5.3; `*` covers the rest). */
export function acceptedQuality(header: string | undefined, coding: string): number {
  if (!header) return 0;
  let wildcard = 0;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q ? Number(q.slice(2)) : 1;
    const value = Number.isFinite(quality) ? quality : 0;
    if (name.trim() === coding) return value;
    if (name.trim() === '*') wildcard = value;
  }
  return wildcard;
}

function fileStat(file: string) {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

/** Sends `file` (or its best precompressed copy) with `cacheControl`; null when there is no file. */
function sendFile(c: Context<AppEnv>, file: string, cacheControl: string): Response | null {
  const stat = fileStat(file);
  if (!stat) return null;
  let served = file;
  let size = stat.size;
  const variants = ENCODINGS.map((e) => ({ ...e, stat: fileStat(file + e.suffix) })).filter((e) => e.stat);
  if (variants.length > 0) {
    // Caches must keep one copy per encoding, whichever this request gets.
    c.header('vary', 'Accept-Encoding');
    const accept = c.req.header('accept-encoding');
    const best = variants.find((v) => acceptedQuality(accept, v.coding) > 0);
    if (best) {
      c.header('content-encoding', best.coding);
      served = file + best.suffix;
      size = best.stat!.size;
    }
  }
  c.header('content-type', getMimeType(file) ?? 'application/octet-stream');
  c.header('content-length', String(size));
  c.header('cache-control', cacheControl);
  if (c.req.method === 'HEAD') return c.body(null, 200);
  return c.body(Readable.toWeb(createReadStream(served)) as ReadableStream, 200);
}

/** The file a request path names inside `root`, or null for anything that could leave it. */
function fileFor(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || /(?:^|[/\\])\.\.?(?:[/\\]|$)/.test(decoded)) return null;
  const file = path.resolve(root, `.${decoded}`);
  return file.startsWith(root + path.sep) ? file : null;
}

export function mountClient(app: Hono<AppEnv>, clientDir: string, options: ClientOptions = {}): boolean {
  const root = path.resolve(clientDir);
  const indexPath = path.join(root, 'index.html');
  if (!existsSync(indexPath)) return false;

  app.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/api/') && !c.req.path.startsWith('/sync/')) {
      c.header('content-security-policy', CONTENT_SECURITY_POLICY);
      c.header('x-content-type-options', 'nosniff');
    }
  });
  for (const route of ['/', '/c/:configId', '/s/:token', '/i/:token', '/oi/:token', '/login', '/signup', '/account', '/orgs/:orgId']) {
    app.get(route, (c) => sendFile(c, indexPath, REVALIDATE) ?? c.notFound());
  }
  app.on(['GET', 'HEAD'], '/*', async (c, next) => {
    const file = fileFor(root, c.req.path);
    // The compressed copies are an encoding of their file, not resources of their own.
    if (!file || /\.(?:br|gz)$/.test(file)) return next();
    if (file.endsWith('.map') && !options.serveSourceMaps) return next();
    const hashed = c.req.path.startsWith('/assets/');
    return sendFile(c, file, hashed ? HASHED_ASSET_CACHE : REVALIDATE) ?? next();
  });
  return true;
}
