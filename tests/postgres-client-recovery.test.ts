/**
 * The postgres.js clients of shared/node/db/postgres-client.ts settle every query whatever the network
 * does, through a TCP proxy that refuses, resets and black-holes: a query on a connection that
 * just failed is rejected instead of left pending (a postgres.js 3.4 gap the socket works around),
 * a silent connection is given up at the reply deadline, and a refused Postgres is reconnected to
 * as soon as it answers again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { COMMIT_TUNING, openPostgresClient, type PostgresClient } from '../shared/node/db/postgres-client.ts';
import { ADMIN_URL } from './helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { eventually } from './helpers/wait.ts';

/** Generous against a busy machine; a query that never settles is what these tests catch. */
const SETTLE_BOUND_MS = 5_000;

/** Resolves to 'ok' or the error's code/message, or 'pending' if it has not settled in time. */
async function settle(query: Promise<unknown>, ms = SETTLE_BOUND_MS): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  const outcome = query.then(
    () => 'ok',
    (error: { code?: string; message?: string }) => error.code ?? error.message ?? 'error',
  );
  const result = await Promise.race([outcome, pending]);
  clearTimeout(timer);
  return result;
}

describe('postgres clients that heal', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  /** A commit-tuned client (max 1) reaching Postgres through a proxy of its own. */
  async function rig(): Promise<{ proxy: TcpProxy; sql: PostgresClient }> {
    const target = new URL(ADMIN_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(ADMIN_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const sql = openPostgresClient(url.toString(), { max: 1, ...COMMIT_TUNING });
    cleanups.push(async () => {
      await sql.end({ timeout: 1 });
      await proxy.close();
    });
    await sql`select 1`;
    return { proxy, sql };
  }

  /** The client recovers by itself: a query succeeds again within the bound (a first attempt may
   * still fail, e.g. on a connection that was already on its way out; callers retry). */
  async function recovers(sql: PostgresClient): Promise<number> {
    const started = performance.now();
    await eventually(async () => expect(await settle(sql`select 1`)).toBe('ok'), { timeoutMs: SETTLE_BOUND_MS, intervalMs: 50 });
    return performance.now() - started;
  }

  it('a query sent right after its connection failed is settled, and the client recovers', async () => {
    const { proxy, sql } = await rig();
    proxy.reset();
    // The caller retries the moment the first query fails, before the socket has closed: that
    // retry used to wait forever inside postgres.js.
    const first = sql`select 2`;
    const retried = first.then(
      () => sql`select 3`,
      () => sql`select 3`,
    );
    expect(await settle(first)).not.toBe('pending');
    expect(await settle(retried)).not.toBe('pending');
    await recovers(sql);
  });

  it('a connection that goes silent is given up at the reply deadline', async () => {
    const { proxy, sql } = await rig();
    proxy.blackhole();
    await proxy.restore(); // new connections work; the open one stays silent for good
    const started = performance.now();
    const outcome = await settle(sql`select 2`);
    const elapsed = performance.now() - started;
    expect(outcome).not.toBe('pending');
    expect(outcome).not.toBe('ok');
    expect(elapsed).toBeGreaterThanOrEqual(COMMIT_TUNING.replyTimeoutMs - 50);
    await recovers(sql);
  });

  it('a refused Postgres fails fast, and is reconnected to as soon as it answers', async () => {
    const { proxy, sql } = await rig();
    await proxy.refuse();
    for (let i = 0; i < 3; i++) {
      const outcome = await settle(sql`select 1`, 2_000);
      expect(outcome).not.toBe('pending');
      expect(outcome).not.toBe('ok');
    }
    await proxy.restore();
    expect(await recovers(sql)).toBeLessThan(2_000);
  });
});
