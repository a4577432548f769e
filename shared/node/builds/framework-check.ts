/**
 * "Check with Armbian" between server and builder: the server has no framework, so it puts a
 * check job on its own BullMQ queue and waits for the answer; a builder with an Armbian checkout
 * (ARMBIAN_DIR) runs `config-dump-json` and returns the framework's verdict in its own words.
 * Builders that can answer say so with a key that expires unless refreshed, so the server can
 * tell "unavailable" at once instead of waiting for a job nobody takes.
 */
import type { JobsOptions } from 'bullmq';
import type { BuildKeys } from '../../builds/keys.ts';
import type { FrameworkCheckAnswer } from '../../builds/framework-check-answer.ts';

// The answer type lives beside the browser-safe build vocabulary: the client imports it too.
export type { FrameworkCheckAnswer };

export const FRAMEWORK_CHECK_QUEUE_NAME = 'framework-checks';
export const FRAMEWORK_CHECK_JOB_NAME = 'framework-check';
/** How long a builder's "I can check" key lives; it refreshes it every third of that. */
export const FRAMEWORK_CHECKER_TTL_MS = 30_000;
/** The server waits this long for an answer: a check takes 2–20 s, a busy builder queues it. */
export const FRAMEWORK_CHECK_WAIT_MS = 120_000;

export interface FrameworkCheckJobData {
  configId: string;
  configName: string;
  configJson: Record<string, unknown>;
  /** The durable Yjs state, base64: the userpatches tree (board files, kernel config, scripts)
   * is in place for the check as it is for a build. Its blobs are fetched by the builder. */
  yjsState: string;
}

export function frameworkCheckerKey(keys: BuildKeys): string {
  return `${keys.prefix}framework-check:available`;
}

export function frameworkCheckJobOptions(): JobsOptions {
  return {
    // A refusal is an answer, not a failure; a builder crash is not worth a retry for an interactive check.
    attempts: 1,
    removeOnComplete: { age: 600 },
    removeOnFail: { age: 600 },
  };
}
