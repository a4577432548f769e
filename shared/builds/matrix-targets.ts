/**
 * The targets of a build matrix (boards × branches × releases × image types) and what a target
 * does to the configuration: its settings replace the configuration's, and the result is one
 * ordinary build's snapshot. Browser-safe: the Builds panel's matrix view shows the same grid the
 * server expands.
 */
import type { InventoryBoard, TargetVars } from './targets-compositor.ts';

/** The image types a matrix picks from, as the framework's two switches (targets.yaml's vars). */
export const IMAGE_TYPES = {
  cli: { BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no' },
  minimal: { BUILD_MINIMAL: 'yes', BUILD_DESKTOP: 'no' },
  desktop: { BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'yes' },
} as const satisfies Record<string, TargetVars>;
export type ImageType = keyof typeof IMAGE_TYPES;
export const IMAGE_TYPE_NAMES = Object.keys(IMAGE_TYPES) as ImageType[];

/** A pick in the matrix view. An empty dimension keeps the configuration's own value. */
export interface MatrixPick {
  boards: string[];
  branches: string[];
  releases: string[];
  images: ImageType[];
}

export interface PickExpansion {
  targets: TargetVars[];
  /** Board and branch pairs left out because the board does not offer the branch (its
   * KERNEL_TARGET), as the framework's inventory leaves them out. */
  skipped: Array<{ BOARD: string; BRANCH: string }>;
}

/** The cross product of a pick, in the order boards, branches, releases, image types. */
export function expandPick(pick: MatrixPick, inventory: readonly InventoryBoard[]): PickExpansion {
  const boards = new Map(inventory.map((b) => [b.board, b]));
  const dim = <T>(values: readonly T[]): Array<T | null> => (values.length > 0 ? [...values] : [null]);
  const targets: TargetVars[] = [];
  const skipped: PickExpansion['skipped'] = [];
  for (const board of dim(pick.boards)) {
    for (const branch of dim(pick.branches)) {
      const offered = board === null || branch === null || (boards.get(board)?.kernelTargets.includes(branch) ?? true);
      if (!offered) {
        skipped.push({ BOARD: board!, BRANCH: branch! });
        continue;
      }
      for (const release of dim(pick.releases)) {
        for (const image of dim(pick.images)) {
          const target: TargetVars = {};
          if (board !== null) target.BOARD = board;
          if (branch !== null) target.BRANCH = branch;
          if (release !== null) target.RELEASE = release;
          if (image !== null) Object.assign(target, IMAGE_TYPES[image]);
          targets.push(target);
        }
      }
    }
  }
  return { targets, skipped };
}

/** The configuration a target builds: the target's settings over the configuration's. */
export function applyTarget(config: Record<string, unknown>, target: TargetVars): Record<string, unknown> {
  return { ...config, ...target };
}

/** The image type a target's switches name, or null when it sets neither. */
export function imageTypeOf(target: TargetVars): ImageType | 'custom' | null {
  if (target.BUILD_MINIMAL === undefined && target.BUILD_DESKTOP === undefined) return null;
  const found = IMAGE_TYPE_NAMES.find((name) => IMAGE_TYPES[name].BUILD_MINIMAL === target.BUILD_MINIMAL && IMAGE_TYPES[name].BUILD_DESKTOP === target.BUILD_DESKTOP);
  return found ?? 'custom';
}

/** A short name for a cell: its board, branch, release and image type (what it overrides). */
export function targetLabel(target: TargetVars): string {
  const image = imageTypeOf(target);
  const parts = [target.BOARD, target.BRANCH, target.RELEASE, image && image !== 'custom' ? image : null];
  const rest = Object.entries(target)
    .filter(([k]) => !['BOARD', 'BRANCH', 'RELEASE', 'BUILD_MINIMAL', 'BUILD_DESKTOP'].includes(k) || image === 'custom')
    .map(([k, v]) => `${k}=${v}`);
  return [...parts.filter(Boolean), ...rest].join(' · ') || 'as configured';
}

/** Removes repeated targets (same settings), keeping the first, as the compositor does. */
export function uniqueTargets(targets: readonly TargetVars[]): TargetVars[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = JSON.stringify(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
