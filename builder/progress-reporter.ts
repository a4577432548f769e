/** Progress of a running build: published to viewers and stored on the row, throttled so a chatty
 * executor costs a few writes per second at most. */
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import type { BuildKeys } from '../shared/builds/keys.ts';
import type { Tenant } from '../shared/tenant.ts';
import { publishBuildEvent } from '../shared/node/builds/transition.ts';

/** At most one progress report per build per interval (the last one is never lost, it goes out
 * when the interval ends): four a second looks live to a person. Stage changes go out at once. */
export const PROGRESS_REPORT_INTERVAL_MS = 250;

export interface ProgressReporter {
  report(stage: string, pct: number): void;
  /** Sends the pending report, if any, and stops. */
  close(): Promise<void>;
}

export function createProgressReporter(deps: {
  db: BuildsDb;
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
  buildId: string;
  configId: string;
  /** The build's tenant: its events channel is named with it. */
  tenant: Tenant;
}): ProgressReporter {
  let sentStage: string | null = null;
  let sentPct = -1;
  let pending: { stage: string; pct: number } | null = null;
  let lastSentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  const send = (): void => {
    timer = undefined;
    if (!pending) return;
    const { stage, pct } = pending;
    pending = null;
    if (stage === sentStage && pct === sentPct) return;
    sentStage = stage;
    sentPct = pct;
    lastSentAt = Date.now();
    chain = chain.then(async () => {
      try {
        // Only while running: a late report must not touch a finished build.
        await deps.db
          .update(buildJobs)
          .set({ stage, progress: pct })
          .where(and(eq(buildJobs.id, deps.buildId), eq(buildJobs.status, 'running')));
        await publishBuildEvent(deps.redis, deps.keys, deps.tenant, { type: 'progress', buildId: deps.buildId, configId: deps.configId, stage, pct });
      } catch (err) {
        // Progress is advisory: the final status still arrives; say so and carry on.
        deps.logger.warn({ err, buildId: deps.buildId }, 'could not report build progress');
      }
    });
  };

  return {
    report(stage, rawPct) {
      const pct = Math.max(0, Math.min(100, Math.round(rawPct)));
      pending = { stage, pct };
      const wait = PROGRESS_REPORT_INTERVAL_MS - (Date.now() - lastSentAt);
      if (stage !== sentStage || wait <= 0) {
        if (timer) clearTimeout(timer);
        send();
      } else if (!timer) {
        timer = setTimeout(send, wait);
      }
    },
    async close() {
      if (timer) clearTimeout(timer);
      send();
      await chain;
    },
  };
}
