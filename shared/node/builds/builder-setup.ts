/**
 * Builders whose own setup is broken (the armbian executor's framework checkout missing, not a
 * framework tree, an unknown ARMBIAN_REF, a framework that cannot get root): each says so, once,
 * in one Redis hash (`<prefix>builder-setup-problems`, field = worker name, value = the problem and
 * until when it holds unless refreshed), and takes no builds meanwhile. The server reads it for
 * `/health/builder`, so "no builder can build" says why instead of only "absent".
 */
import type { Redis } from 'ioredis';
import type { BuildKeys } from '../../builds/keys.ts';
import type { BuildQueue } from './queue.ts';

export interface BuilderSetupProblem {
  worker: string;
  message: string;
  /** Epoch ms; a builder that died with a problem stops counting after this. */
  until: number;
}

export function builderSetupKey(keys: BuildKeys): string {
  return `${keys.prefix}builder-setup-problems`;
}

export async function reportSetupProblem(redis: Redis, keys: BuildKeys, worker: string, message: string, ttlMs: number): Promise<void> {
  const value: BuilderSetupProblem = { worker, message, until: Date.now() + ttlMs };
  await redis.hset(builderSetupKey(keys), worker, JSON.stringify(value));
}

export async function clearSetupProblem(redis: Redis, keys: BuildKeys, worker: string): Promise<void> {
  await redis.hdel(builderSetupKey(keys), worker);
}

/** The problems that still hold; expired ones (their builder died) are deleted on the way. */
export async function readSetupProblems(redis: Redis, keys: BuildKeys, now = Date.now()): Promise<BuilderSetupProblem[]> {
  const all = await redis.hgetall(builderSetupKey(keys));
  const live: BuilderSetupProblem[] = [];
  for (const [worker, raw] of Object.entries(all)) {
    let problem: BuilderSetupProblem | null = null;
    try {
      problem = JSON.parse(raw) as BuilderSetupProblem;
    } catch {
      problem = null;
    }
    if (problem && problem.until > now) live.push(problem);
    else await redis.hdel(builderSetupKey(keys), worker);
  }
  return live.sort((a, b) => (a.worker < b.worker ? -1 : 1));
}

/** The worker names listening on the build queue (BullMQ names their connections `…:w:<name>`). */
export async function listeningWorkers(queue: BuildQueue): Promise<string[]> {
  const clients = (await queue.getWorkers()) as Array<{ rawname?: string; name?: string }>;
  const names = clients.map((c) => {
    const raw = c.rawname ?? '';
    const at = raw.indexOf(':w:');
    return at === -1 ? (c.name ?? raw) : raw.slice(at + 3);
  });
  return [...new Set(names)];
}

/** Resolves when at least one builder listens and can build; otherwise throws saying why. */
export async function builderAvailable(queue: BuildQueue, redis: Redis, keys: BuildKeys): Promise<void> {
  const [workers, problems] = await Promise.all([listeningWorkers(queue), readSetupProblems(redis, keys)]);
  const broken = new Set(problems.map((p) => p.worker));
  if (workers.some((w) => !broken.has(w))) return;
  if (problems.length > 0) {
    throw new Error(`no builder can build: ${problems.map((p) => `builder ${p.worker}: ${p.message}`).join('; ')}`);
  }
  throw new Error('no builder is listening on the build queue');
}
