/**
 * The operations surface: /metrics reports what an operator needs, requests carry ids, and abuse
 * limits answer with 429 + Retry-After or a close code with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ServerLimitDefaults as AbuseLimits } from '../server/settings.ts';
import { CloseCode } from '../shared/protocol.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

describe('operations', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.cleanup();
  });

  const scrape = async () => (await (await fetch(`${server.url}/metrics`)).text());
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
    await eventually(() => expect(b.doc.getMap('config').get('VENDOR')).toBe('v9'));
    const text = await eventually(async () => {
      const t = await scrape();
      expect(value(t, 'boardroom_fanout_latency_seconds_count')).toBeGreaterThan(0);
      return t;
    });
    expect(value(text, 'boardroom_connections')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'boardroom_rooms_loaded')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'boardroom_updates_total')).toBeGreaterThanOrEqual(10);
    expect(value(text, 'boardroom_commit_batch_size_count')).toBeGreaterThan(0);
    expect(text).toContain(`boardroom_document_bytes{config="${id}"}`);
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
