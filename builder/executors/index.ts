/** Executors by name: a deployment picks one with BUILD_EXECUTOR. */
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { createArmbianExecutor } from './armbian.ts';
import type { BuildEnvFactory } from './build-env.ts';
import { createPlanExecutor } from './plan.ts';
import type { Executor } from './types.ts';

export const EXECUTOR_NAMES = ['plan', 'armbian'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export interface ExecutorSelection {
  name: string;
  facts: ArmbianFacts;
  builderVersion: string;
  /** Required for `armbian`. */
  armbianDir?: string;
  /** The allow-listed environment of build processes (`build-env.ts`), never the builder's own. */
  buildEnv: BuildEnvFactory;
}

export function createExecutor(selection: ExecutorSelection): Executor {
  switch (selection.name) {
    case 'plan':
      return createPlanExecutor(selection);
    case 'armbian':
      if (!selection.armbianDir) throw new Error('the armbian executor needs ARMBIAN_DIR (an Armbian build checkout)');
      return createArmbianExecutor({ ...selection, armbianDir: selection.armbianDir });
    default:
      throw new Error(`unknown executor ${selection.name}; choose one of ${EXECUTOR_NAMES.join(', ')}`);
  }
}
