/**
 * "Check with Armbian" costs a framework run on a builder: pressing it together on the same state
 * runs one check and everyone gets its answer, and one person cannot pile up waiting checks (429
 * with Retry-After). The builder here is a BullMQ worker on the real queue that answers when the
 * test lets it, so the checks are in flight for as long as the test needs.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FRAMEWORK_CHECK_QUEUE_NAME,
  frameworkCheckerKey,
  type FrameworkCheckAnswer,
  type FrameworkCheckJobData,
} from '../shared/node/builds/framework-check.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { CHECK_RETRY_AFTER_S, CHECKS_IN_FLIGHT_PER_PERSON, createCheckFlights } from '../server/framework-check/check-flights.ts';
import { authed, signUp } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { REDIS_URL, VALID_CONFIG } from './builder-harness.ts';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('checks in flight on one server', () => {
  it('shares one run between identical checks and releases a person’s slot when it settles', async () => {
    const flights = createCheckFlights({ perPerson: 2, perServer: 3 });
    const runs: Array<ReturnType<typeof deferred<string>>> = [];
    const start = () => {
      const d = deferred<string>();
      runs.push(d);
      return d.promise;
    };
    const a1 = flights.run('cfg-a:h1', 'ann', start);
    const a2 = flights.run('cfg-a:h1', 'bob', start);
    expect(runs).toHaveLength(1);
    const b = flights.run('cfg-b:h1', 'ann', start);
    expect(() => flights.run('cfg-c:h1', 'ann', start)).toThrow(/2 framework checks running/);
    const c = flights.run('cfg-c:h1', 'bob', start);
    expect(() => flights.run('cfg-d:h1', 'cid', start)).toThrow(/as many framework checks as it takes/);
    expect(flights.inFlight).toBe(3);

    runs[0].resolve('verdict');
    expect(await a1).toBe('verdict');
    expect(await a2).toBe('verdict');
    // Ann's slot is free again; the state checked before is checked anew, not answered from memory.
    const again = flights.run('cfg-a:h1', 'ann', start);
    expect(runs).toHaveLength(4);
    runs[1].reject(new Error('builder crashed'));
    await expect(b).rejects.toThrow('builder crashed');
    runs[2].resolve('c');
    runs[3].resolve('again');
    expect([await c, await again]).toEqual(['c', 'again']);
    expect(flights.inFlight).toBe(0);
  });
});

describe('POST /api/configs/:id/framework-check under load', () => {
  const { server, keyPrefix } = useTestServer({ redis: 'flights' });
  let redis: Redis;
  let worker: Worker<FrameworkCheckJobData, FrameworkCheckAnswer> | null = null;
  let workerRedis: Redis | null = null;
  const keys = buildKeys(keyPrefix!);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    // A builder with a checkout says so; its worker starts only when the test lets checks finish.
    await redis.set(frameworkCheckerKey(keys), 'test-builder', 'PX', 300_000);
  });
  afterAll(async () => {
    await worker?.close();
    workerRedis?.disconnect();
    redis?.disconnect();
  });

  it('runs one check for the same state and refuses a person’s third waiting check', async () => {
    const owner = { url: server.url, token: server.token };
    const [first, second, third] = await Promise.all(
      ['first', 'second', 'third'].map((name) => createConfig(owner, { name, data: { ...VALID_CONFIG, VENDOR: name } })),
    );
    const colleague = await signUp(server.url, 'Colleague');
    await addMember(owner, third, colleague, 'editor');
    const check = (id: string, token = server.token) => authed(server.url, token)(`/api/configs/${id}/framework-check`, { method: 'POST' });

    const pending = [check(first), check(first), check(second)];
    const queued = () => redis.llen(`${keys.bullPrefix}:${FRAMEWORK_CHECK_QUEUE_NAME}:wait`);
    await eventually(async () => expect(await queued()).toBe(2), { timeoutMs: 10_000, intervalMs: 50 });

    const refused = await check(third);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(CHECK_RETRY_AFTER_S));
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(`${CHECKS_IN_FLIGHT_PER_PERSON} framework checks running`);
    // The limit is per person: a colleague's check of the same configuration goes ahead.
    pending.push(check(third, colleague.token));
    await eventually(async () => expect(await queued()).toBe(3), { timeoutMs: 10_000, intervalMs: 50 });

    const seen: string[] = [];
    workerRedis = redis.duplicate({ maxRetriesPerRequest: null });
    worker = new Worker<FrameworkCheckJobData, FrameworkCheckAnswer>(
      FRAMEWORK_CHECK_QUEUE_NAME,
      async (job) => {
        seen.push(job.data.configName);
        return { accepted: true, errors: [], warnings: [], imageFileId: job.data.configName, predictedImageName: null, kernelVersion: null, framework: { commit: null, version: null }, durationMs: 1 };
      },
      { connection: workerRedis, prefix: keys.bullPrefix },
    );
    const answers = await Promise.all(pending.map(async (p) => (await p).json() as Promise<FrameworkCheckAnswer>));
    expect(answers.map((a) => a.imageFileId)).toEqual(['first', 'first', 'second', 'third']);
    expect(seen.sort()).toEqual(['first', 'second', 'third']);
    // Settled checks free the slots.
    const next = check(third);
    await eventually(async () => expect(seen).toHaveLength(4), { timeoutMs: 10_000, intervalMs: 50 });
    expect((await next).status).toBe(200);
  });
});
