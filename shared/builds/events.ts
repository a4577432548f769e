/**
 * What flows from a builder to every viewer of a build, over the Redis channel
 * `BuildKeys.eventsChannel(buildId)` as JSON. Log lines are published only after they are stored
 * in `build_logs`, so a viewer that reads the stored log and then follows the channel (see
 * `followBuildLog`) sees every line exactly once, in `seq` order.
 *
 * Status and progress events also go out on the one deployment-wide `BuildKeys.statusChannel`,
 * with the configuration they belong to, so every server process hears each change once and
 * tells that configuration's connected clients (server/builds/build-status-feed.ts).
 */
import type { BuildStatus } from './status.ts';

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface BuildLogLine {
  /** 1-based, gap-free within a build. */
  seq: number;
  /** ISO 8601. */
  ts: string;
  stream: LogStream;
  line: string;
}

export interface BuildArtifactInfo {
  name: string;
  size: number;
  sha256: string;
  /** ISO 8601. */
  expiresAt: string;
}

export type BuildEvent =
  | {
      type: 'status';
      buildId: string;
      configId: string;
      status: BuildStatus;
      /** Set on failed (why) and on a lost attempt going back to queued. */
      error: string | null;
      attempts: number;
      /** ISO 8601 time of the transition. */
      at: string;
    }
  | { type: 'progress'; buildId: string; configId: string; stage: string; pct: number }
  | { type: 'log'; buildId: string; lines: BuildLogLine[] }
  | { type: 'artifact'; buildId: string; artifact: BuildArtifactInfo };

export type BuildEventType = BuildEvent['type'];

/** What travels on `BuildKeys.statusChannel`: a build's status or progress, with its configuration. */
export type BuildStatusNotice = Extract<BuildEvent, { type: 'status' | 'progress' }>;

/** Parses a status-channel message; null for anything that is not a status or progress event
 * naming its configuration. */
export function decodeBuildStatusNotice(message: string): BuildStatusNotice | null {
  const event = decodeBuildEvent(message);
  if (!event || (event.type !== 'status' && event.type !== 'progress')) return null;
  return typeof event.configId === 'string' ? event : null;
}

/** Message on `BuildKeys.cancelChannel`. */
export interface BuildCancelMessage {
  buildId: string;
}

export function encodeBuildEvent(event: BuildEvent): string {
  return JSON.stringify(event);
}

/** Parses a channel message; null for anything that is not a well-formed BuildEvent. */
export function decodeBuildEvent(message: string): BuildEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    // A foreign or truncated message on our channel: not an event, ignored by the caller.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const event = value as { type?: unknown; buildId?: unknown };
  if (typeof event.buildId !== 'string') return null;
  switch (event.type) {
    case 'status':
    case 'progress':
    case 'artifact':
      return value as BuildEvent;
    case 'log':
      return Array.isArray((value as { lines?: unknown }).lines) ? (value as BuildEvent) : null;
    default:
      return null;
  }
}
