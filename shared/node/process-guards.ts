/**
 * Process-level last resorts, installed by the entry files (`server/main.ts`, `builder/main.ts`).
 *
 * - `unhandledRejection`: logged and counted, and the process keeps running. A rejected promise
 *   nobody awaited is an asynchronous operation that failed after its caller moved on; the state
 *   it leaves is what the caller already had to cope with. Exiting for it (Node's default) would
 *   drop every live socket of every user because of one request, which is what made a single
 *   malformed upgrade a denial of service.
 * - `uncaughtException`: logged and counted, then the process shuts down cleanly and exits 1. A
 *   synchronous throw that reached the event loop unwound a stack at an arbitrary point (halfway
 *   through a room's bookkeeping, say); Node documents that resuming after it is unsafe. Committed
 *   updates are durable before anyone sees them, so a drain-and-exit loses nothing, and the
 *   supervisor (orchestrator, `npm start`) decides about restarting.
 */
import type { Logger } from 'pino';

export type ProcessErrorKind = 'unhandledRejection' | 'uncaughtException';

export interface ProcessGuardDeps {
  logger: Logger;
  /** Counts each event by kind (a prom-client counter with a `kind` label). */
  count?: (kind: ProcessErrorKind) => void;
  /** Starts the clean shutdown after an uncaught exception; must end the process. */
  onFatal: (error: unknown) => void;
}

export function installProcessGuards(proc: NodeJS.EventEmitter, deps: ProcessGuardDeps): void {
  proc.on('unhandledRejection', (reason: unknown) => {
    deps.count?.('unhandledRejection');
    deps.logger.error({ err: reason }, 'unhandled promise rejection (the process keeps running)');
  });
  proc.on('uncaughtException', (error: unknown) => {
    deps.count?.('uncaughtException');
    deps.logger.fatal({ err: error }, 'uncaught exception: shutting down cleanly');
    deps.onFatal(error);
  });
}
