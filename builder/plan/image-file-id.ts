/**
 * What the facts expect the framework's IMAGE_FILE_ID to be, following its
 * `calculate_image_version` with the predicted kernel (lib/functions/configuration/main-config.sh):
 * Board_RELEASE_BRANCH_<major.minor>.y|generic[_DESKTOP_ENVIRONMENT][extension suffixes][_desktop][_minimal][_nfsboot].
 *
 * Never shown as the image name: that comes from the framework check. It is a cross-check: the
 * agreement test holds the facts to it, and a checked plan warns when the two differ (stale facts).
 */
import type { ArmbianFacts, BoardRecord } from './armbian-facts.ts';
import { resolveKernelVersion } from './armbian-facts.ts';
import { commaList } from '../../shared/boards/board-file.ts';

export function expectedImageFileId(facts: ArmbianFacts, board: BoardRecord, get: (name: string) => string | undefined): string {
  const branch = get('BRANCH') ?? '';
  const kernel = resolveKernelVersion(facts, board, branch);
  const desktop = get('DESKTOP_ENVIRONMENT');
  // A board that assigns ENABLE_EXTENSIONS gets its own list there, and the plan enables the
  // command line's in the conf file (render-plan.ts, `keptExtensions`): both count.
  const enabled = [...(board.extensions ?? []), ...(board.replacesExtensions ?? []), ...commaList(get('ENABLE_EXTENSIONS'))];
  const suffixes = facts.framework.extensionImageSuffixes ?? {};
  let id = `${board.board.charAt(0).toUpperCase()}${board.board.slice(1)}_${get('RELEASE') ?? ''}_${branch}_${kernel ? `${kernel}.y` : 'generic'}`;
  if (desktop) id += `_${desktop}`;
  for (const ext of [...new Set(enabled)]) id += suffixes[ext] ?? '';
  if (get('BUILD_DESKTOP') === 'yes') id += '_desktop';
  if (get('BUILD_MINIMAL') === 'yes') id += '_minimal';
  if (get('ROOTFS_TYPE') === 'nfs') id += '_nfsboot';
  return id;
}
