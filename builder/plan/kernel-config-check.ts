/**
 * Whether the kernel config files in a configuration's tree are the one the framework reads
 * (docs/architecture.md, "Kernel configuration"). The framework looks for
 * `userpatches/<LINUXCONFIG>.config`, then `userpatches/config/kernel/<LINUXCONFIG>.config`
 * (lib/functions/compilation/kernel-config.sh); any other `linux-*.config` is silently ignored,
 * which a reviewer would not guess. A checked plan knows LINUXCONFIG from the framework (the
 * kernel artifact's inputs in `config-dump-json`); an unchecked one takes the facts' name.
 */
import { DISTRIBUTION_KERNEL_BRANCH, isKernelConfigPath, kernelConfigTarget } from '../../shared/kernel-config/kernel-config-file.ts';
import type { ResolvedValues } from '../framework-check/resolved-values.ts';

/** LINUXCONFIG as the framework resolved it, or null when the dump did not carry it. */
export function resolvedLinuxConfig(values: ResolvedValues): string | null {
  const entry = values.artifactInputs.kernel?.find((i) => i.startsWith('LINUXCONFIG='));
  const name = entry?.slice('LINUXCONFIG='.length);
  return name ? name : null;
}

export interface KernelConfigInputs {
  treePaths: readonly string[];
  board: { board: string; family: string };
  branch: string;
  /** From the framework when it checked the plan. */
  resolved: ResolvedValues | null;
}

/** Warnings about kernel config files the build will not read. */
export function kernelConfigWarnings(input: KernelConfigInputs): string[] {
  const files = input.treePaths.filter(isKernelConfigPath);
  if (files.length === 0) return [];
  if (input.branch === DISTRIBUTION_KERNEL_BRANCH) {
    return files.map((f) => `userpatches/${f} is not read: branch ${input.branch} installs the distribution's kernel, none is compiled`);
  }
  const fromFramework = input.resolved ? resolvedLinuxConfig(input.resolved) : null;
  const linuxConfig = fromFramework ?? kernelConfigTarget(input.board.family, input.branch, input.board.board).linuxConfig;
  if (!linuxConfig) return [];
  const source = fromFramework ? 'the framework reads' : 'the facts say the framework reads';
  const top = `${linuxConfig}.config`;
  const nested = `config/kernel/${linuxConfig}.config`;
  const read = files.includes(top) ? top : files.includes(nested) ? nested : null;
  return files
    .filter((f) => f !== read)
    .map((f) =>
      f === nested
        ? `userpatches/${f} is not read: userpatches/${top} comes first`
        : `userpatches/${f} is not read: for ${input.board.board} on ${input.branch} ${source} userpatches/${top}`,
    );
}
