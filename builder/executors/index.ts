/** Executors by name: a deployment picks one with BUILD_EXECUTOR. */
import type { FrameworkJudge } from '../framework-check/checked-plan.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { createArmbianExecutor } from './armbian.ts';
import type { BuildEnvFactory } from './build-env.ts';
import { createPlanExecutor } from './plan.ts';
import type { BuildUser } from './workspace.ts';
import type { Executor } from './types.ts';

export const EXECUTOR_NAMES = ['plan', 'armbian'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export interface ExecutorSelection {
  name: string;
  facts: ArmbianFacts;
  builderVersion: string;
  /** Required for `armbian`. */
  armbianDir?: string;
  /** `armbian`: the commit, tag or branch of `armbianDir` to build from (null: as it is). */
  armbianRef?: string | null;
  /** `armbian`: who runs the framework when the builder is root (null: the builder's own user). */
  buildUser?: BuildUser | null;
  /** `armbian`: the framework cache shared by this builder's builds (ARMBIAN_CACHE_DIR). */
  cacheDir?: string | null;
  /** `armbian`: SIGTERM → SIGKILL on cancel (tests shorten it). */
  killGraceMs?: number;
  /** The allow-listed environment of build processes (`build-env.ts`), never the builder's own. */
  buildEnv: BuildEnvFactory;
  /** The framework check every build starts with; null or absent when no checkout is configured (plan only). */
  judge?: FrameworkJudge | null;
}

export function createExecutor(selection: ExecutorSelection): Executor {
  switch (selection.name) {
    case 'plan':
      return createPlanExecutor({ ...selection, judge: selection.judge ?? null });
    case 'armbian':
      if (!selection.armbianDir) throw new Error('the armbian executor needs ARMBIAN_DIR (an Armbian build checkout)');
      return createArmbianExecutor({
        facts: selection.facts,
        builderVersion: selection.builderVersion,
        buildEnv: selection.buildEnv,
        source: { dir: selection.armbianDir, ref: selection.armbianRef ?? null },
        buildUser: selection.buildUser ?? null,
        cacheDir: selection.cacheDir ?? null,
        killGraceMs: selection.killGraceMs,
      });
    default:
      throw new Error(`unknown executor ${selection.name}; choose one of ${EXECUTOR_NAMES.join(', ')}`);
  }
}
