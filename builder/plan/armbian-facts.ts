/**
 * The Armbian facts a plan needs (boards, families, build options, releases), read from the
 * project's copy of the framework data in `shared/data/`. Loaded once by the entry point and
 * passed to the plan executor: the same facts give the same plan.
 */
import rawBoards from '../../shared/data/armbian-boards.json' with { type: 'json' };
import rawFamilies from '../../shared/data/armbian-families.json' with { type: 'json' };
import rawOptions from '../../shared/data/armbian-build-options.json' with { type: 'json' };
import rawFramework from '../../shared/data/armbian-framework.json' with { type: 'json' };

export interface BoardRecord {
  board: string;
  name: string;
  support: string;
  family: string;
  arch: string;
  kernelTargets: string[];
  hasVideo?: boolean;
  /** Branch → kernel major.minor a board hook sets over its family's (wdk2023 → 6.7). */
  kernelOverrides?: Record<string, string>;
  /** Extensions the board file enables itself. */
  extensions?: string[];
  /** The board file assigns ENABLE_EXTENSIONS, replacing the command line's (the framework reads
   * it only after the board file): these are enabled, and nothing asked for there. */
  replacesExtensions?: string[];
  bootFsType?: string;
}

export interface FamilyRecord {
  family: string;
  arch: string;
  branches: Record<string, string | null>;
  kernelMajorMinor: string | null;
}

export interface OptionRecord {
  name: string;
  type: 'string' | 'enum' | 'list' | 'integer';
  default: string | number | null;
  separator?: string;
  recommended?: string;
  requiredNonInteractive?: boolean | string;
  status?: string;
  replacedBy?: string;
  valueDetails?: Array<{ value: string; support?: string; architectures?: string[] }>;
}

/** What the facts say about the framework itself (shared/data/armbian-framework.json). */
export interface FrameworkFactsRecord {
  commit: string | null;
  version: string;
  extensions: string[];
  extensionImageSuffixes?: Record<string, string>;
  /** `./compile.sh` takes these first words as commands, never as a config name. */
  commands: string[];
}

export interface ArmbianFacts {
  boards: ReadonlyMap<string, BoardRecord>;
  families: ReadonlyMap<string, FamilyRecord>;
  /** In the data file's order, which is the order of every generated file. */
  options: readonly OptionRecord[];
  framework: FrameworkFactsRecord;
}

export function loadArmbianFacts(): ArmbianFacts {
  return {
    boards: new Map((rawBoards as unknown as BoardRecord[]).map((b) => [b.board, b])),
    families: new Map((rawFamilies as unknown as FamilyRecord[]).map((f) => [f.family, f])),
    options: rawOptions as unknown as OptionRecord[],
    framework: rawFramework as unknown as FrameworkFactsRecord,
  };
}

/**
 * Kernel major.minor the facts expect for a board and branch: a board hook's override, the
 * family's `case $BRANCH` entry, or its single top-level KERNEL_MAJOR_MINOR when it has no
 * per-branch versions. Null when none says. Only a fallback: a plan checked by the framework
 * takes the framework's resolved value.
 */
export function resolveKernelVersion(facts: ArmbianFacts, board: BoardRecord, branch: string): string | null {
  const override = board.kernelOverrides?.[branch];
  if (override) return override;
  const record = facts.families.get(board.family);
  if (!record) return null;
  return record.branches[branch] ?? record.kernelMajorMinor ?? null;
}
