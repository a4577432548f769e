/**
 * The floor under any server that commits every update to Postgres before fanning it out: the
 * round trip of one durable single-row INSERT, at the fan-out scenario's update rate, on the same
 * Postgres, with nothing else running. No server can fan an update out sooner than its commit
 * returns, so when this p99 is already above a peer's whole fan-out p99, "below the peer while
 * persisting every update" is out of reach on this machine whatever the server does.
 *
 * The table has the shape of `doc_updates` (uuid, bytea, bigserial key) in a fresh database of its
 * own, dropped afterwards. The INSERT is a prepared statement on one postgres.js connection with
 * TCP_NODELAY, like the server's commit connection.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { watchedSocketFactory } from '../shared/node/db/postgres-client.ts';

/** Bytes of a typical bench update (a marker appended to a paragraph). */
const UPDATE_BYTES = 60;
/** Round trips measured before the timed ones (connection set-up, statement preparation). */
const WARMUP_INSERTS = 50;

export interface CommitFloor {
  inserts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  synchronousCommit: string;
}

export async function measureCommitFloor(adminUrl: string, ratePerSecond: number, seconds: number): Promise<CommitFloor> {
  const dbName = `boardroom_floor_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  // The server's own socket factory (TCP_NODELAY); `socket` is missing from postgres.js' types.
  const options = { max: 1, onnotice: () => {}, socket: watchedSocketFactory(0) };
  const sql = postgres(url.toString(), options);
  try {
    await sql`create table floor_updates (id bigserial primary key, config_id uuid not null, update bytea not null)`;
    const [{ synchronous_commit }] = await sql<Array<{ synchronous_commit: string }>>`show synchronous_commit`;
    const configId = randomUUID();
    const payload = randomBytes(UPDATE_BYTES);
    const insert = () => sql`insert into floor_updates (config_id, update) values (${configId}, ${payload})`;
    for (let i = 0; i < WARMUP_INSERTS; i++) await insert();
    const intervalMs = 1000 / ratePerSecond;
    const count = Math.max(1, Math.round(ratePerSecond * seconds));
    const times: number[] = [];
    let next = performance.now();
    for (let i = 0; i < count; i++) {
      // Paced like the scenario's writers: one update every interval, not back to back.
      next += intervalMs;
      const started = performance.now();
      await insert();
      times.push(performance.now() - started);
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { inserts: times.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: times[times.length - 1], synchronousCommit: synchronous_commit };
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName}`);
    await admin.end({ timeout: 5 });
  }
}
