/**
 * Build progress from the framework's own stage markers. Every step of an Armbian build runs in a
 * log section (`LOG_SECTION="kernel_build" do_with_logging …`); with `SHOW_GROUPS=yes` the
 * framework announces each one on stderr as a group alert, `[🦋]  [ <kernel_build> ]`, and its end
 * as `[🦋]  [ </kernel_build> in 12s ]` (lib/functions/logging/section-logging.sh). Only those
 * lines move the bar: free text (an extension named `…uboot…`, a package called `linux-image…`)
 * never does. The table maps the framework's section names to a rough share of a typical full
 * build; unknown sections leave the bar where it is, and it only moves forward.
 */

export interface StageMark {
  stage: string;
  pct: number;
}

/** A section start: `[🦋]  [ <name> ]`, also with the container marker the framework puts in
 * front under Docker (`[🐳|🦋]`). The end marker starts with `</` and is not a start. */
const SECTION_START = /^\[(?:[^\]|]*\|)?🦋\]\s*\[\s*<([^</>\s][^<>\s]*)>\s*\]$/u;

/** Section names (exact, or a prefix ending in `*`) → stage. Order: the order of a build. */
const SECTION_STAGES: ReadonlyArray<{ section: string; mark: StageMark }> = [
  { section: 'entrypoint', mark: { stage: 'prepare', pct: 1 } },
  { section: 'userpatches_config:*', mark: { stage: 'prepare', pct: 2 } },
  { section: 'config_*', mark: { stage: 'prepare', pct: 3 } },
  { section: 'do_main_configuration', mark: { stage: 'prepare', pct: 3 } },
  { section: 'prepare_host*', mark: { stage: 'prepare', pct: 4 } },
  { section: 'install_host_dependencies', mark: { stage: 'prepare', pct: 4 } },
  { section: 'fetch_and_build_host_tools', mark: { stage: 'prepare', pct: 5 } },
  { section: 'aggregate_packages', mark: { stage: 'prepare', pct: 6 } },
  { section: 'uboot_prepare_git', mark: { stage: 'u-boot', pct: 8 } },
  { section: 'patch_uboot_target', mark: { stage: 'u-boot', pct: 10 } },
  { section: 'compile_atf', mark: { stage: 'u-boot', pct: 11 } },
  { section: 'compile_crust', mark: { stage: 'u-boot', pct: 11 } },
  { section: 'compile_uboot', mark: { stage: 'u-boot', pct: 12 } },
  { section: 'kernel_prepare_*', mark: { stage: 'kernel', pct: 18 } },
  { section: 'kernel_main_patching*', mark: { stage: 'kernel', pct: 22 } },
  { section: 'kernel_config_*', mark: { stage: 'kernel', pct: 25 } },
  { section: 'kernel_build', mark: { stage: 'kernel', pct: 30 } },
  { section: 'kernel_package', mark: { stage: 'kernel', pct: 50 } },
  { section: 'compile_firmware*', mark: { stage: 'packages', pct: 52 } },
  { section: 'compile_armbian-*', mark: { stage: 'packages', pct: 54 } },
  { section: 'compile_fake_ubuntu_advantage_tools', mark: { stage: 'packages', pct: 55 } },
  { section: 'create_new_rootfs_cache', mark: { stage: 'rootfs', pct: 58 } },
  { section: 'extract_rootfs_artifact', mark: { stage: 'rootfs', pct: 60 } },
  { section: 'install_distribution_specific_*', mark: { stage: 'rootfs', pct: 65 } },
  { section: 'install_distribution_agnostic', mark: { stage: 'packages', pct: 70 } },
  { section: 'customize_image', mark: { stage: 'customize', pct: 80 } },
  { section: 'post_debootstrap_tweaks', mark: { stage: 'customize', pct: 84 } },
  { section: 'prepare_partitions', mark: { stage: 'image', pct: 86 } },
  { section: 'create_image_from_sdcard_rootfs', mark: { stage: 'image', pct: 88 } },
];

/** ANSI colour and cursor sequences the framework prints. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

/** The section a (colour-stripped) line starts, or null when it is not a section start marker. */
export function sectionStarted(line: string): string | null {
  return SECTION_START.exec(line.trim())?.[1] ?? null;
}

export function stageOfSection(section: string): StageMark | null {
  let found: StageMark | null = null;
  for (const { section: pattern, mark } of SECTION_STAGES) {
    const hit = pattern.endsWith('*') ? section.startsWith(pattern.slice(0, -1)) : section === pattern;
    if (hit) found = mark;
    if (hit && !pattern.endsWith('*')) return mark;
  }
  return found;
}

/** Feeds lines; answers a new mark when a section start moves the bar forward. */
export function createStageTracker(): (line: string) => StageMark | null {
  let best = 0;
  return (line) => {
    const section = sectionStarted(line);
    if (section === null) return null;
    const mark = stageOfSection(section);
    if (!mark || mark.pct <= best) return null;
    best = mark.pct;
    return mark;
  };
}
