/**
 * Cross-site requests over the wire: a write signed in with the session cookie must come from an
 * allowed origin and say application/json; a WebSocket upgrade with the cookie must come from an
 * allowed origin. Bearer and share-token clients without an Origin (scripts, the stock provider
 * in Node) keep working. What browsers actually do is in tests/browser/cross-site.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '../shared/protocol.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';

const FRIENDLY = 'https://boardroom-docs.example';

describe('cross-site requests', () => {
  const { server, clients } = useTestServer({ allowedOrigins: [FRIENDLY] });
  let cookie: string;
  let configId: string;
  beforeAll(async () => {
    cookie = `br_session=${server.token}`;
    configId = await createConfig(server, { name: 'target' });
  });

  const rename = (headers: Record<string, string>, name: string, body?: string) =>
    fetch(`${server.url}/api/configs/${configId}`, { method: 'PATCH', headers: { cookie, ...headers }, body: body ?? JSON.stringify({ name }) });
  const currentName = async () => ((await (await server.api(`/api/configs/${configId}`)).json()) as { name: string }).name;
  const comments = async () => ((await (await server.api(`/api/configs/${configId}/comments`)).json()) as unknown[]).length;

  it('refuses cookie writes from another origin, another site, or nowhere, and changes nothing', async () => {
    const attacker = server.url.replace(/:\d+$/, ':1'); // same host, another port: same site, cookie sent
    const refused: Array<Record<string, string>> = [
      { origin: attacker, 'content-type': 'application/json' },
      { origin: 'null', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { referer: `${attacker}/evil.html`, 'content-type': 'application/json' },
      { 'content-type': 'application/json' }, // no Origin, Sec-Fetch-Site or Referer at all
    ];
    for (const headers of refused) {
      const res = await rename(headers, 'pwned');
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cross_origin');
    }
    const post = await fetch(`${server.url}/api/configs/${configId}/comments`, {
      method: 'POST',
      headers: { cookie, origin: attacker, 'content-type': 'text/plain' },
      body: JSON.stringify({ body: 'pwned', anchor: { path: '/BOARD' } }),
    });
    expect(post.status).toBe(403);
    expect(await currentName()).toBe('target');
    expect(await comments()).toBe(0);
  });

  it('accepts cookie writes from its own origin, ALLOWED_ORIGINS, same-origin fetch metadata or referer', async () => {
    const accepted: Array<Record<string, string>> = [
      { origin: server.url },
      { origin: FRIENDLY },
      { 'sec-fetch-site': 'same-origin' },
      { referer: `${server.url}/c/${configId}` },
    ];
    for (const [i, headers] of accepted.entries()) {
      const res = await rename({ ...headers, 'content-type': 'application/json' }, `renamed ${i}`);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(await currentName()).toBe(`renamed ${i}`);
    }
  });

  it('refuses a same-origin cookie write that is not application/json with 415, body or not', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const res = await rename({ origin: server.url, ...(type ? { 'content-type': type } : {}) }, 'by form');
      expect(res.status, String(type)).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    }
    const bodiless = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: server.url } });
    expect(bodiless.status).toBe(415);
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    expect(await currentName()).not.toBe('by form');
  });

  it('never reads a body that is not declared JSON as JSON, whoever sends it', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await fetch(`${server.url}/api/configs/${configId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': type },
        body: JSON.stringify({ name: 'smuggled' }),
      });
      expect(res.status).toBe(415);
    }
    // Signing in is no exception: a cross-site text/plain post must not sign a browser in.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: server.owner.user.email, password: 'correct horse battery' }),
    });
    expect(login.status).toBe(415);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await currentName()).not.toBe('smuggled');
  });

  it('keeps bearer-token scripts working without Origin, including .conf import as text/plain', async () => {
    const res = await fetch(`${server.url}/api/configs/import?name=scripted`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'text/plain' },
      body: 'BOARD="rock-5b"\nBRANCH="current"\nRELEASE="noble"\n',
    });
    expect(res.status).toBe(201);
    // A bodiless bearer call needs no content type.
    const made = await createConfig(server, { name: 'to delete' });
    expect((await fetch(`${server.url}/api/configs/${made}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } })).status).toBe(204);
  });

  it('imports a .conf file sent inside JSON (what the app sends) and refuses raw text/plain with the cookie', async () => {
    const conf = 'BOARD="rock-5b"\nBRANCH="current"\nRELEASE="noble"\n';
    const viaJson = await fetch(`${server.url}/api/configs/import`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from app', conf }),
    });
    expect(viaJson.status).toBe(201);
    const id = ((await viaJson.json()) as { id: string }).id;
    expect(((await (await server.api(`/api/configs/${id}`)).json()) as { data: { BOARD: string } }).data.BOARD).toBe('rock-5b');
    const raw = await fetch(`${server.url}/api/configs/import?name=raw`, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'text/plain' }, body: conf });
    expect(raw.status).toBe(415);
    const odd = await fetch(`${server.url}/api/configs/import`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: conf });
    expect(odd.status).toBe(415);
  });

  const openSocket = (options: { origin?: string; cookie?: string; query?: string }) =>
    new Promise<{ code: number; gotData: boolean }>((resolve) => {
      const headers: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${configId}${options.query ?? ''}`, { headers, origin: options.origin });
      let gotData = false;
      ws.on('message', () => {
        gotData = true;
        ws.close(1000);
      });
      ws.on('close', (code) => resolve({ code, gotData }));
      ws.on('error', () => {});
    });

  it('refuses a WebSocket with the cookie from another origin before sending a byte of the document', async () => {
    const attacker = server.url.replace(/:\d+$/, ':1');
    const refused = await openSocket({ origin: attacker, cookie });
    expect(refused).toEqual({ code: CloseCode.crossOrigin.code, gotData: false });
    expect(await openSocket({ origin: 'null', cookie })).toEqual({ code: CloseCode.crossOrigin.code, gotData: false });
    expect((await openSocket({ origin: server.url, cookie })).gotData).toBe(true);
    expect((await openSocket({ origin: FRIENDLY, cookie })).gotData).toBe(true);
  });

  it('lets token and share-link sockets in without an Origin: the stock provider in Node', async () => {
    const owner = connectClient(server, configId);
    clients.push(owner);
    await synced(owner);
    const link = (await (await server.api(`/api/configs/${configId}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer' }) })).json()) as { token: string };
    const guest = connectClient(server.url, configId, { share: link.token });
    clients.push(guest);
    await synced(guest);
  });
});
