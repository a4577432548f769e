/**
 * Which kernel config file the framework reads for a configuration (docs/architecture.md,
 * "Kernel configuration"). The framework's `prepare_kernel_config_core_or_userpatches`
 * (lib/functions/compilation/kernel-config.sh) takes, in this order:
 *   userpatches/<LINUXCONFIG>.config, userpatches/config/kernel/<LINUXCONFIG>.config,
 *   config/kernel/<LINUXCONFIG>.config (its own),
 * where LINUXCONFIG defaults to `linux-${LINUXFAMILY}-${BRANCH}` (config/sources/common.conf) and a
 * few families set their own. A file found there replaces the framework's whole config; it is not
 * merged.
 *
 * LINUXFAMILY comes from the family file; the facts know it where the family file sets it plainly
 * (`shared/data/armbian-families.json`, `linuxFamily`). Where an include or a `case $BRANCH` sets
 * it, only the framework can say: the plan then compares with the LINUXCONFIG the framework
 * resolved (builder/plan/kernel-config-check.ts). Browser-safe.
 */
import rawFamilies from '../data/armbian-families.json' with { type: 'json' };

/** A top-level `linux-….config` or one under `config/kernel/`: where the framework looks. */
const KERNEL_CONFIG_PATH = /^(config\/kernel\/)?linux-[A-Za-z0-9._+-]+\.config$/;

export interface KernelConfigTarget {
  /** The LINUXFAMILY the facts know, or null. */
  linuxFamily: string | null;
  /** `linux-<LINUXFAMILY>-<BRANCH>.config` (relative to userpatches/), or null when LINUXFAMILY is unknown. */
  path: string | null;
}

interface RawFamily {
  family: string;
  linuxFamily: string | null;
}

const LINUX_FAMILIES = new Map((rawFamilies as unknown as RawFamily[]).map((f) => [f.family, f.linuxFamily]));

export function kernelConfigName(linuxFamily: string, branch: string): string {
  return `linux-${linuxFamily}-${branch}.config`;
}

/** The file for a board's family (BOARDFAMILY) and a branch, as far as the facts tell. */
export function kernelConfigTarget(boardFamily: string, branch: string): KernelConfigTarget {
  const linuxFamily = LINUX_FAMILIES.get(boardFamily) ?? null;
  return { linuxFamily, path: linuxFamily ? kernelConfigName(linuxFamily, branch) : null };
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
