/**
 * The built client over HTTP as a browser gets it: the precompressed brotli or gzip copy its
 * Accept-Encoding allows (decoding to the same bytes), `Vary: Accept-Encoding`, hashed assets
 * cached as immutable and index.html revalidated, source maps 404 unless the setting allows them,
 * and nothing outside the client folder reachable.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_COMPRESS_BYTES, precompressDir } from '../scripts/precompress.ts';
import { acceptedQuality } from '../server/static-client.ts';
import { useTestServer } from './helpers/rig.ts';
import type { TestServer } from './helpers/server.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One GET with exactly the headers given (fetch would add and undo Accept-Encoding itself). */
function get(port: number, target: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const SCRIPT = `export const greeting = ${JSON.stringify('hello from the client bundle '.repeat(200))};\n`;
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-4f2a9c1d.js"></script></head><body>${'<!-- padding -->'.repeat(80)}</body></html>`;

describe('static client assets', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'boardroom-static-'));
  const outside = `${dir}-secret.txt`;
  // Registered before the rig, so the files go after both servers stopped.
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { force: true });
  });
  const rig = useTestServer(() => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets/index-4f2a9c1d.js'), SCRIPT);
    writeFileSync(path.join(dir, 'assets/index-4f2a9c1d.js.map'), JSON.stringify({ version: 3, sources: ['client/app/secret-source.tsx'] }));
    writeFileSync(path.join(dir, 'assets/tiny-0a1b2c3d.css'), 'body{margin:0}');
    writeFileSync(path.join(dir, 'favicon.svg'), `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(400)}</svg>`);
    writeFileSync(outside, 'not for the web');
    precompressDir(dir);
    return { clientDir: dir };
  });
  const { server: plain } = rig;
  let withMaps: TestServer;
  beforeAll(async () => {
    withMaps = await rig.startAnother({ serveSourceMaps: true });
  });

  it('writes brotli and gzip copies at build time, only for text worth compressing', () => {
    const assets = readdirSync(path.join(dir, 'assets')).sort();
    expect(assets).toContain('index-4f2a9c1d.js.br');
    expect(assets).toContain('index-4f2a9c1d.js.gz');
    // Below MIN_COMPRESS_BYTES, and source maps: no copies.
    expect(Buffer.byteLength('body{margin:0}')).toBeLessThan(MIN_COMPRESS_BYTES);
    expect(assets.filter((f) => f.startsWith('tiny-') || f.includes('.js.map'))).toEqual(['index-4f2a9c1d.js.map', 'tiny-0a1b2c3d.css']);
  });

  it('answers brotli to a browser that accepts it, gzip to one that only takes gzip, identity otherwise', async () => {
    const br = await get(plain.port, '/assets/index-4f2a9c1d.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.body.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);

    const gz = await get(plain.port, '/assets/index-4f2a9c1d.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);

    const refusedBr = await get(plain.port, '/assets/index-4f2a9c1d.js', { 'accept-encoding': 'br;q=0, gzip;q=0.5' });
    expect(refusedBr.headers['content-encoding']).toBe('gzip');

    const none = await get(plain.port, '/assets/index-4f2a9c1d.js');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.headers.vary).toMatch(/Accept-Encoding/i);
    expect(none.body.toString()).toBe(SCRIPT);
  });

  it('caches hashed assets as immutable and revalidates index.html and unhashed files', async () => {
    const asset = await get(plain.port, '/assets/index-4f2a9c1d.js', { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/c/some-config', '/login']) {
      const index = await get(plain.port, page, { 'accept-encoding': 'br' });
      expect(index.status, page).toBe(200);
      expect(index.headers['cache-control']).toBe('no-cache');
      expect(index.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(index.body).toString()).toBe(INDEX);
      expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const icon = await get(plain.port, '/favicon.svg', { 'accept-encoding': 'gzip' });
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect(icon.headers['content-encoding']).toBe('gzip');
  });

  it('does not serve source maps unless SERVE_SOURCE_MAPS allows them', async () => {
    const hidden = await get(plain.port, '/assets/index-4f2a9c1d.js.map');
    expect(hidden.status).toBe(404);
    expect(hidden.body.toString()).not.toContain('secret-source');
    const allowed = await get(withMaps.port, '/assets/index-4f2a9c1d.js.map');
    expect(allowed.status).toBe(200);
    expect(allowed.body.toString()).toContain('secret-source');
  });

  it('serves nothing outside the client folder and no compressed copy as a file of its own', async () => {
    for (const target of ['/../' + path.basename(outside), '/%2e%2e/' + path.basename(outside), '/assets/%2e%2e/%2e%2e/' + path.basename(outside), '/assets/index-4f2a9c1d.js.br', '/assets/%E0%A4%A']) {
      const res = await get(plain.port, target);
      expect(res.status, target).toBe(404);
      expect(res.body.toString()).not.toContain('not for the web');
    }
  });

  it('reads Accept-Encoding q-values and wildcards', () => {
    expect(acceptedQuality('gzip, br', 'br')).toBe(1);
    expect(acceptedQuality('br;q=0', 'br')).toBe(0);
    expect(acceptedQuality('*;q=0.3', 'br')).toBe(0.3);
    expect(acceptedQuality('identity', 'gzip')).toBe(0);
    expect(acceptedQuality(undefined, 'gzip')).toBe(0);
  });
});
