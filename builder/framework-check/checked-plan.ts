/**
 * A plan the framework has judged: render the files, let `config-dump-json` read them, and render
 * again with what it resolved. The first step of every build (plan and armbian executors): a
 * refusal ends the build as the user's error, with the framework's own words, and is never
 * retried (it would be refused the same way).
 */
import type { BuildSnapshot } from '../../shared/node/builds/read.ts';
import { ExecutorError } from '../executors/types.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { PlanError, renderPlan, type Plan } from '../plan/render-plan.ts';
import type { TreeFile } from '../plan/plan-tree.ts';
import type { FrameworkChecker, FrameworkCheckResult } from './framework-checker.ts';
import type { FrameworkIdentity } from './framework-commit.ts';

/** Said in the manifest and the log when no checkout is configured: the build goes on unchecked. */
export const FRAMEWORK_UNAVAILABLE_REASON = 'no Armbian checkout configured (ARMBIAN_DIR)';

export interface FrameworkJudge {
  checker: FrameworkChecker;
  identity: FrameworkIdentity;
}

export interface CheckedPlanInput {
  snapshot: BuildSnapshot;
  facts: ArmbianFacts;
  builderVersion: string;
  judge: FrameworkJudge | null;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The configuration's userpatches tree, resolved (`plan-tree.ts`): in place for the check too. */
  tree?: readonly TreeFile[];
  /** Told the framework's whole resolved configuration when it accepted the plan. */
  onDump?: (dump: Record<string, unknown>) => void;
}

export function planOrUserError(run: () => Plan): Plan {
  try {
    return run();
  } catch (err) {
    if (err instanceof PlanError) throw new ExecutorError('invalid_config', err.message);
    throw err;
  }
}

/** `planOrUserError` for asynchronous steps (resolving the userpatches tree). */
export async function planOrUserErrorAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof PlanError) throw new ExecutorError('invalid_config', err.message);
    throw err;
  }
}

/** The plan's files the framework reads, at the paths it reads them from. */
export function filesForCheck(plan: Plan): Array<{ installTo: string; content: string | Uint8Array }> {
  return [
    ...plan.tree.map((f) => ({ installTo: `userpatches/${f.path}`, content: f.bytes })),
    ...plan.files.filter((f) => f.installTo !== null).map((f) => ({ installTo: f.installTo!, content: f.content })),
  ];
}

export function refusalMessage(result: Extract<FrameworkCheckResult, { ok: false }>): string {
  return `the Armbian framework refused this configuration: ${result.errors.join('; ')}`;
}

export async function checkedPlan(input: CheckedPlanInput): Promise<Plan> {
  const { snapshot, facts, builderVersion, judge } = input;
  const tree = input.tree ?? [];
  const draft = planOrUserError(() => renderPlan(snapshot, facts, builderVersion, undefined, tree));
  if (!judge) {
    input.log?.(`framework check skipped: ${FRAMEWORK_UNAVAILABLE_REASON}`);
    return planOrUserError(() => renderPlan(snapshot, facts, builderVersion, { kind: 'unavailable', reason: FRAMEWORK_UNAVAILABLE_REASON }, tree));
  }
  input.log?.(`framework check: ./compile.sh ${draft.confName} config-dump-json (Armbian ${judge.identity.version ?? '?'} at ${judge.identity.commit ?? 'an unknown commit'})`);
  const result = await judge.checker.check({ confName: draft.confName, files: filesForCheck(draft), signal: input.signal });
  for (const w of result.warnings) input.log?.(`framework warning: ${w}`);
  if (!result.ok) {
    for (const e of result.errors) input.log?.(`framework error: ${e}`);
    throw new ExecutorError('framework_refused', refusalMessage(result));
  }
  input.onDump?.(result.dump);
  input.log?.(`framework accepted it in ${(result.durationMs / 1000).toFixed(1)} s: IMAGE_FILE_ID ${result.values.IMAGE_FILE_ID}`);
  return planOrUserError(() =>
    renderPlan(snapshot, facts, builderVersion, {
      kind: 'accepted',
      commit: judge.identity.commit,
      version: judge.identity.version,
      values: result.values,
      warnings: result.warnings,
    }, tree),
  );
}
