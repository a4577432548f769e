/**
 * Every Redis name the build pipeline uses, derived from one key prefix so that deployments and
 * test runs sharing a Redis never see each other's queues or events.
 */

/** Key prefix when a deployment sets none (KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'boardroom:';

/** BullMQ queue name; the full Redis keys are `<bullPrefix>:builds:*`. */
export const BUILD_QUEUE_NAME = 'builds';

export interface BuildKeys {
  /** The deployment's key prefix (may be empty). */
  readonly prefix: string;
  /** BullMQ's `prefix` option for the build queue, its workers and its events. */
  readonly bullPrefix: string;
  /** Pub/sub channel carrying one build's BuildEvents. */
  eventsChannel(buildId: string): string;
  /** Pattern matching every build's events channel (for a server that follows all builds). */
  readonly eventsPattern: string;
  /** Pub/sub channel on which cancel requests reach every builder. */
  readonly cancelChannel: string;
  /** Pub/sub channel carrying every build's status and progress events, for the servers that
   * push them to each configuration's clients. */
  readonly statusChannel: string;
}

export function buildKeys(prefix: string): BuildKeys {
  return {
    prefix,
    bullPrefix: `${prefix}bull`,
    eventsChannel: (buildId) => `${prefix}build:${buildId}`,
    eventsPattern: `${prefix}build:*`,
    cancelChannel: `${prefix}build-cancel`,
    statusChannel: `${prefix}build-status`,
  };
}

/** Inverse of `eventsChannel`, for pattern subscribers; null for a channel that is not a build's. */
export function buildIdFromChannel(keys: BuildKeys, channel: string): string | null {
  const head = `${keys.prefix}build:`;
  return channel.startsWith(head) ? channel.slice(head.length) : null;
}
