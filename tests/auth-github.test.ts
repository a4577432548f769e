/**
 * "Sign in with GitHub" against a local stand-in for GitHub's OAuth and API endpoints: the
 * redirect carries a state that must come back, the callback creates the account and starts a
 * session; without configuration the route says it is disabled. A GitHub identity never takes
 * over an account by its email (pre-registering someone's address gains nothing): linking is an
 * explicit act of a signed-in session, bound to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { authed, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { startTestServer } from './helpers/server.ts';

/** GitHub identities of the stand-in, chosen by the OAuth `code` the callback gets. */
const PEOPLE: Record<string, { id: number; login: string; name: string; email: string }> = {
  abc: { id: 4242, login: 'octo', name: 'Octo Cat', email: 'octo@example.test' },
  victim: { id: 5151, login: 'vic', name: 'Victoria', email: 'victoria@example.test' },
  linker: { id: 6161, login: 'lin', name: 'Lin', email: 'lin.github@example.test' },
};

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => !c.endsWith('='))
    .join('; ');

describe('GitHub sign-in', () => {
  let fake: http.Server | undefined;
  let fakeUrl: string;
  const seen: { tokenRequests: Array<Record<string, string>> } = { tokenRequests: [] };
  // Registered before the rig, so the fake GitHub goes after the server stopped.
  afterAll(() => {
    fake?.close();
  });

  // The fake GitHub's port is the server's setting: the options are made once it listens.
  const { server } = useTestServer(async () => {
    fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/login/oauth/access_token') {
          seen.tokenRequests.push(JSON.parse(body) as Record<string, string>);
          res.end(JSON.stringify({ access_token: `gho_${(JSON.parse(body) as { code: string }).code}` }));
          return;
        }
        const who = PEOPLE[(req.headers.authorization ?? '').replace('Bearer gho_', '')];
        if (who && req.url === '/user') {
          res.end(JSON.stringify({ id: who.id, login: who.login, name: who.name }));
        } else if (who && req.url === '/user/emails') {
          res.end(JSON.stringify([{ email: who.email, primary: true, verified: true }]));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((r) => fake!.listen(0, '127.0.0.1', () => r()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    return { github: { clientId: 'cid', clientSecret: 'secret', oauthBase: fakeUrl, apiBase: fakeUrl } };
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
    // The same cookie as a password sign-in gives (server/auth/session-cookie.ts).
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//i);
    expect(session).toMatch(/Max-Age=\d+/i);
    const me = (await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie: session.split(';')[0] } })).json()) as { user: { email: string; name: string } };
    expect(me.user).toMatchObject({ email: 'octo@example.test', name: 'Octo Cat' });
  });

  /** Starts a GitHub round trip (sign-in, or linking with `session`) and comes back with `code`. */
  async function roundTrip(code: string, session?: TestUser, headers: Record<string, string> = {}): Promise<Response> {
    let state: string;
    let cookies: string;
    if (session) {
      const start = await authed(server.url, session.token)('/api/auth/github/link', { method: 'POST', body: JSON.stringify({ next: '/account' }) });
      expect(start.status).toBe(200);
      state = new URL(((await start.json()) as { url: string }).url).searchParams.get('state')!;
      cookies = cookiesOf(start);
    } else {
      const start = await fetch(`${server.url}/api/auth/github`, { redirect: 'manual' });
      state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      cookies = cookiesOf(start);
    }
    return fetch(`${server.url}/api/auth/github/callback?code=${code}&state=${state}`, {
      headers: { ...headers, cookie: session ? `${cookies}; br_session=${session.token}` : cookies },
      redirect: 'manual',
    });
  }
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('br_session='))?.split(';')[0];

  it('never hands an existing account to a GitHub identity with the same email', async () => {
    // Mallory registers Victoria's address first, waiting for her to use GitHub.
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'victoria@example.test', name: 'Mallory', password: 'mallory knows this' }),
    });
    expect(signup.status).toBe(201);
    const mallory = (await signup.json()) as TestUser;

    // Victoria signs in with GitHub: refused with a clear way forward, no session, no link.
    const done = await roundTrip('victim');
    expect(done.status).toBe(409);
    const error = ((await done.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('github_email_taken');
    expect(error.message).toContain('link GitHub');
    expect(sessionCookie(done)).toBeUndefined();
    // Her GitHub identity did not become a way into Mallory's account; a browser is sent to the
    // sign-in page, which explains by the code.
    const again = await roundTrip('victim', undefined, { accept: 'text/html' });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/login?error=github_email_taken');
    expect(sessionCookie(again)).toBeUndefined();
    const mine = (await (await authed(server.url, mallory.token)('/api/auth/me')).json()) as { user: { email: string } };
    expect(mine.user.email).toBe('victoria@example.test');
  });

  it('links GitHub only from a signed-in session that asked for it', async () => {
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lin@example.test', name: 'Lin', password: 'correct horse battery' }),
    });
    const lin = (await signup.json()) as TestUser;
    // Without a session there is nothing to link to.
    expect((await fetch(`${server.url}/api/auth/github/link`, { method: 'POST' })).status).toBe(401);

    // A link flow finished in another session (someone else signed in meanwhile) is refused.
    const other = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lin@example.test', password: 'correct horse battery' }),
    });
    const otherSession = (await other.json()) as TestUser;
    const start = await authed(server.url, lin.token)('/api/auth/github/link', { method: 'POST', body: '{}' });
    const state = new URL(((await start.json()) as { url: string }).url).searchParams.get('state')!;
    const crossed = await fetch(`${server.url}/api/auth/github/callback?code=linker&state=${state}`, {
      headers: { cookie: `${cookiesOf(start)}; br_session=${otherSession.token}` },
      redirect: 'manual',
    });
    expect(crossed.status).toBe(400);
    expect(((await crossed.json()) as { error: { code: string } }).error.code).toBe('link_session_mismatch');

    const linked = await roundTrip('linker', lin);
    expect(linked.status).toBe(302);
    expect(linked.headers.get('location')).toBe('/account');
    // From now on, GitHub signs in to Lin's account.
    const signin = await roundTrip('linker');
    expect(signin.status).toBe(302);
    const me = (await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie: sessionCookie(signin)! } })).json()) as { user: { id: string } };
    expect(me.user.id).toBe(lin.user.id);

    // A GitHub identity already linked elsewhere cannot be linked again.
    const octoSession = await roundTrip('abc');
    const octoToken = sessionCookie(octoSession)?.replace('br_session=', '');
    expect(octoToken).toBeDefined();
    const stolen = await roundTrip('linker', { token: octoToken!, user: { id: '', email: '', name: '', isAdmin: false } });
    expect(stolen.status).toBe(409);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe('github_already_linked');
  });

  it('tells the sign-in page which providers exist, and refuses open redirects', async () => {
    expect(await (await fetch(`${server.url}/api/auth/providers`)).json()).toEqual({ github: true });
    // Where the callback will send the browser is kept in a cookie for the round trip: only a path
    // of ours is kept (the rule itself, attacker cases included: tests/primitives-safe-next.test.ts).
    const kept = async (next: string) => {
      const res = await fetch(`${server.url}/api/auth/github?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('br_oauth_next='));
      return decodeURIComponent(cookie!.split(';')[0].slice('br_oauth_next='.length));
    };
    expect(await kept('https://evil.example/')).toBe('/');
    expect(await kept('//evil.example/')).toBe('/');
    expect(await kept('/\\evil.example/')).toBe('/');
    expect(await kept('/c/123')).toBe('/c/123');
  });

  it('never starts or finishes a sign-in for a personal access token', async () => {
    const made = await authed(server.url, server.token)('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'ci', scopes: ['read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
    });
    const { token } = (await made.json()) as { token: string };
    for (const route of ['/api/auth/github?next=/', '/api/auth/github/callback?state=x&code=y']) {
      const res = await fetch(`${server.url}${route}`, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
      expect({ route, status: res.status }).toEqual({ route, status: 403 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('token_not_allowed');
    }
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
