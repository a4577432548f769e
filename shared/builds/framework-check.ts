/**
 * "Check with Armbian" between server and builder: the server has no framework, so it puts a
 * check job on its own BullMQ queue and waits for the answer; a builder with an Armbian checkout
 * (ARMBIAN_DIR) runs `config-dump-json` and returns the framework's verdict in its own words.
 * Builders that can answer say so with a key that expires unless refreshed, so the server can
 * tell "unavailable" at once instead of waiting for a job nobody takes.
 */
import type { JobsOptions } from 'bullmq';
import type { BuildKeys } from './keys.ts';

export const FRAMEWORK_CHECK_QUEUE_NAME = 'framework-checks';
export const FRAMEWORK_CHECK_JOB_NAME = 'framework-check';
/** How long a builder's "I can check" key lives; it refreshes it every third of that. */
export const FRAMEWORK_CHECKER_TTL_MS = 30_000;
/** The server waits this long for an answer: a check takes 2–20 s, a busy builder queues it. */
export const FRAMEWORK_CHECK_WAIT_MS = 120_000;

export interface FrameworkCheckJobData {
  configName: string;
  configJson: Record<string, unknown>;
}

/** What the editor shows in Problems. `messages` are the framework's own lines. */
export interface FrameworkCheckAnswer {
  accepted: boolean;
  /** The framework's errors (refused) — empty when accepted. */
  errors: string[];
  /** The framework's warnings, and the plan's (facts drift, commit mismatch). */
  warnings: string[];
  imageFileId: string | null;
  predictedImageName: string | null;
  kernelVersion: string | null;
  framework: { commit: string | null; version: string | null };
  durationMs: number;
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
