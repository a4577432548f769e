/**
 * The state of a process's link to Redis, logged once per change: "<name> down" when a connection
 * is lost (with the error), "<name> up again" when every connection is ready, with how long it
 * was away and what failed meanwhile. ioredis reports every failed reconnect attempt as an
 * 'error' event; those are counted, not logged one by one (an outage used to fill the log).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export function watchRedisLink(deps: {
  /** Names the link in the log ("cluster bus", "build queue"). */
  name: string;
  connections: Redis[];
  logger: Logger;
  /** What the process does meanwhile, for the "down" line. */
  downMessage: string;
  onChange?: (up: boolean) => void;
  /** Counters to report, as they stand, in the "up again" line (differences are computed). */
  counters?: () => Record<string, number>;
}): { up(): boolean; countError(): void; stop(): void } {
  let up = false;
  /** Closing on purpose (shutdown): a connection going away then is no outage to report. */
  let stopped = false;
  let everUp = false;
  let downSince = 0;
  let countersAtDown: Record<string, number> = {};
  let errorsWhileDown = 0;
  let lastError = '';
  const update = () => {
    if (stopped) return;
    const now = deps.connections.every((c) => c.status === 'ready');
    if (now === up) return;
    up = now;
    deps.onChange?.(up);
    if (up) {
      if (everUp) {
        const counters = deps.counters?.() ?? {};
        const meanwhile = Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, v - (countersAtDown[k] ?? 0)]));
        deps.logger.info({ downMs: Date.now() - downSince, connectionErrors: errorsWhileDown, ...meanwhile }, `${deps.name} up again`);
      }
      everUp = true;
      return;
    }
    downSince = Date.now();
    countersAtDown = deps.counters?.() ?? {};
    errorsWhileDown = 0;
    deps.logger.warn({ err: lastError || undefined }, `${deps.name} down: ${deps.downMessage}`);
  };
  deps.onChange?.(false);
  for (const c of deps.connections) {
    c.on('ready', update);
    c.on('close', update);
    c.on('end', update);
    c.on('error', (err: Error) => {
      lastError = err.message;
      errorsWhileDown += 1;
      update();
    });
  }
  return {
    up: () => up,
    /** Another error that belongs to this link (a queue's), counted instead of logged. */
    countError() {
      errorsWhileDown += 1;
    },
    /** Call before closing the connections on purpose. */
    stop() {
      stopped = true;
    },
  };
}
