/**
 * Brotli and gzip copies of the client build, made once at build time (the `precompress` Vite
 * plugin in vite.config.ts) so the server only picks a file by the request's Accept-Encoding
 * (server/static-client.ts) and never compresses per request.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text formats worth compressing; images and fonts are compressed already. Source maps are
 * left alone: they are served only when a setting allows it, to developers. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
/** Below this a compressed copy saves less than the Content-Encoding header costs. */
export const MIN_COMPRESS_BYTES = 1024;

export interface PrecompressResult {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

/** Writes `<file>.br` and `<file>.gz` beside every compressible file of `dir`, when smaller. */
export function precompressDir(dir: string): PrecompressResult {
  const result: PrecompressResult = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  for (const file of [...walk(dir)]) {
    if (!COMPRESSIBLE.test(file)) continue;
    const raw = readFileSync(file);
    if (raw.length < MIN_COMPRESS_BYTES) continue;
    // Build time, once: the slowest, smallest settings of both.
    const br = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    const gz = gzipSync(raw, { level: 9 });
    result.files++;
    result.bytes += raw.length;
    if (br.length < raw.length) {
      writeFileSync(`${file}.br`, br);
      result.brotliBytes += br.length;
    }
    if (gz.length < raw.length) {
      writeFileSync(`${file}.gz`, gz);
      result.gzipBytes += gz.length;
    }
  }
  return result;
}
