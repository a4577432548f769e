/**
 * Start-up races safely. Any number of real server processes started at the same moment on an
 * empty database all come up (migrations run under an advisory lock), and a builder started
 * before any server migrates the database itself instead of failing on a missing table.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from './builder-harness.ts';
import { startChildProcess, startChildServer, type ChildProcessRun, type ChildServer } from './helpers/child-server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

/** Pino's "error" level: nothing at or above it may be logged during a clean start. */
const PINO_ERROR = 50;

describe('start-up races', () => {
  const children: Array<{ child: ChildProcess; exited: Promise<unknown> }> = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    for (const fn of cleanups.reverse()) await fn();
  });

  async function freshDatabase(label: string): Promise<TestDatabase> {
    const db = await createTestDatabase(label);
    cleanups.push(() => db.drop());
    return db;
  }

  async function tableExists(url: string, table: string): Promise<boolean> {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<Array<{ found: string | null }>>`select to_regclass(${table}) as found`;
      return rows[0]?.found !== null;
    } finally {
      await sql.end();
    }
  }

  it('three servers started at once on an empty database all come up', async () => {
    const db = await freshDatabase('race3');
    const env = { DATABASE_URL: db.url, REDIS_URL: '' };
    const results = await Promise.allSettled([startChildServer(env), startChildServer(env), startChildServer(env)]);
    for (const r of results) if (r.status === 'fulfilled') children.push(r.value);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason).slice(0, 300)] : []));
    expect(failures).toEqual([]);
    for (const r of results) {
      const server = (r as PromiseFulfilledResult<ChildServer>).value;
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    }
  }, 90_000);

  it('a builder started before any server migrates the database instead of failing', async () => {
    const db = await freshDatabase('builderfirst');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'boardroom-builder-first-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const builder: ChildProcessRun = await startChildProcess(
      'builder/main.ts',
      { DATABASE_URL: db.url, REDIS_URL, KEY_PREFIX: `builderfirst-${randomBytes(4).toString('hex')}:`, DATA_DIR: dataDir },
      (entry) => entry.msg === 'builder started',
    );
    children.push(builder);
    const errors = builder.logs.filter((e) => (e.level ?? 0) >= PINO_ERROR).map((e) => JSON.stringify(e).slice(0, 300));
    expect(errors).toEqual([]);
    expect(await tableExists(db.url, 'build_jobs')).toBe(true);
    // A server started after it finds the schema in place and comes up too.
    const server = await startChildServer({ DATABASE_URL: db.url, REDIS_URL: '' });
    children.push(server);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  }, 90_000);
});
