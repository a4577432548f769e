/**
 * The browser app's own REST client passes the cross-site guard with the session cookie: every
 * call that changes something says `Content-Type: application/json`, bodiless DELETEs and POSTs
 * included, and a .conf import travels inside JSON. Run against a real server; the fetch wrapper
 * only does what the browser does for a page on the server's origin (attach the cookie and
 * `Origin`) and records what the client itself sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../client/app/api.ts';
import { signUp } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';

describe("the app's API client with the session cookie", () => {
  const { server } = useTestServer();
  const sent: Array<{ method: string; path: string; contentType: string | null }> = [];
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    const cookie = `br_session=${server.token}`;
    globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      sent.push({ method: init.method ?? 'GET', path: new URL(String(input)).pathname, contentType: headers.get('content-type') });
      headers.set('cookie', cookie);
      headers.set('origin', server.url);
      return realFetch(input, { ...init, headers });
    }) as typeof fetch;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
  });

  it('sends JSON on every mutating call, and the server accepts each one', async () => {
    const api = createApi(server.url);
    const config = await api.createConfig('from the app');
    await api.renameConfig(config.id, 'renamed in the app');
    const imported = await api.importConfig('config-rock5b.conf', 'BOARD="rock-5b"\nBRANCH="current"\nRELEASE="noble"\n');
    expect((await api.getConfig(imported.id)).data.BOARD).toBe('rock-5b');
    const link = await api.access.createShare(config.id, { role: 'viewer', kind: 'live' });
    await api.access.revokeShare(config.id, link.id);
    const friend = await signUp(server.url, 'Friend');
    const invitation = await api.access.invite(config.id, friend.user.email, 'viewer');
    // The friend opens the link in their own browser (their own session; a bearer token here).
    const accepted = await realFetch(`${server.url}/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${friend.token}` },
      body: JSON.stringify({ token: new URL(invitation.url!).pathname.slice(3) }),
    });
    expect(accepted.status).toBe(200);
    await api.access.removeMember(config.id, friend.user.id);
    const pending = await api.access.invite(config.id, 'someone@example.test', 'viewer');
    await api.access.revokeInvitation(config.id, pending.id);
    await api.history.saveVersion(config.id, 'v1');
    await api.review.comment(config.id, { body: 'looks good' });
    await api.putLayout({ panels: [] });
    await api.logout();
    const mutating = sent.filter((r) => r.method !== 'GET');
    expect(mutating.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'PATCH', 'PUT', 'DELETE']));
    expect(mutating.filter((r) => r.contentType !== 'application/json')).toEqual([]);
    expect((await realFetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(401);
  });
});
