/**
 * The contract between the build runner and an executor. The runner owns everything around the
 * build (status, storage, events, timeouts, cancellation); an executor only turns a snapshot into
 * files in its work directory and reports what it is doing.
 */
import type { Logger } from 'pino';
import type { LogStream } from '../../shared/builds/events.ts';
import type { BuildSnapshot } from '../../shared/node/builds/read.ts';
import type { FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import type { BlobFetcher } from '../plan/plan-tree.ts';

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
  /** Stores a file as a build artifact (name: one path segment, see `checkArtifactName`); answers
   * its size and sha256 as stored. */
  addArtifact(name: string, filePath: string): Promise<{ size: number; sha256: string }>;
  /** The build's first-boot secrets by name (empty: none). Written only into the private workspace
   * (builder/plan/firstrun.ts), never into an artifact; every log line is redacted of them. */
  firstbootSecrets: ReadonlyMap<FirstbootSecretName, string>;
  /** The content of a binary file of the configuration's userpatches tree, by sha256. */
  fetchBlob: BlobFetcher;
  logger: Logger;
}

export interface Executor {
  readonly name: string;
  run(ctx: ExecutorContext): Promise<void>;
  /** The builder's start-up check of what the executor needs on this host (a framework
   * checkout): throws `BuilderSetupError` when builds cannot run here. Absent: nothing to check. */
  checkSetup?(): Promise<void>;
}

/** Codes of failures that are the build's own (not the builder's): retrying would fail again. */
export type ExecutorErrorCode = 'invalid_config' | 'framework_refused' | 'compile_failed' | 'no_output' | 'aborted' | 'secrets_unavailable';

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

/** The builder's own setup is broken (no framework checkout, an unknown ARMBIAN_REF, a framework
 * that cannot get the privileges it needs): the operator's problem, not the build's. The build is
 * never failed for it and never retried in a loop; it waits, queued, until the setup is fixed
 * (architecture.md, "Builds"; operations.md, "Real images"). */
export class BuilderSetupError extends Error {
  readonly code = 'builder_setup';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuilderSetupError';
  }
}
