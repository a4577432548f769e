/**
 * Chaos rounds on two real server processes (`server/main.ts` children) sharing one Postgres
 * database and a private Redis: kill -9 of one during a writer's burst, and Redis stopped and
 * restarted during bursts. Each round reports how long the surviving processes took to equal
 * Postgres after the cause ended, and how many acknowledged lines Postgres lacks (must be 0).
 * `tests/cluster-chaos.test.ts` runs a few rounds; `npm run bench:chaos` runs many.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { installExtHandlers, type SavedAck } from '../../shared/ext-messages.ts';
import { MessageType } from '../../shared/protocol.ts';
import { signUp, type TestUser } from './auth.ts';
import { startChildServer, type ChildServer } from './spawn-server.ts';
import { connectClient, synced } from './clients.ts';
import { convergedWithStorage, digest, storedDocReader } from './convergence.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';
import { createConfig } from './server.ts';

/** Give up on a round's convergence after this long (the promise is 2 s; a miss is reported). */
const CONVERGE_GIVE_UP_MS = 15_000;
/** Lines typed without a pause just before the kill: the process is still committing them. */
const TIGHT_RUN_LINES = 60;
/** The kill lands within this many ms after the tight run (commits take ~1–5 ms each). */
const KILL_JITTER_MS = 8;

export interface RoundResult {
  kind: 'kill' | 'flap';
  /** ms from the cause ending (kill, or Redis back and the burst after it done) to every
   * surviving process equal to Postgres. */
  convergeMs: number;
  typed: number;
  acked: number;
  /** Acknowledged lines missing from Postgres. */
  lost: number;
  /** A surviving process lacked stored rows when the cause ended (it had something to heal). */
  behind: boolean;
}

/** A writer that records which of its lines the server acknowledged as saved. */
function ackingWriter(server: ChildServer, user: TestUser, configId: string) {
  const client = connectClient({ url: server.url, token: user.token }, configId, { ext: '1' });
  const clockAfter: Array<{ line: string; clock: number }> = [];
  let durable = 0;
  installExtHandlers(client.provider as never, (type, payload) => {
    if (type !== MessageType.saved) return;
    const clock = (payload as SavedAck).clocks[String(client.doc.clientID)];
    if (clock !== undefined) durable = Math.max(durable, clock);
  });
  const text = () => client.doc.getMap('config').get('customizeScript') as Y.Text;
  return {
    client,
    type(line: string) {
      text().insert(text().length, `${line}\n`);
      clockAfter.push({ line, clock: Y.decodeStateVector(Y.encodeStateVector(client.doc)).get(client.doc.clientID) ?? 0 });
    },
    acknowledged: () => clockAfter.filter((l) => l.clock <= durable).map((l) => l.line),
    typed: () => clockAfter.length,
  };
}

export interface ChaosRig {
  servers: [ChildServer, ChildServer];
  redis: PrivateRedis;
  db: TestDatabase;
  owner: TestUser;
  reader: ReturnType<typeof storedDocReader>;
  restart(index: 0 | 1): Promise<ChildServer>;
  cleanup(): Promise<void>;
}

export async function startChaosRig(): Promise<ChaosRig> {
  const db = await createTestDatabase('chaos', { migrated: true });
  const redis = await startPrivateRedis();
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, KEY_PREFIX: `chaos:${randomBytes(4).toString('hex')}:` };
  const servers: [ChildServer, ChildServer] = [await startChildServer(env), await startChildServer(env)];
  const owner = await signUp(servers[0].url, 'Chaos');
  const reader = storedDocReader(db.url);
  return {
    servers,
    redis,
    db,
    owner,
    reader,
    async restart(index) {
      servers[index].child.kill('SIGKILL');
      await servers[index].exited;
      servers[index] = await startChildServer(env);
      return servers[index];
    },
    async cleanup() {
      for (const s of servers) s.child.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.exited));
      await reader.close();
      await redis.stop();
      await db.drop();
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedLines(rig: ChaosRig, configId: string): Promise<number> {
  const doc = await rig.reader.load(configId);
  const n = (doc.getMap('config').get('customizeScript') as Y.Text).toString().split('\n').filter(Boolean).length;
  doc.destroy();
  return n;
}

async function lostLines(rig: ChaosRig, configId: string, acknowledged: string[]): Promise<number> {
  const doc = await rig.reader.load(configId);
  const stored = new Set((doc.getMap('config').get('customizeScript') as Y.Text).toString().split('\n'));
  doc.destroy();
  return acknowledged.filter((l) => !stored.has(l)).length;
}

/** Process 0 is killed (SIGKILL) in the middle of a writer's burst; process 1 must end equal to
 * Postgres. Process 0 is restarted for the next round (unless `restart: false`). */
export async function killDuringBurst(rig: ChaosRig, round: number, options: { lines?: number; restart?: boolean } = {}): Promise<RoundResult> {
  const lines = options.lines ?? 200;
  const [victim, survivor] = rig.servers;
  const configId = await createConfig({ url: survivor.url, token: rig.owner.token }, { name: `kill-${round}`, data: { customizeScript: '' } });
  const writer = ackingWriter(victim, rig.owner, configId);
  const watcher = connectClient({ url: survivor.url, token: rig.owner.token }, configId);
  try {
    await Promise.all([synced(writer.client), synced(watcher)]);
    const killAt = Math.floor(lines * (0.3 + Math.random() * 0.5));
    // Killed mid-burst, once saves are being acknowledged (so there is something to lose): a
    // tight run of lines goes out, and the kill lands while the process is committing them (a
    // row Postgres stores after the process died is never published by it).
    for (let i = 0; ; i++) {
      writer.type(`r${round}-line-${i}`);
      if (i >= killAt && (writer.acknowledged().length > 0 || i >= lines * 10)) {
        for (let j = 0; j < TIGHT_RUN_LINES; j++) writer.type(`r${round}-tight-${j}`);
        await pause(1 + Math.random() * KILL_JITTER_MS);
        victim.child.kill('SIGKILL');
        break;
      }
      if (i % 5 === 4) await pause(3);
    }
    await victim.exited;
    writer.client.provider.shouldConnect = false;
    writer.client.provider.disconnect();
    const behind = (await rig.reader.digest(configId)).content !== digest(watcher.doc).content;
    const convergeMs = await convergedWithStorage(rig.reader, configId, () => [watcher.doc], CONVERGE_GIVE_UP_MS).catch(() => Infinity);
    const acknowledged = writer.acknowledged();
    return { kind: 'kill', convergeMs, behind, typed: writer.typed(), acked: acknowledged.length, lost: await lostLines(rig, configId, acknowledged) };
  } finally {
    writer.client.destroy();
    watcher.destroy();
    if (options.restart !== false) await rig.restart(0);
  }
}

/** Redis stops for `downMs` while writers on both processes type; after it is back they type a
 * little more (the window where a publisher is still reconnecting), then stop: both processes
 * must end equal to Postgres. */
export async function redisFlap(rig: ChaosRig, round: number, downMs: number, linesPerPhase = 30): Promise<RoundResult> {
  const configId = await createConfig({ url: rig.servers[0].url, token: rig.owner.token }, { name: `flap-${round}`, data: { customizeScript: '' } });
  const writers = rig.servers.map((s) => ackingWriter(s, rig.owner, configId));
  const watchers = rig.servers.map((s) => connectClient({ url: s.url, token: rig.owner.token }, configId));
  try {
    await Promise.all([...writers.map((w) => synced(w.client)), ...watchers.map((w) => synced(w))]);
    let n = 0;
    const burst = async (count: number) => {
      for (let i = 0; i < count; i++, n++) {
        writers.forEach((w, who) => w.type(`f${round}-w${who}-${n}`));
        if (i % 5 === 4) await pause(5);
      }
    };
    await burst(linesPerPhase);
    await rig.redis.stop();
    await burst(linesPerPhase);
    await pause(downMs);
    await rig.redis.start();
    await burst(linesPerPhase);
    const causeEnded = Date.now();
    // Everything typed reaches Postgres first (the writers are alive), so "equal" means complete.
    const expected = writers.reduce((s, w) => s + w.typed(), 0);
    while (Date.now() - causeEnded < CONVERGE_GIVE_UP_MS && (await storedLines(rig, configId)) < expected) await pause(25);
    const storedNow = (await rig.reader.digest(configId)).content;
    const behind = watchers.some((w) => digest(w.doc).content !== storedNow);
    const convergeMs = await convergedWithStorage(rig.reader, configId, () => watchers.map((w) => w.doc), CONVERGE_GIVE_UP_MS)
      .then(() => Date.now() - causeEnded)
      .catch(() => Infinity);
    // Let the last acks arrive (they follow the commits) before counting.
    await pause(200);
    const acknowledged = writers.flatMap((w) => w.acknowledged());
    return {
      kind: 'flap',
      convergeMs,
      behind,
      typed: writers.reduce((s, w) => s + w.typed(), 0),
      acked: acknowledged.length,
      lost: await lostLines(rig, configId, acknowledged),
    };
  } finally {
    for (const c of [...writers.map((w) => w.client), ...watchers]) c.destroy();
  }
}
