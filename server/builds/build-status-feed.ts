/**
 * Build status pushed to the people who have the configuration open: every server process
 * subscribes to the builders' one status channel (`BuildKeys.statusChannel`: every status change
 * and progress report of every build, with its configuration) and hands each event to its own
 * clients of that configuration as a `build/status` or `build/progress` live event. Every process
 * hears the channel itself, so nothing goes on the room bus (it would arrive once per process).
 *
 * A message missed while Redis is away is not replayed: the client reads its build list again
 * when its connection comes back (client/builds/build-center.ts), and the row is the truth.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeBuildStatusNotice, type BuildStatusNotice } from '../../shared/builds/events.ts';
import type { BuildKeys } from '../../shared/builds/keys.ts';
import type { ExtKind, ExtPayloads } from '../../shared/ext-messages.ts';

/** Where the events go: this process's clients of one configuration (`RoomManager.deliverExt`). */
export type DeliverExt = <K extends ExtKind>(configId: string, kind: K, payload: ExtPayloads[K]) => void;

export interface BuildStatusFeed {
  /** Resolves once Redis confirmed the subscription. */
  ready: Promise<void>;
  /** Stops forwarding. The subscriber's owner disconnects it, so nothing here waits on Redis. */
  close(): void;
}

/** `subscriber` is a connection in subscriber mode (the build event hub's); it may carry other
 * channels, whose messages are left alone. Its owner closes it. */
export function startBuildStatusFeed(deps: { subscriber: Redis; keys: BuildKeys; deliver: DeliverExt; logger: Logger }): BuildStatusFeed {
  const channel = deps.keys.statusChannel;
  const forward = (notice: BuildStatusNotice): void => {
    if (notice.type === 'status') {
      const { buildId, status, error, attempts, at } = notice;
      deps.deliver(notice.configId, 'build/status', { buildId, status, error, attempts, at });
    } else {
      deps.deliver(notice.configId, 'build/progress', { buildId: notice.buildId, stage: notice.stage, pct: notice.pct });
    }
  };
  const onMessage = (from: string, message: string): void => {
    if (from !== channel) return;
    const notice = decodeBuildStatusNotice(message);
    if (!notice) {
      deps.logger.warn({ channel }, 'ignored a malformed build status message');
      return;
    }
    try {
      forward(notice);
    } catch (err) {
      // One room's failure must not stop the others' news.
      deps.logger.error({ err, buildId: notice.buildId }, 'could not push a build status');
    }
  };
  deps.subscriber.on('message', onMessage);
  // ioredis subscribes again by itself after a reconnect.
  const ready = deps.subscriber.subscribe(channel).then(() => undefined);
  ready.catch((err: unknown) => deps.logger.warn({ err, channel }, 'build status subscription failed; clients read build lists instead'));
  return {
    ready,
    close() {
      deps.subscriber.off('message', onMessage);
      deps.subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
