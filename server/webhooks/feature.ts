/**
 * Webhooks as a feature (docs/webhooks.md): the routes (owners manage a configuration's webhooks
 * and read their delivery log), the delivery queue and its worker in every process (dispatcher.ts,
 * with Redis; without it webhooks can be managed but nothing is sent), and the facts it reports:
 *
 * - `build.finished`: heard on the builders' status channel (`BuildKeys.statusChannel`), which
 *   every server process subscribes to; the delivery table's unique (webhook, event id) makes one
 *   delivery of the N processes' reports.
 * - `version.created`, `review.approved`, `review.changes_requested`: told by the history and
 *   review features through `facts`, right after the row is written, in the process that wrote it.
 */
import type { BlockList } from 'node:net';
import { decodeBuildStatusNotice } from '../../shared/builds/events.ts';
import { buildKeys } from '../../shared/builds/keys.ts';
import { isTerminal } from '../../shared/builds/status.ts';
import type { Sealer } from '../../shared/node/secrets/sealed.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import { buildFinishedEvent, reviewDecidedEvent, versionCreatedEvent } from './events.ts';
import { webhookRoutes } from './routes.ts';
import { createWebhookStore } from './store.ts';

/** Shutdown waits this long for the status subscriber's QUIT before cutting it. */
const SUBSCRIBER_QUIT_DEADLINE_MS = 2_000;

/** What other features tell webhooks (passed on in server/server.ts). Each returns at once; the
 * delivery is queued in the background and a failure to queue it is logged, never thrown. */
export interface WebhookFacts {
  versionCreated(configId: string, version: Parameters<typeof versionCreatedEvent>[0]['version']): void;
  reviewDecided(fact: Parameters<typeof reviewDecidedEvent>[0]): void;
}

export interface WebhooksFeature extends Feature {
  facts: WebhookFacts;
}

export async function webhooksFeature(core: FeatureCore, deps: { sealer: Sealer; redis: { url: string; keyPrefix: string } | null; allowed: BlockList }): Promise<WebhooksFeature> {
  const store = createWebhookStore(core.db);
  const keys = deps.redis ? buildKeys(deps.redis.keyPrefix) : null;
  // The queue and its worker (BullMQ, ioredis) load only when a Redis is configured: without one
  // nothing is sent, and an idle server does not hold their code (as the build queue, builds/feature.ts).
  const redisParts = deps.redis ? await Promise.all([import('./dispatcher.ts'), import('ioredis')]) : null;
  const dispatcher: WebhookDispatcher | null =
    deps.redis && keys && redisParts
      ? redisParts[0].createWebhookDispatcher({
          store,
          sealer: deps.sealer,
          redisUrl: deps.redis.url,
          bullPrefix: keys.bullPrefix,
          settings: { attempts: core.settings.webhookAttempts, retryBaseMs: core.settings.webhookRetryBaseMs, timeoutMs: core.settings.webhookTimeoutMs, allowed: deps.allowed },
          logger: core.logger,
        })
      : null;

  // Builds finish in the builders; every server hears it on the status channel.
  const subscriber = deps.redis && keys && redisParts ? new redisParts[1].Redis(deps.redis.url) : null;
  if (subscriber && keys && dispatcher) {
    subscriber.on('error', () => undefined); // the dispatcher's link reports Redis outages
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== keys.statusChannel) return;
      const notice = decodeBuildStatusNotice(message);
      if (!notice || notice.type !== 'status' || !isTerminal(notice.status)) return;
      void dispatcher.emit(buildFinishedEvent({ configId: notice.configId, buildId: notice.buildId, status: notice.status, error: notice.error, attempts: notice.attempts, at: notice.at }));
    });
    subscriber.subscribe(keys.statusChannel).catch((err: unknown) => core.logger.warn({ err }, 'webhooks: build status subscription failed'));
  }

  const emit = (event: Parameters<WebhookDispatcher['emit']>[0]) => {
    if (dispatcher) void dispatcher.emit(event);
  };
  return {
    name: 'webhooks',
    routes: [{ at: '/api/configs', routes: webhookRoutes({ db: core.db, access: core.access, store, sealer: deps.sealer, dispatcher, allowed: deps.allowed }) }],
    facts: {
      versionCreated: (configId, version) => emit(versionCreatedEvent({ configId, version })),
      reviewDecided: (fact) => emit(reviewDecidedEvent(fact)),
    },
    async shutdown() {
      // QUIT is answered after every command sent before it, so a SUBSCRIBE ioredis re-sent by
      // itself after a reconnect settles instead of rejecting unhandled when the socket is cut
      // (the same reason as in server/builds/builds-context.ts).
      if (subscriber?.status === 'ready') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([subscriber.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBER_QUIT_DEADLINE_MS)))]);
        clearTimeout(timer);
      }
      subscriber?.disconnect();
      await dispatcher?.close();
    },
  };
}
