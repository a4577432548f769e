/**
 * The builder's side of "Check with Armbian": consumes the framework-check queue, renders the
 * configuration's plan and runs it through the framework, and answers with the framework's own
 * words. Advertises itself with an expiring key while it runs (see shared/node/builds/framework-check.ts).
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  FRAMEWORK_CHECK_QUEUE_NAME,
  FRAMEWORK_CHECKER_TTL_MS,
  frameworkCheckerKey,
  type FrameworkCheckAnswer,
  type FrameworkCheckJobData,
} from '../../shared/node/builds/framework-check.ts';
import type { BuildKeys } from '../../shared/builds/keys.ts';
import { ExecutorError } from '../executors/types.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { resolveTree, type BlobFetcher } from '../plan/plan-tree.ts';
import { checkedPlan, planOrUserErrorAsync, type FrameworkJudge } from './checked-plan.ts';

export interface FrameworkCheckWorkerDeps {
  redis: Redis;
  keys: BuildKeys;
  judge: FrameworkJudge;
  facts: ArmbianFacts;
  builderVersion: string;
  logger: Logger;
  workerName: string;
  /** The binary files of a configuration's tree (builder/blob-fetch.ts). */
  blobsOf: (configId: string) => BlobFetcher;
}

export interface FrameworkCheckWorker {
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function answerCheck(deps: Pick<FrameworkCheckWorkerDeps, 'judge' | 'facts' | 'builderVersion' | 'blobsOf'>, data: FrameworkCheckJobData): Promise<FrameworkCheckAnswer> {
  const started = Date.now();
  const identity = deps.judge.identity;
  const framework = { commit: identity.commit, version: identity.version };
  const snapshot = {
    buildId: 'framework-check',
    configId: 'framework-check',
    configName: data.configName,
    configJson: data.configJson,
    yjsState: Buffer.from(data.yjsState, 'base64'),
    schemaVersion: '',
    builderVersion: deps.builderVersion,
    contentHash: '',
  };
  try {
    // The tree in place, exactly as a build of this state would have it (custom boards, kernel
    // config, extensions are read by the framework at configuration time).
    const tree = await planOrUserErrorAsync(() => resolveTree(snapshot.yjsState, deps.blobsOf(data.configId)));
    const plan = await checkedPlan({ snapshot, facts: deps.facts, builderVersion: deps.builderVersion, judge: deps.judge, tree });
    const m = plan.manifest;
    return {
      accepted: true,
      errors: [],
      warnings: m.warnings,
      imageFileId: m.framework.resolved?.IMAGE_FILE_ID ?? null,
      predictedImageName: m.predictedImageName,
      kernelVersion: m.kernelVersion,
      framework,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    if (!(err instanceof ExecutorError)) throw err;
    // A refusal (or a configuration the plan cannot even render): the user's answer, in the framework's words.
    return { accepted: false, errors: [err.message], warnings: [], imageFileId: null, predictedImageName: null, kernelVersion: null, framework, durationMs: Date.now() - started };
  }
}

export function createFrameworkCheckWorker(deps: FrameworkCheckWorkerDeps): FrameworkCheckWorker {
  const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });
  const key = frameworkCheckerKey(deps.keys);
  let worker: Worker<FrameworkCheckJobData, FrameworkCheckAnswer> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const advertise = async (): Promise<void> => {
    try {
      await deps.redis.set(key, deps.workerName, 'PX', FRAMEWORK_CHECKER_TTL_MS);
    } catch (err) {
      // Redis away: the key expires and the server says "unavailable" until it is back.
      deps.logger.warn({ err }, 'could not advertise the framework check');
    }
  };
  return {
    async start() {
      if (worker) return;
      worker = new Worker<FrameworkCheckJobData, FrameworkCheckAnswer>(FRAMEWORK_CHECK_QUEUE_NAME, (job) => answerCheck(deps, job.data), {
        connection,
        prefix: deps.keys.bullPrefix,
        name: `${deps.workerName}-framework-check`,
        concurrency: 2,
      });
      worker.on('error', (err) => deps.logger.warn({ err }, 'framework check worker error'));
      await worker.waitUntilReady();
      await advertise();
      timer = setInterval(() => void advertise(), FRAMEWORK_CHECKER_TTL_MS / 3);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await worker?.close();
      await connection.quit().catch((err: unknown) => deps.logger.warn({ err }, 'framework check connection did not close cleanly'));
    },
  };
}
