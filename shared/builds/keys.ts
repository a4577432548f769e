/**
 * Every Redis name the build pipeline uses, derived from one key prefix so that deployments and
 * test runs sharing a Redis never see each other's queues or events, and naming the tenant
 * wherever it is one build's (docs/architecture.md "Redis key layout").
 */
import type { Tenant } from '../tenant.ts';

/** Key prefix when a deployment sets none (KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'boardroom:';

/** BullMQ queue name; the full Redis keys are `<bullPrefix>:builds:*`. One queue for every
 * tenant: the builders are one pool for the deployment, and a queue per tenant would need a worker
 * per tenant. Each job carries its tenant in its name (`buildJobName`) and data (`orgId`). */
export const BUILD_QUEUE_NAME = 'builds';

/** A build job's BullMQ name: `t:<tenant>:build`, for whoever looks at the queue. */
export const buildJobName = (tenant: Tenant): string => `t:${tenant}:build`;

export interface BuildKeys {
  /** The deployment's key prefix (may be empty). */
  readonly prefix: string;
  /** BullMQ's `prefix` option for the build queue, its workers and its events. */
  readonly bullPrefix: string;
  /** Pub/sub channel carrying one build's BuildEvents (log lines included): `t:<tenant>:build:<id>`. */
  eventsChannel(tenant: Tenant, buildId: string): string;
  /** Pattern matching every build's events channel (for a server that follows all builds). */
  readonly eventsPattern: string;
  /** Pub/sub channel on which cancel requests reach every builder. Deployment-wide on purpose:
   * any builder may be running the build, and a request carries only a build id, no tenant data. */
  readonly cancelChannel: string;
  /** Pub/sub channel carrying every build's status and progress events, for the servers that
   * push them to each configuration's clients. Deployment-wide on purpose: every server process
   * listens for every configuration's builds (which rooms it holds changes all the time), and
   * what travels is a status or a percentage, never a log line; each event names its
   * configuration, whose room alone gets it. */
  readonly statusChannel: string;
}

export function buildKeys(prefix: string): BuildKeys {
  return {
    prefix,
    bullPrefix: `${prefix}bull`,
    eventsChannel: (tenant, buildId) => `${prefix}t:${tenant}:build:${buildId}`,
    eventsPattern: `${prefix}t:*:build:*`,
    cancelChannel: `${prefix}build-cancel`,
    statusChannel: `${prefix}build-status`,
  };
}

/** Inverse of `eventsChannel`, for pattern subscribers; null for a channel that is not a build's. */
export function buildIdFromChannel(keys: BuildKeys, channel: string): string | null {
  const head = `${keys.prefix}t:`;
  if (!channel.startsWith(head)) return null;
  const match = /^[^:]+:build:(.+)$/.exec(channel.slice(head.length));
  return match ? match[1]! : null;
}
