/**
 * Board facts for the schema, derived from the project's copy of the Armbian board and family
 * files (`shared/data/`, see its SOURCE file).
 *
 * Only the schema generator and the server import this module: it pulls in the raw data files
 * (about 200 KB). The browser uses the compact copy inside the generated validator module.
 */
import rawBoards from '../data/armbian-boards.json' with { type: 'json' };
import rawFamilies from '../data/armbian-families.json' with { type: 'json' };
import type { BoardFacts, BoardSupport, FamilyFacts } from './types.ts';

interface RawBoard {
  board: string;
  name: string;
  vendor: string;
  family: string;
  arch: string;
  support: string;
  kernelTargets: string[];
  hasVideo?: boolean;
  kernelOverrides?: Record<string, string>;
  bootFsType?: string;
}

interface RawFamily {
  family: string;
  branches: Record<string, string | null>;
  kernelMajorMinor: string | null;
  bootFsType?: string;
}

const BOARD_SUPPORT_LEVELS: readonly BoardSupport[] = ['conf', 'csc', 'tvb', 'eos', 'wip'];

function asSupport(value: string, board: string): BoardSupport {
  if ((BOARD_SUPPORT_LEVELS as readonly string[]).includes(value)) return value as BoardSupport;
  // The data is generated from the framework; an unknown level means the extractor changed.
  throw new Error(`board ${board}: unknown support level '${value}'`);
}

/**
 * Every branch the framework can build for a board, with its kernel version: the family's
 * `case $BRANCH` labels (KERNEL_TARGET only lists the tested ones; the framework warns about the
 * rest and builds them), every branch when the family sets one version for all, and board hooks
 * on top. A branch missing here leaves KERNEL_MAJOR_MINOR unset, which the framework refuses.
 */
function kernelsFor(board: RawBoard, family: RawFamily | undefined, allBranches: readonly string[]): Record<string, string | null> {
  const kernels = familyKernels(family, allBranches);
  for (const [branch, version] of Object.entries(board.kernelOverrides ?? {})) kernels[branch] = version;
  return kernels;
}

/** The branches a family file defines, with their kernel versions (see `kernelsFor`). */
function familyKernels(family: RawFamily | undefined, allBranches: readonly string[]): Record<string, string | null> {
  const kernels: Record<string, string | null> = {};
  if (family && Object.keys(family.branches).length === 0 && family.kernelMajorMinor) {
    for (const branch of allBranches) kernels[branch] = family.kernelMajorMinor;
  }
  for (const [branch, version] of Object.entries(family?.branches ?? {})) kernels[branch] = version;
  return kernels;
}

/**
 * Every family, sorted by id: what a board file of the configuration's own tree needs to be
 * resolved the way the framework does (its BOARDFAMILY names the family file it sources, which
 * gives the architecture and the kernel per branch). See shared/boards/custom-boards.ts.
 */
export function loadFamilyFacts(allBranches: readonly string[]): FamilyFacts[] {
  return (rawFamilies as unknown as Array<RawFamily & { arch: string | null }>)
    .filter((f) => f.arch !== null)
    .map((f): FamilyFacts => ({ family: f.family, arch: f.arch!, kernels: familyKernels(f, allBranches), ...(f.bootFsType ? { bootFsType: f.bootFsType } : {}) }))
    .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : 0));
}

/** Every board, sorted by id, with only the facts the picker and the rules use. */
export function loadBoardFacts(allBranches: readonly string[]): BoardFacts[] {
  const families = new Map<string, RawFamily>();
  for (const family of rawFamilies as unknown as RawFamily[]) families.set(family.family, family);
  return (rawBoards as unknown as RawBoard[])
    .map(
      (raw): BoardFacts => ({
        board: raw.board,
        name: raw.name,
        vendor: raw.vendor,
        family: raw.family,
        arch: raw.arch,
        support: asSupport(raw.support, raw.board),
        kernelTargets: [...raw.kernelTargets],
        // Armbian's HAS_VIDEO_OUTPUT defaults to yes; the data only records boards that set it.
        hasVideo: raw.hasVideo !== false,
        kernels: kernelsFor(raw, families.get(raw.family), allBranches),
        ...(raw.bootFsType ? { bootFsType: raw.bootFsType } : {}),
      }),
    )
    .sort((a, b) => (a.board < b.board ? -1 : a.board > b.board ? 1 : 0));
}
