/**
 * Password hashing runs behind a small concurrency cap with sign-ins first, so a flood of
 * sign-ups (scrypt, 32 MiB each) cannot make people who already have an account wait behind it.
 * Asserted as ordering, not time: the login finishes while most of the flood is still queued.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, HasherBusyError } from '../server/auth/password-hasher.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';

const PASSWORD = 'correct horse battery';
const FLOOD = 40;

describe('password hashing queue', () => {
  it('runs at most `concurrency` hashes and lets a sign-in overtake queued sign-ups', async () => {
    const hasher = createPasswordHasher(2);
    const stored = await hashPassword(PASSWORD);
    const done: string[] = [];
    const signups = Array.from({ length: 8 }, (_, i) => hasher.hash(`password ${i}`).then(() => done.push(`signup ${i}`)));
    expect(hasher.load()).toEqual({ running: 2, waiting: 6 });
    const signin = hasher.verify(PASSWORD, stored).then((ok) => done.push(`signin ${ok}`));
    await Promise.all([...signups, signin]);
    // The sign-in takes the first free slot, ahead of the six queued sign-ups. Finishing order is
    // the thread pool's: the two hashes already running and the sign-up that took the second
    // freed slot, hashing alongside the sign-in, may finish first; the other five may not.
    expect(done.indexOf('signin true')).toBeLessThanOrEqual(3);
    expect(hasher.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('turns sign-ups away once too many wait, never sign-ins', async () => {
    const hasher = createPasswordHasher(1, 2);
    const stored = await hashPassword(PASSWORD);
    const queued = [hasher.hash('a password'), hasher.hash('b password'), hasher.hash('c password')];
    await expect(hasher.hash('d password')).rejects.toBeInstanceOf(HasherBusyError);
    const signins = [hasher.verify(PASSWORD, stored), hasher.verify(PASSWORD, stored), hasher.verify(PASSWORD, stored)];
    expect(await Promise.all(signins)).toEqual([true, true, true]);
    await Promise.all(queued);
  });
});

describe('a sign-up flood against a real server', () => {
  // Production's scrypt cost: the queue is only there because each hash is that slow.
  const { server } = useTestServer({ trustProxy: ['127.0.0.1', '::1'], realPasswordHashing: true });
  let user: TestUser;
  beforeAll(async () => {
    user = await signUp(server.url, 'Regular');
  });

  it(`${FLOOD} concurrent sign-ups do not queue a login behind them`, async () => {
    const finished: string[] = [];
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      fetch(`${server.url}/api/auth/signup`, {
        method: 'POST',
        // Distinct addresses: this is about hashing capacity, not the per-address sign-up limit.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: JSON.stringify({ email: `flood.${i}.${randomBytes(3).toString('hex')}@example.test`, name: 'Flood', password: PASSWORD }),
      }).then((res) => {
        finished.push('signup');
        return res.status;
      }),
    );
    // The login starts once the flood is surely in the server: its first sign-up has finished.
    await Promise.race(flood);
    const before = finished.length;
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.5' },
      body: JSON.stringify({ email: user.user.email, password: PASSWORD }),
    });
    const overtakenBy = finished.length - before;
    expect(login.status).toBe(200);
    const statuses = await Promise.all(flood);
    expect(statuses.every((s) => s === 201)).toBe(true);
    // Uncapped, all forty scrypt calls share libuv's four threads with the login, which finishes
    // with the flood's tail. Capped with sign-ins first, only the hashes already running (and a
    // few finishing their database insert) complete while the login waits.
    expect(overtakenBy, `sign-ups that finished while the login ran (of ${FLOOD - before} pending)`).toBeLessThan(10);
  }, 180_000);
});
