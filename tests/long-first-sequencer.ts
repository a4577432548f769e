/**
 * Vitest's file order with the long-running files (tests/tiers.ts `LONG_RUNNING_FIRST`) at the
 * front, so a fresh clone (no durations cached) does not start a minutes-long file last.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { LONG_RUNNING_FIRST } from './tiers.ts';

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = LONG_RUNNING_FIRST.indexOf(path.relative(process.cwd(), spec.moduleId));
      return index === -1 ? LONG_RUNNING_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
