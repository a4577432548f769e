/**
 * Which kernel config file the framework reads for a configuration (docs/architecture.md,
 * "Kernel configuration"). The framework's `prepare_kernel_config_core_or_userpatches`
 * (lib/functions/compilation/kernel-config.sh) takes, in this order:
 *   userpatches/<LINUXCONFIG>.config, userpatches/config/kernel/<LINUXCONFIG>.config,
 *   config/kernel/<LINUXCONFIG>.config (its own),
 * where LINUXCONFIG defaults to `linux-${LINUXFAMILY}-${BRANCH}` (config/sources/common.conf) and a
 * few families and boards set their own. A file found there replaces the framework's whole config;
 * it is not merged.
 *
 * Family files, their includes and `case $BRANCH` blocks set LINUXFAMILY and LINUXCONFIG, so the
 * names come from the framework itself: `shared/data/armbian-kernel-configs.json`, written by
 * `scripts/kernel-config-names.ts` (config-dump-json per family and branch). A branch missing
 * there falls back to the family's plain LINUXFAMILY, else it is unknown; the plan compares with
 * the LINUXCONFIG the framework resolved for the build (builder/plan/kernel-config-check.ts).
 * Browser-safe.
 */
import rawFamilies from '../data/armbian-families.json' with { type: 'json' };
import rawKernelConfigs from '../data/armbian-kernel-configs.json' with { type: 'json' };

/** A top-level `linux-….config` or one under `config/kernel/`: where the framework looks. */
const KERNEL_CONFIG_PATH = /^(config\/kernel\/)?linux-[A-Za-z0-9._+-]+\.config$/;

/** The branch that installs the distribution's kernel instead of compiling one (the UEFI families'
 * `ddk`): no kernel config file is read. */
export const DISTRIBUTION_KERNEL_BRANCH = 'ddk';

export interface KernelConfigTarget {
  /** False on the distribution-kernel branch: no kernel is compiled, so no file is read. */
  compiled: boolean;
  /** LINUXCONFIG, e.g. `linux-rockchip64-current`; null when it is not known (or not compiled). */
  linuxConfig: string | null;
  /** `<LINUXCONFIG>.config` (relative to userpatches/), or null. */
  path: string | null;
}

interface RawFamily {
  family: string;
  linuxFamily: string | null;
}

interface KernelConfigNames {
  /** BOARDFAMILY → BRANCH → LINUXCONFIG. */
  families: Record<string, Record<string, string>>;
  /** Boards whose own file sets another (wdk2023): BOARD → BRANCH → LINUXCONFIG. */
  boards: Record<string, Record<string, string>>;
}

const LINUX_FAMILIES = new Map((rawFamilies as unknown as RawFamily[]).map((f) => [f.family, f.linuxFamily]));
const NAMES = rawKernelConfigs as unknown as KernelConfigNames;

const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** The file for a board (its BOARDFAMILY, and the board itself for boards that set their own) and a branch. */
export function kernelConfigTarget(boardFamily: string, branch: string, board?: string): KernelConfigTarget {
  if (branch === DISTRIBUTION_KERNEL_BRANCH) return { compiled: false, linuxConfig: null, path: null };
  const linuxConfig = (board ? own(own(NAMES.boards, board), branch) : undefined)
    ?? own(own(NAMES.families, boardFamily), branch)
    ?? (LINUX_FAMILIES.get(boardFamily) ? `linux-${LINUX_FAMILIES.get(boardFamily)}-${branch}` : null);
  return { compiled: true, linuxConfig, path: linuxConfig ? `${linuxConfig}.config` : null };
}

/** True for a path (relative to userpatches/) the framework could read as a kernel config. */
export function isKernelConfigPath(path: string): boolean {
  return KERNEL_CONFIG_PATH.test(path);
}

/** The LINUXCONFIG a path names (`linux-rockchip64-current`), or null. */
export function linuxConfigOf(path: string): string | null {
  if (!isKernelConfigPath(path)) return null;
  return path.replace(/^config\/kernel\//, '').replace(/\.config$/, '');
}
