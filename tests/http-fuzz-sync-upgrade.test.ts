/**
 * Nothing sent to the sync endpoint takes the server down: the upgrade path with bad escapes and
 * odd headers answers below 500, garbage WebSocket frames get a close code the protocol defines,
 * and the real entry point (`server/main.ts`) keeps running after a bad upgrade path.
 */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import { BAD_SEGMENTS } from './helpers/fuzz-inputs.ts';
import { startChildServer } from './helpers/child-server.ts';
import { startFuzzServer, type FuzzServer } from './helpers/fuzz-server.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { rawResponse, rawStatus, UPGRADE_HEADERS } from './helpers/raw-http.ts';

describe('sync upgrade and WebSocket fuzz', () => {
  let fuzz: FuzzServer;
  beforeAll(async () => {
    fuzz = await startFuzzServer('sync');
  });
  afterAll(() => fuzz?.cleanup());

  it('the sync upgrade path with bad escapes and odd headers', async () => {
    const { server, world, send, serverErrors } = fuzz;
    const id = world.configId;
    const targets = [
      ...BAD_SEGMENTS.map((s) => `/sync/${s}`),
      '/sync/',
      '/sync',
      `/sync/${id}/extra`,
      `/sync/${id}?token=%ZZ&share=%E0%A4%A&name=%ZZ&ext=%`,
      `/sync/${id}?name=${'%F0'.repeat(500)}`,
      '/api/configs',
      '/nothing/here',
      '//sync//x',
      'http://[::1/sync/x',
      '*',
    ];
    for (const target of targets) {
      for (const headers of [UPGRADE_HEADERS, { ...UPGRADE_HEADERS, cookie: 'br_session=%ZZ' }]) await send({ method: 'GET', target, headers }, {});
    }
    const odd: Array<Record<string, string>> = [
      { ...UPGRADE_HEADERS, 'sec-websocket-key': '' },
      { ...UPGRADE_HEADERS, 'sec-websocket-version': '99' },
      { ...UPGRADE_HEADERS, upgrade: 'h2c' },
      { ...UPGRADE_HEADERS, 'sec-websocket-protocol': '%ZZ, ,,' },
      { ...UPGRADE_HEADERS, 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits=%ZZ' },
      { ...UPGRADE_HEADERS, authorization: 'Bearer %ZZ' },
      { ...UPGRADE_HEADERS, cookie: `br_session=${'%'.repeat(4000)}` },
      { ...UPGRADE_HEADERS, 'x-share-token': '%E0%A4%A' },
      { ...UPGRADE_HEADERS, 'x-pad': 'x'.repeat(20_000) },
      { ...UPGRADE_HEADERS, origin: 'http://%ZZ' },
      { ...UPGRADE_HEADERS, origin: 'null' },
      { ...UPGRADE_HEADERS, origin: 'http://[::1' },
      { ...UPGRADE_HEADERS, 'x-forwarded-for': '%ZZ, 999.999.999.999, [::1' },
    ];
    for (const headers of odd) {
      await send({ method: 'GET', target: `/sync/${id}`, headers }, {});
      await send({ method: 'GET', target: `/sync/${id}`, headers: { ...headers, authorization: `Bearer ${server.token}` } }, {});
    }
    expect(serverErrors()).toEqual([]);
  });

  it('garbage WebSocket frames get a close code, never a crash', async () => {
    const { server, world } = fuzz;
    const frames: Array<{ data: Buffer | string; binary: boolean }> = [
      { data: 'not binary', binary: false },
      { data: Buffer.from([0x80]), binary: true },
      { data: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), binary: true },
      { data: Buffer.from([42]), binary: true },
      { data: Buffer.from([0, 9, 9, 9]), binary: true },
      { data: Buffer.from([0, 2, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), binary: true },
      { data: Buffer.from([1, 5, 1, 2, 3]), binary: true },
    ];
    const known = new Set<number>(Object.values(CloseCode).map((c) => c.code));
    for (const frame of frames) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${world.configId}?token=${server.token}`);
      ws.on('error', () => {});
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(frame.data, { binary: frame.binary });
      const code = await closed;
      expect({ frame: frame.data.toString('hex'), known: known.has(code) }).toEqual({ frame: frame.data.toString('hex'), known: true });
    }
  });

  it('the server is still up, and no promise was left to reject unhandled', async () => {
    await fuzz.finalCheck('http-fuzz-sync-upgrade');
  });
});

describe('the real entry point', () => {
  it('GET /sync/%ZZ with upgrade headers leaves `server/main.ts` running', async () => {
    const db = await createTestDatabase('fuzzentry', { migrated: true });
    const child = await startChildServer({ DATABASE_URL: db.url, METRICS_TOKEN: 'entry-test-token' });
    let exitCode: number | null | 'running' = 'running';
    void child.exited.then((code) => (exitCode = code));
    try {
      expect(await rawStatus(child.port, { method: 'GET', target: '/sync/%ZZ', headers: UPGRADE_HEADERS })).toBe(400);
      // The refusal speaks the REST error shape.
      const refused = await rawResponse(child.port, { method: 'GET', target: '/sync/%E0%A4%A', headers: UPGRADE_HEADERS });
      expect(refused.status).toBe(400);
      expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('bad_request');
      // Give a crash its chance to happen, then ask: the process must still answer.
      const health = await fetch(`${child.url}/health`);
      expect(health.status).toBe(200);
      expect(exitCode).toBe('running');
      // The entry file's metrics are the server's: process-level errors are counted where they are scraped.
      expect((await fetch(`${child.url}/metrics`)).status).toBe(401);
      const metrics = await (await fetch(`${child.url}/metrics`, { headers: { authorization: 'Bearer entry-test-token' } })).text();
      expect(metrics).toContain('# TYPE boardroom_process_errors_total counter');
      expect(metrics).toMatch(/boardroom_rejected_messages_total\{reason="badPath"\} 2/);
    } finally {
      child.child.kill('SIGKILL');
      await child.exited;
      await db.drop();
    }
  });
});
