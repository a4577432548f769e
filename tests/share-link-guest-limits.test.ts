/**
 * Guests on a share link are limited like people: per (link, address) for connections and
 * messages, and per link overall, so a flood of guest sockets from one address cannot lock the
 * owner out and one leaked link cannot take every socket of a process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '../shared/protocol.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';

interface Opened {
  ws: WebSocket;
  /** Resolves 'open' once the server talks (the connection was admitted), or the close code. */
  outcome: Promise<'open' | number>;
}

function openSocket(server: TestServer, configId: string, query: string, forwardedFor?: string): Opened {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${configId}?${query}`, {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  const outcome = new Promise<'open' | number>((resolve) => {
    ws.once('message', () => resolve('open'));
    ws.once('close', (code) => resolve(code));
    ws.on('error', () => {});
  });
  return { ws, outcome };
}

async function link(server: TestServer, configId: string): Promise<string> {
  const res = await server.api(`/api/configs/${configId}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

const servers: TestServer[] = [];
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const s of servers) await s.cleanup();
});

describe('guests on a share link', () => {
  it('200 guest sockets from one address do not lock the owner out (default limits)', async () => {
    const server = await startTestServer();
    servers.push(server);
    const id = await createConfig(server, { name: 'flooded' });
    const token = await link(server, id);
    const guests = Array.from({ length: 200 }, () => openSocket(server, id, `share=${token}`));
    sockets.push(...guests.map((g) => g.ws));
    const outcomes = await Promise.all(guests.map((g) => g.outcome));
    expect(outcomes.filter((o) => o === 'open').length).toBe(50);
    expect(new Set(outcomes.filter((o) => o !== 'open'))).toEqual(new Set([CloseCode.tooManyConnections.code]));
    const owner = openSocket(server, id, `token=${server.token}`);
    sockets.push(owner.ws);
    expect(await owner.outcome).toBe('open');
  }, 120_000);

  it('counts connections per (link, address) and per link', async () => {
    const server = await startTestServer({ trustProxy: ['127.0.0.1', '::1'], limits: { connectionsPerUser: 3, connectionsPerLink: 5 } });
    servers.push(server);
    const id = await createConfig(server, { name: 'busy link' });
    const token = await link(server, id);
    const open = async (query: string, from: string) => {
      const s = openSocket(server, id, query, from);
      sockets.push(s.ws);
      return s.outcome;
    };
    for (let i = 0; i < 3; i++) expect(await open(`share=${token}`, '198.51.100.1')).toBe('open');
    expect(await open(`share=${token}`, '198.51.100.1')).toBe(CloseCode.tooManyConnections.code);
    // Same address, but the owner is another person.
    expect(await open(`token=${server.token}`, '198.51.100.1')).toBe('open');
    expect(await open(`share=${token}`, '198.51.100.2')).toBe('open');
    expect(await open(`share=${token}`, '198.51.100.3')).toBe('open');
    // Five through this link: a sixth guest from anywhere waits.
    expect(await open(`share=${token}`, '198.51.100.4')).toBe(CloseCode.linkBusy.code);
    // Another link to the same configuration has its own allowance.
    expect(await open(`share=${await link(server, id)}`, '198.51.100.4')).toBe('open');
  });

  it('shares one message allowance between all guests of a link', async () => {
    const server = await startTestServer({ trustProxy: ['127.0.0.1', '::1'], limits: { linkMessagesPerSecond: 1, linkMessageBurst: 20 } });
    servers.push(server);
    const id = await createConfig(server, { name: 'chatty link' });
    const token = await link(server, id);
    const a = openSocket(server, id, `share=${token}`, '198.51.100.1');
    const b = openSocket(server, id, `share=${token}`, '198.51.100.2');
    sockets.push(a.ws, b.ws);
    expect(await a.outcome).toBe('open');
    expect(await b.outcome).toBe('open');
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', resolve));
    const closes = Promise.race([closed(a.ws), closed(b.ws)]);
    // Fifteen awareness queries each: within one guest's own allowance, past the link's.
    for (let i = 0; i < 15; i++) {
      a.ws.send(new Uint8Array([3]));
      b.ws.send(new Uint8Array([3]));
    }
    expect(await closes).toBe(CloseCode.rateLimited.code);
  });
});
