/**
 * `/health` answers while the process lives. `/health/ready` answers 200 only when this process
 * can serve editing: Postgres answers a real query and, when it runs with other processes (Redis
 * configured), Redis answers too. Whether a builder listens is reported beside it (and on
 * `/health/builder`) but never makes a server unready: a load balancer must not pull every
 * editing server because the builders are away.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../auth/actor.ts';

/** A dependency that does not answer within this long counts as down: load balancers poll often,
 * and a probe must answer before theirs times out (commonly 5 s). */

export type ReadinessCheck = () => Promise<void>;

export interface HealthChecks {
  /** What serving editing needs; any failing makes the process unready (503). */
  required: Record<string, ReadinessCheck>;
  /** Resolves when a builder listens on the queue; null when this process has no queue at all. */
  builder: ReadinessCheck | null;
}

export type BuilderPresence = 'present' | 'absent' | 'not_configured';

/** `readyTimeoutMs`: one readiness check's deadline (`READY_CHECK_TIMEOUT_MS`, server/settings.ts). */
export function healthRoutes(checks: HealthChecks, readyTimeoutMs: number): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  async function builderPresence(): Promise<{ builder: BuilderPresence; reason?: string }> {
    if (!checks.builder) return { builder: 'not_configured' };
    const result = await run(checks.builder, readyTimeoutMs);
    return result === 'ok' ? { builder: 'present' } : { builder: 'absent', reason: result };
  }

  app.get('/', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const results: Record<string, string> = {};
    const [presence] = await Promise.all([
      builderPresence(),
      ...Object.entries(checks.required).map(async ([name, check]) => {
        results[name] = await run(check, readyTimeoutMs);
      }),
    ]);
    const ready = Object.values(results).every((r) => r === 'ok');
    return c.json({ status: ready ? 'ready' : 'unavailable', checks: results, builder: presence.builder }, ready ? 200 : 503);
  });
  app.get('/builder', async (c) => {
    const presence = await builderPresence();
    return c.json(presence, presence.builder === 'present' ? 200 : 503);
  });
  return app;
}

/** 'ok', or why the check failed (its message, or that it did not answer in time). */
async function run(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
