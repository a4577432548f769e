/**
 * Sign-in and sign-up limits behind a reverse proxy, against a real server and Postgres. The test
 * process plays the proxy: it connects from 127.0.0.1 (listed in TRUST_PROXY) and says who the
 * client is in X-Forwarded-For, as nginx's `proxy_add_x_forwarded_for` does.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, loginDelayMs } from '../server/auth/login-throttle.ts';
import { ServerLimitDefaults } from '../server/settings.ts';
import { signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';

const PASSWORD = 'correct horse battery';
/** First sign-in delay in these tests: long enough that no pause of a busy machine between two
 * requests outlasts it (the default, 1 s, is a person's scale, not a loaded CI's). */
const SLOW_MACHINE_DELAY_MS = 60_000;

function login(url: string, email: string, password: string, forwardedFor?: string) {
  return fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ email, password }),
  });
}

function signUpFrom(url: string, forwardedFor: string) {
  return fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email: `new.${randomBytes(4).toString('hex')}@example.test`, name: 'New', password: PASSWORD }),
  });
}

describe('behind a trusted proxy', () => {
  const { server } = useTestServer({ trustProxy: ['127.0.0.1', '::1'], limits: { signupsPerAddress: 3, loginDelayBaseMs: SLOW_MACHINE_DELAY_MS } });
  let user: TestUser;
  beforeAll(async () => {
    user = await signUp(server.url, 'Dana');
  });

  it('50 strangers failing sign-in, even as this user, do not lock the user out', async () => {
    for (let i = 0; i < 50; i++) {
      // Half of the strangers guess Dana's password, half someone else's.
      const email = i % 2 ? user.user.email : `nobody${i}@example.test`;
      expect((await login(server.url, email, 'wrong password', `198.51.100.${i + 1}`)).status).toBe(401);
    }
    const res = await login(server.url, user.user.email, PASSWORD, '203.0.113.10');
    expect(res.status).toBe(200);
  }, 180_000); // fifty real scrypt checks on a busy two-core machine

  it('wrong passwords from address A slow down A only: the user still signs in from address B', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(server.url, user.user.email, `guess ${i}`, '192.0.2.66')).status);
    const free = ServerLimitDefaults.loginFreeFailures;
    expect(statuses).toEqual([...Array(free).fill(401), ...Array(12 - free).fill(429)]);
    // Even the right password waits at A (the delay is per email and address, not a verdict).
    const atA = await login(server.url, user.user.email, PASSWORD, '192.0.2.66');
    expect(atA.status).toBe(429);
    expect(Number(atA.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(server.url, user.user.email, PASSWORD, '192.0.2.77')).status).toBe(200);
  });

  it('limits sign-ups per address, not for everyone behind the proxy', async () => {
    for (let i = 0; i < 3; i++) expect((await signUpFrom(server.url, '192.0.2.200')).status).toBe(201);
    const refused = await signUpFrom(server.url, '192.0.2.200');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await signUpFrom(server.url, '192.0.2.201')).status).toBe(201);
  });
});

describe('without a trusted proxy', () => {
  // Trusts some other proxy, not the peer these requests come from.
  const { server } = useTestServer({ trustProxy: ['10.0.0.0/8'], limits: { loginDelayBaseMs: SLOW_MACHINE_DELAY_MS } });

  it("ignores an untrusted peer's X-Forwarded-For: changing it does not escape the throttle", async () => {
    const victim = await signUp(server.url, 'Erin');
    const free = ServerLimitDefaults.loginFreeFailures;
    for (let i = 0; i < free; i++) expect((await login(server.url, victim.user.email, 'wrong', `198.51.100.${i + 1}`)).status).toBe(401);
    expect((await login(server.url, victim.user.email, 'wrong', '198.51.100.250')).status).toBe(429);
  });
});

describe('login delays', () => {
  const limits = { loginFreeFailures: 3, loginDelayBaseMs: 1_000, loginDelayMaxMs: 8_000, loginFailuresPerAddress: 100, loginWindowMs: 60_000 };

  it('double after the free failures and stop growing at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 40].map((f) => loginDelayMs(f, limits))).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('run out: the same pair may try again once the delay has passed, and a success clears it', () => {
    let now = 0;
    const throttle = createLoginThrottle(limits, () => now);
    for (let i = 0; i < 4; i++) throttle.failed('a@x', '192.0.2.1');
    expect(throttle.check('a@x', '192.0.2.1')).toEqual({ allowed: false, retryAfterS: 2 });
    expect(throttle.check('a@x', '192.0.2.2').allowed).toBe(true);
    now += 2_000;
    expect(throttle.check('a@x', '192.0.2.1').allowed).toBe(true);
    throttle.succeeded('a@x', '192.0.2.1');
    throttle.failed('a@x', '192.0.2.1');
    expect(throttle.check('a@x', '192.0.2.1').allowed).toBe(true);
  });

  it('keep a per-address ceiling over every email', () => {
    const throttle = createLoginThrottle({ ...limits, loginFailuresPerAddress: 5 }, () => 0);
    for (let i = 0; i < 5; i++) throttle.failed(`user${i}@x`, '192.0.2.9');
    expect(throttle.check('fresh@x', '192.0.2.9').allowed).toBe(false);
    expect(throttle.check('fresh@x', '192.0.2.10').allowed).toBe(true);
  });
});
