/**
 * The operations surface: /metrics reports what an operator needs (only to whoever holds
 * METRICS_TOKEN, or on METRICS_PORT), names no configuration, requests carry ids, oversized bodies
 * are logged and counted, and abuse limits answer with 429 + Retry-After or a close code with a
 * reason.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ServerLimitDefaults as AbuseLimits } from '../server/settings.ts';
import { CloseCode, Limits } from '../shared/protocol.ts';
import { randomUUID } from 'node:crypto';
import { signUp } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, startTestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const METRICS_TOKEN = 'scrape-me-not-a-secret-in-tests';

describe('operations', () => {
  const logLines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { server, clients } = useTestServer({ metricsToken: METRICS_TOKEN, logger: pino({ level: 'info' }, sink) });

  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string, name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };

  it('exposes connections, rooms, updates, fan-out latency, commits and document figures', async () => {
    const id = await createConfig(server, { name: 'metrics' });
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 10; i++) a.doc.getMap('config').set('VENDOR', `v${i}`);
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('v9'));
    const text = await eventually(async () => {
      const t = await scrape();
      expect(value(t, 'boardroom_fanout_latency_seconds_count')).toBeGreaterThan(0);
      return t;
    });
    expect(value(text, 'boardroom_connections')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'boardroom_rooms_loaded')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'boardroom_updates_total')).toBeGreaterThanOrEqual(10);
    expect(value(text, 'boardroom_commit_batch_size_count')).toBeGreaterThan(0);
    expect(value(text, 'boardroom_document_bytes_max')).toBeGreaterThan(0);
    expect(value(text, 'boardroom_update_log_length_max')).toBeGreaterThanOrEqual(0);
    // No series names a configuration: whoever scrapes learns no config ids.
    expect(text).not.toContain(id);
    expect(text).not.toMatch(/config="/);
    expect(text).toContain('boardroom_unsaved_age_seconds 0');
    expect(text).toContain('boardroom_process_resident_memory_bytes');
  });

  it('counts refused messages by reason', async () => {
    const id = await createConfig(server, { name: 'rejects' });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`);
    await new Promise((r) => ws.once('open', r));
    ws.send(new Uint8Array([0, 9, 9, 9]));
    await new Promise((r) => ws.once('close', r));
    expect(await scrape()).toMatch(/boardroom_rejected_messages_total\{reason="malformed"\} [1-9]/);
  });

  it('refuses /metrics without the token, with a wrong one, and as a signed-in user', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${server.token}` }, { authorization: METRICS_TOKEN }]) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('logs and counts a 413, declared length or streamed', async () => {
    const before = value(await scrape(), 'boardroom_http_body_too_large_total') || 0;
    const big = 'x'.repeat(Limits.maxRequestBodyBytes + 1);
    const declared = await server.api('/api/configs', { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await server.api('/api/configs', { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    await eventually(async () => expect(value(await scrape(), 'boardroom_http_body_too_large_total')).toBe(before + 2));
    const lines = logLines.filter((l) => l.msg === 'request body too large');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatchObject({ method: 'POST', path: '/api/configs', limit: Limits.maxRequestBodyBytes });
    expect(logLines.some((l) => l.msg === 'request' && l.status === 413)).toBe(true);
  });

  it('echoes a request id', async () => {
    const res = await server.api('/api/auth/me', { headers: { 'x-request-id': 'trace-me-42' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-42');
  });

  it('closes a connection that floods messages, with a reason', async () => {
    const id = await createConfig(server, { name: 'flood' });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    // Query-awareness messages are cheap and valid: only the rate is wrong.
    for (let i = 0; i < AbuseLimits.messageBurst + 50; i++) ws.send(new Uint8Array([3]));
    expect(await closed).toEqual({ code: CloseCode.rateLimited.code, reason: CloseCode.rateLimited.reason });
  });

  it('answers 4404 alike for a missing configuration and one that is not yours', async () => {
    const stranger = await signUp(server.url, 'stranger');
    const existing = await createConfig(server, { name: 'private' });
    const closeOf = (id: string) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${stranger.token}`);
        ws.on('error', () => {});
        ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
      });
    const notYours = await closeOf(existing);
    const missing = await closeOf(randomUUID());
    expect(notYours).toEqual({ code: CloseCode.notFound.code, reason: CloseCode.notFound.reason });
    expect(missing).toEqual(notYours);
  });

  it('refuses connections past the per-user limit with a close code', async () => {
    const id = await createConfig(server, { name: 'many' });
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < AbuseLimits.connectionsPerUser; i++) {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`);
        await new Promise((r) => ws.once('open', r));
        open.push(ws);
      }
      const extra = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`);
      const code = await new Promise<number>((resolve) => extra.once('close', (c) => resolve(c)));
      expect(code).toBe(CloseCode.tooManyConnections.code);
    } finally {
      for (const ws of open) ws.close();
    }
  });
});

describe('metrics exposure', () => {
  it('a server with neither METRICS_TOKEN nor METRICS_PORT serves no metrics on its public port', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect(server.metricsPort).toBeNull();
    } finally {
      await server.cleanup();
    }
  });

  it('METRICS_PORT serves them on a listener of its own and not on the public port', async () => {
    const server = await startTestServer({ metricsPort: 0 });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('boardroom_connections');
      expect((await fetch(`http://127.0.0.1:${server.metricsPort}/api/configs`)).status).toBe(404);
    } finally {
      await server.cleanup();
    }
  });

  it('with both, the metrics port asks for the token too', async () => {
    const server = await startTestServer({ metricsPort: 0, metricsToken: METRICS_TOKEN });
    try {
      expect((await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).status).toBe(401);
      const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await server.cleanup();
    }
  });
});
