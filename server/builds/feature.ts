/**
 * Builds as a feature (docs/architecture.md, "Builds"): the queue and event connections when a
 * Redis is configured (`builds-context.ts`; without one the build routes answer 503), the build
 * routes, and the status feed that pushes `build/status` and `build/progress` to this process's
 * clients (`build-status-feed.ts`). Whether a build may start is the review feature's gate.
 */
import type { Feature, FeatureCore } from '../features/feature.ts';
import { startBuildStatusFeed } from './build-status-feed.ts';
import type { BuildsContext } from './builds-context.ts';
import { matrixRoutes } from './matrix-routes.ts';
import { buildRoutes, type BuildGate } from './routes.ts';

export interface BuildsFeature extends Feature {
  /** The queue and its connections; null without Redis. */
  context: BuildsContext | null;
}

export async function buildsFeature(
  core: FeatureCore,
  deps: { redis: { url: string; keyPrefix: string } | null; artifactsDir: string; gate: BuildGate; onBuildRequest?: (outcome: string) => void },
): Promise<BuildsFeature> {
  // Loaded only when a Redis is configured: ioredis and BullMQ cost memory.
  const context = deps.redis
    ? (await import('./builds-context.ts')).createBuildsContext({
        db: core.db,
        redisUrl: deps.redis.url,
        keyPrefix: deps.redis.keyPrefix,
        artifactsDir: deps.artifactsDir,
        logger: core.logger,
      })
    : null;
  const statusFeed = context ? startBuildStatusFeed({ subscriber: context.subscriber, keys: context.keys, deliver: core.bus.deliver, logger: core.logger }) : null;
  return {
    name: 'builds',
    context,
    routes: [
      { at: '/api', routes: buildRoutes({ ...core, manager: core.rooms, builds: context, gate: deps.gate, onBuildRequest: deps.onBuildRequest }) },
      // Build matrices: one build per target, through the same gate (matrix-routes.ts).
      {
        at: '/api',
        routes: matrixRoutes({ ...core, manager: core.rooms, builds: context, gate: deps.gate, maxMatrixCells: core.settings.maxMatrixCells, onBuildRequest: deps.onBuildRequest }),
      },
    ],
    async shutdown() {
      statusFeed?.close();
      await context?.close();
    },
  };
}
