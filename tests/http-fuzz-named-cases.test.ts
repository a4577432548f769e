/**
 * Inputs that once answered 500, each named for what broke: a second percent-decode of a member
 * id, an e-mail address with a % in it, an empty PATCH body, a non-user id, a malformed session
 * cookie on the upgrade, and a GitHub sign-in state whose length differs in bytes and characters.
 */
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import { rawStatus } from './helpers/raw-http.ts';
import { useTestServer } from './helpers/rig.ts';

describe('named cases from the issue', () => {
  const { server } = useTestServer();

  it('DELETE …/members/%25E0%25A4%25A answers 404, not 500 (no second decode)', async () => {
    const id = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'm' }) })).json()) as { id: string };
    const res = await server.api(`/api/configs/${id.id}/members/%25E0%25A4%25A`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('an invitation to an address with a % in it can be withdrawn', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'pct' }) })).json()) as { id: string };
    const email = '100%real@example.test';
    expect((await server.api(`/api/configs/${id}/members`, { method: 'POST', body: JSON.stringify({ email, role: 'viewer' }) })).status).toBe(201);
    expect((await server.api(`/api/configs/${id}/members/${encodeURIComponent(email)}`, { method: 'DELETE' })).status).toBe(204);
    const left = (await (await server.api(`/api/configs/${id}/members`)).json()) as Array<{ email?: string }>;
    expect(left.some((m) => m.email === email)).toBe(false);
  });

  it('PATCH of a share link with an empty body answers the link unchanged, not 500', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'p' }) })).json()) as { id: string };
    const link = (await (await server.api(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer', label: 'keep' }) })).json()) as { id: string };
    const res = await server.api(`/api/configs/${id}/shares/${link.id}`, { method: 'PATCH', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: link.id, role: 'viewer', label: 'keep' });
  });

  it('PATCH …/members/:userId with an id that is not a user id answers 404, not 500', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'role' }) })).json()) as { id: string };
    for (const userId of ['null', 'someone%40example.test', '%E0%A4%A']) {
      const res = await server.api(`/api/configs/${id}/members/${userId}`, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) });
      expect({ userId, status: res.status }).toEqual({ userId, status: 404 });
    }
  });

  it('a session cookie with a malformed escape on the upgrade is no credential (4401), not a load failure', async () => {
    const { id } = (await (await server.api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'c' }) })).json()) as { id: string };
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}`, { headers: { cookie: 'br_session=%E0%A4%A' } });
    ws.on('error', () => {});
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(CloseCode.unauthorized.code);
  });
});

describe('GitHub sign-in callback with odd state', () => {
  // Nothing listens on port 9: a callback that got past the state check would answer 502, not hang.
  const { server } = useTestServer({ github: { clientId: 'id', clientSecret: 'secret', oauthBase: 'http://127.0.0.1:9', apiBase: 'http://127.0.0.1:9' } });

  it('a state of the same length in characters but not in bytes answers 400, not 500', async () => {
    const cases: Array<{ cookie: string; state: string }> = [
      { cookie: 'br_oauth_state=abcd', state: '%C3%BC%C3%BC%C3%BC%C3%BC' },
      { cookie: 'br_oauth_state=%C3%BC%C3%BC', state: 'ab' },
      { cookie: 'br_oauth_state=%ZZ', state: '%E0%A4%A' },
      { cookie: 'br_oauth_state=', state: '' },
    ];
    for (const { cookie, state } of cases) {
      const status = await rawStatus(server.port, { method: 'GET', target: `/api/auth/github/callback?state=${state}&code=x`, headers: { cookie } });
      expect({ cookie, state, status }).toEqual({ cookie, state, status: 400 });
    }
  });
});
