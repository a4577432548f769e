/**
 * "Sign in with GitHub" against a local stand-in for GitHub's OAuth and API endpoints: the
 * redirect carries a state that must come back, the callback creates (or links) the account and
 * starts a session; without configuration the route says it is disabled.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';

describe('GitHub sign-in', () => {
  let fake: http.Server;
  let fakeUrl: string;
  let server: TestServer;
  const seen: { tokenRequests: Array<Record<string, string>> } = { tokenRequests: [] };

  beforeAll(async () => {
    fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/login/oauth/access_token') {
          seen.tokenRequests.push(JSON.parse(body) as Record<string, string>);
          res.end(JSON.stringify({ access_token: 'gho_fake' }));
        } else if (req.url === '/user' && req.headers.authorization === 'Bearer gho_fake') {
          res.end(JSON.stringify({ id: 4242, login: 'octo', name: 'Octo Cat' }));
        } else if (req.url === '/user/emails') {
          res.end(JSON.stringify([{ email: 'octo@example.test', primary: true, verified: true }]));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    server = await startTestServer({ github: { clientId: 'cid', clientSecret: 'secret', oauthBase: fakeUrl, apiBase: fakeUrl } });
  });
  afterAll(async () => {
    await server.cleanup();
    fake.close();
  });

  it('redirects to GitHub with a state, and the callback signs the person in', async () => {
    const start = await fetch(`${server.url}/api/auth/github?next=${encodeURIComponent('/c/abc')}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${fakeUrl}/login/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe('cid');
    const state = location.searchParams.get('state')!;
    const stateCookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    // A callback whose state does not match is refused.
    const forged = await fetch(`${server.url}/api/auth/github/callback?code=abc&state=${'x'.repeat(state.length)}`, {
      headers: { cookie: stateCookie },
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);

    const done = await fetch(`${server.url}/api/auth/github/callback?code=abc&state=${state}`, { headers: { cookie: stateCookie }, redirect: 'manual' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/c/abc');
    expect(seen.tokenRequests.at(-1)).toMatchObject({ client_id: 'cid', client_secret: 'secret', code: 'abc' });
    const session = (done.headers.getSetCookie?.() ?? [done.headers.get('set-cookie') ?? '']).find((c) => c.startsWith('br_session='))!;
    const me = (await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie: session.split(';')[0] } })).json()) as { user: { email: string; name: string } };
    expect(me.user).toMatchObject({ email: 'octo@example.test', name: 'Octo Cat' });
  });

  it('tells the sign-in page which providers exist, and refuses open redirects', async () => {
    expect(await (await fetch(`${server.url}/api/auth/providers`)).json()).toEqual({ github: true });
    const { safeNext } = await import('../server/routes/github-auth.ts');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/c/123')).toBe('/c/123');
  });

  it('says it is disabled when not configured', async () => {
    const plain = await startTestServer();
    try {
      const res = await fetch(`${plain.url}/api/auth/github`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('github_disabled');
    } finally {
      await plain.cleanup();
    }
  });
});
