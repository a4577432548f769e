/**
 * What the server does with its features besides their hooks and routes (docs/architecture.md,
 * "Features"): readiness checks for `/health/ready`, named after their feature, and shutdown in
 * reverse declaration order.
 */
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../health/routes.ts';
import type { Feature } from './feature.ts';

/** Each feature's readiness check under its name (`/health/ready` reports it as `checks.<name>`). */
export function featureReadiness(features: readonly Feature[]): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = {};
  for (const f of features) if (f.ready) checks[f.name] = f.ready;
  return checks;
}

/**
 * Stops the features, last declared first: a feature is built after what it uses, so it stops
 * before it. One feature failing to stop is logged and the others still stop.
 */
export async function shutDownFeatures(features: readonly Feature[], logger: Logger): Promise<void> {
  for (const f of [...features].reverse()) {
    if (!f.shutdown) continue;
    try {
      await f.shutdown();
    } catch (error) {
      logger.error({ err: error, feature: f.name }, 'feature did not shut down cleanly');
    }
  }
}
