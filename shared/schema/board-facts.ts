/**
 * Board facts for the schema, derived from the project's copy of the Armbian board and family
 * files (`shared/data/`, see its SOURCE file).
 *
 * Only the schema generator and the server import this module: it pulls in the raw data files
 * (about 200 KB). The browser uses the compact copy inside the generated validator module.
 */
import rawBoards from '../data/armbian-boards.json' with { type: 'json' };
import rawFamilies from '../data/armbian-families.json' with { type: 'json' };
import type { BoardFacts, BoardSupport } from './types.ts';

interface RawBoard {
  board: string;
  name: string;
  vendor: string;
  family: string;
  arch: string;
  support: string;
  kernelTargets: string[];
  hasVideo?: boolean;
}

interface RawFamily {
  family: string;
  branches: Record<string, string | null>;
  kernelMajorMinor: string | null;
}

const BOARD_SUPPORT_LEVELS: readonly BoardSupport[] = ['conf', 'csc', 'tvb', 'eos', 'wip'];

function asSupport(value: string, board: string): BoardSupport {
  if ((BOARD_SUPPORT_LEVELS as readonly string[]).includes(value)) return value as BoardSupport;
  // The data is generated from the framework; an unknown level means the extractor changed.
  throw new Error(`board ${board}: unknown support level '${value}'`);
}

/**
 * Kernel version per branch the board offers. Families without a `case $BRANCH` block carry one
 * top-level version that applies to every branch; branches the family does not map stay null
 * (the framework fails such a build late, so the plan executor reports it).
 */
function kernelsFor(board: RawBoard, family: RawFamily | undefined): Record<string, string | null> {
  const kernels: Record<string, string | null> = {};
  for (const branch of board.kernelTargets) {
    const mapped = family?.branches[branch];
    kernels[branch] = mapped ?? family?.kernelMajorMinor ?? null;
  }
  return kernels;
}

/** Every board, sorted by id, with only the facts the picker and the rules use. */
export function loadBoardFacts(): BoardFacts[] {
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
        kernels: kernelsFor(raw, families.get(raw.family)),
      }),
    )
    .sort((a, b) => (a.board < b.board ? -1 : a.board > b.board ? 1 : 0));
}
