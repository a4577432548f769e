/**
 * Why a Boardroom build refuses `KERNEL_CONFIGURE=yes` (docs/architecture.md, "Kernel
 * configuration"). With it the framework opens the kernel's menuconfig before compiling
 * (`kernel_config` in lib/functions/compilation/kernel-config.sh runs `make menuconfig`), a dialog
 * that needs a terminal; a remote build has none, so it would stop there or fail, and the kernel
 * it built could not be hashed or reviewed (the framework forces the config hash to 999999). The
 * framework itself calls it deprecated for image builds. The reviewable way is a kernel config
 * file in the configuration, which the validation (an error at /KERNEL_CONFIGURE, so the form
 * shows it beside the field and `POST …/builds` answers 422) and the plan both point to.
 */
import { kernelConfigTarget } from './kernel-config-file.ts';

export const KERNEL_CONFIGURE_KEYWORD = 'interactive-kernel-config';

/** The refusal, naming the file to use when the facts know it. */
export function kernelConfigureRefusal(boardFamily: string | undefined, branch: string | undefined, board?: string): string {
  const target = boardFamily && branch ? kernelConfigTarget(boardFamily, branch, board) : null;
  const file = target?.path ? `userpatches/${target.path}` : `userpatches/linux-<LINUXFAMILY>-${branch ?? '<BRANCH>'}.config`;
  return 'Open kernel menuconfig (KERNEL_CONFIGURE=yes) needs a terminal for its interactive menu, and a remote build has none: ' +
    `set it to no and put your kernel options in the configuration's kernel config file, ${file} (the Kernel panel), where the team can review them`;
}
