/**
 * The built client's static files under odd paths: malformed escapes and traversal answer 4xx or
 * the shell, never a 5xx and never a file outside the client directory.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawStatus } from './helpers/raw-http.ts';
import { useTestServer } from './helpers/rig.ts';

describe('the built client under odd paths', () => {
  let dir: string | undefined;
  // Registered before the rig, so the folder goes after the server stopped.
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const { server } = useTestServer(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fuzz-client-'));
    await mkdir(path.join(dir, 'client', 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'client', 'index.html'), '<!doctype html><title>shell</title>');
    await writeFile(path.join(dir, 'client', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-THE-CLIENT');
    return { clientDir: path.join(dir, 'client') };
  });

  it('static files: malformed escapes and traversal answer 4xx or the shell, never a file outside the client', async () => {
    const targets = [
      '/%ZZ',
      '/assets/%ZZ',
      '/assets/%E0%A4%A',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/%00app.js',
      '/c/%ZZ',
      '/s/%E0%A4%A',
      `/assets/${'a'.repeat(5000)}.js`,
    ];
    for (const target of targets) {
      const status = await rawStatus(server.port, { method: 'GET', target });
      expect({ target, ok: status > 0 && status < 500 }).toEqual({ target, ok: true });
    }
    for (const target of targets) {
      const res = await fetch(`${server.url}${target}`).catch(() => null);
      if (res) expect({ target, leaked: (await res.text()).includes('TOP-SECRET') }).toEqual({ target, leaked: false });
    }
  });
});
