/**
 * A build's log on its way out: lines are batched, stored in `build_logs`, and only then
 * published on the build's channel, so a viewer who reads the store and then follows the channel
 * (shared/node/builds/follow-log.ts) misses nothing and sees nothing twice.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildLogs } from '../shared/node/db/builds-schema.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import type { BuildLogLine, LogStream } from '../shared/builds/events.ts';
import type { BuildKeys } from '../shared/builds/keys.ts';
import type { Tenant } from '../shared/tenant.ts';
import { publishBuildEvent } from '../shared/node/builds/transition.ts';

/** Lines wait at most this long before they are stored and published: well under the one second
 * a viewer may wait, long enough to turn a burst of compiler output into one INSERT. */
export const LOG_FLUSH_INTERVAL_MS = 100;
/** Lines per INSERT/event: 500 × 5 parameters stays far below Postgres' 65,535 limit and keeps one
 * pub/sub message around 100 KB. */
export const LOG_BATCH_MAX_LINES = 500;
/** One line is cut here: compiler command lines can be several KB; more is junk (binary output). */
export const LOG_LINE_MAX_CHARS = 4_096;
/** Lines stored per build, across attempts. A verbose Armbian CI build prints tens of thousands;
 * beyond this the log stops growing and says so instead of filling the database. */
export const LOG_MAX_LINES_PER_BUILD = 200_000;
/** Wait before retrying a failed INSERT: enough for a Postgres failover blip. */
const LOG_RETRY_DELAY_MS = 500;

export interface LogSink {
  append(line: string, stream: LogStream): void;
  /** Stores and publishes everything appended so far; rejects if the store keeps failing. */
  close(): Promise<void>;
  readonly lastSeq: number;
}

export interface LogSinkDeps {
  db: BuildsDb;
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
  buildId: string;
  /** The build's tenant: its events channel is named with it. */
  tenant: Tenant;
  /** Highest seq already stored for this build (earlier attempts), 0 for none. */
  startSeq: number;
  /** Applied to every line before it is cut, stored or published (builder/redact.ts). */
  redact?: (line: string) => string;
}

export function createLogSink(deps: LogSinkDeps): LogSink {
  let seq = deps.startSeq;
  let buffer: BuildLogLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let lastError: unknown = null;
  let dropped = 0;
  let closed = false;

  const push = (line: string, stream: LogStream): void => {
    seq += 1;
    buffer.push({ seq, ts: new Date().toISOString(), stream, line });
  };

  const flushOnce = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, LOG_BATCH_MAX_LINES);
      try {
        await deps.db
          .insert(buildLogs)
          .values(batch.map((l) => ({ buildId: deps.buildId, seq: l.seq, ts: new Date(l.ts), stream: l.stream, line: l.line })))
          // A retried INSERT whose first try did commit must not fail the build.
          .onConflictDoNothing();
      } catch (err) {
        lastError = err;
        deps.logger.error({ err, buildId: deps.buildId, lines: batch.length }, 'could not store build log lines; keeping them to retry');
        throw err;
      }
      lastError = null;
      buffer = buffer.slice(batch.length);
      try {
        await publishBuildEvent(deps.redis, deps.keys, deps.tenant, { type: 'log', buildId: deps.buildId, lines: batch });
      } catch (err) {
        // Stored already: a late or reconnecting viewer reads them from the store.
        deps.logger.warn({ err, buildId: deps.buildId }, 'could not publish build log lines');
      }
    }
  };

  const schedule = (delay: number): void => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      flushing = flushing.then(flushOnce).catch(() => schedule(LOG_RETRY_DELAY_MS));
    }, delay);
  };

  return {
    append(raw, stream) {
      const line = deps.redact ? deps.redact(raw) : raw;
      if (closed) {
        deps.logger.warn({ buildId: deps.buildId, line }, 'log line after the log was closed');
        return;
      }
      if (seq >= LOG_MAX_LINES_PER_BUILD) {
        dropped += 1;
        return;
      }
      const text = line.length > LOG_LINE_MAX_CHARS ? `${line.slice(0, LOG_LINE_MAX_CHARS)} …[cut]` : line;
      push(text, stream);
      if (seq === LOG_MAX_LINES_PER_BUILD) {
        // The last line that fits says why nothing follows.
        buffer[buffer.length - 1]!.line = `log limit of ${LOG_MAX_LINES_PER_BUILD} lines reached; further lines are not kept`;
        buffer[buffer.length - 1]!.stream = 'system';
      }
      if (buffer.length >= LOG_BATCH_MAX_LINES) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        schedule(0);
      } else {
        schedule(LOG_FLUSH_INTERVAL_MS);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (dropped > 0) deps.logger.warn({ buildId: deps.buildId, dropped }, 'build log over its limit');
      await flushing.catch(() => undefined);
      try {
        await flushOnce();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, LOG_RETRY_DELAY_MS));
        await flushOnce();
      }
      if (lastError) throw lastError;
    },
    get lastSeq() {
      return seq;
    },
  };
}
