/**
 * The contract between the build runner and an executor. The runner owns everything around the
 * build (status, storage, events, timeouts, cancellation); an executor only turns a snapshot into
 * files in its work directory and reports what it is doing.
 */
import type { Logger } from 'pino';
import type { LogStream } from '../../shared/builds/events.ts';
import type { BuildSnapshot } from '../../shared/builds/read.ts';

export interface ExecutorContext {
  buildId: string;
  snapshot: BuildSnapshot;
  /** Empty, private to this attempt, removed after the build. */
  workDir: string;
  log(line: string, stream?: LogStream): void;
  /** Stage name and 0–100 percentage; the runner throttles what it publishes and stores. */
  progress(stage: string, pct: number): void;
  /** Aborted on cancel, timeout and builder shutdown; `signal.reason` says which. Stop promptly. */
  signal: AbortSignal;
  /** Stores a file as a build artifact (name: one path segment, see `checkArtifactName`). */
  addArtifact(name: string, filePath: string): Promise<void>;
  logger: Logger;
}

export interface Executor {
  readonly name: string;
  run(ctx: ExecutorContext): Promise<void>;
}

/** Codes of failures that are the build's own (not the builder's): retrying would fail again. */
export type ExecutorErrorCode = 'invalid_config' | 'framework_refused' | 'compile_failed' | 'no_output' | 'aborted';

/** A failure of the build itself. Any other error thrown by an executor is treated as a builder
 * fault, and the job is retried. */
export class ExecutorError extends Error {
  readonly code: ExecutorErrorCode;
  constructor(code: ExecutorErrorCode, message: string) {
    super(message);
    this.name = 'ExecutorError';
    this.code = code;
  }
}
