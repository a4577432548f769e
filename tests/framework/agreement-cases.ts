/**
 * The sample of configurations the agreement test puts to the framework: boards picked across
 * architectures, support levels and families; every branch each board's family builds that the
 * board lists, plus some it does not; console, minimal and desktop images; extensions; and
 * configurations the framework refuses, each with the project rule that must say so.
 */
import type { ArmbianFacts, BoardRecord } from '../../builder/plan/armbian-facts.ts';
import type { FirstbootSecretStamp } from '../../shared/firstboot-secrets.ts';

export interface AgreementCase {
  name: string;
  config: Record<string, unknown>;
  configName?: string;
  /** First-boot secrets set on the configuration (value ids; the values are the builder's). */
  firstbootSecrets?: FirstbootSecretStamp;
}

export interface RefusedCase extends AgreementCase {
  /** The project's issue (error or warning) for the same problem. */
  path: string;
  keyword: string;
  /** The framework's own words for it. */
  frameworkSays: RegExp;
}

/** At least this many boards; the issue asks for 30 across families, levels and architectures. */
export const SAMPLE_BOARDS = 34;
const RELEASE_FOR: Record<string, string> = { loong64: 'sid' };
const DEFAULT_RELEASE = 'noble';
/** Desktops the framework's definitions offer on each architecture. */
const DESKTOP_FOR: Record<string, string> = { arm64: 'gnome', amd64: 'kde-plasma', armhf: 'xfce', riscv64: 'xfce' };
/** Extensions rotated through the sample: one renames the image (-ci), others only add hooks. */
const EXTENSION_ROTATION: string[][] = [[], ['cloud-init'], ['docker-ce'], [], ['lowmem'], ['watchdog']];

/** Round robin over (architecture, support level) groups, a new family each pick while one is left. */
export function sampleBoards(facts: ArmbianFacts, count: number): BoardRecord[] {
  const groups = new Map<string, BoardRecord[]>();
  for (const board of [...facts.boards.values()].sort((a, b) => (a.board < b.board ? -1 : 1))) {
    const key = `${board.arch}/${board.support}`;
    groups.set(key, [...(groups.get(key) ?? []), board]);
  }
  const picked: BoardRecord[] = [];
  const families = new Set<string>();
  while (picked.length < count) {
    let progress = false;
    for (const list of groups.values()) {
      if (picked.length >= count) break;
      const index = list.findIndex((b) => !families.has(b.family));
      const board = list.splice(index === -1 ? 0 : index, 1)[0];
      if (!board) continue;
      picked.push(board);
      families.add(board.family);
      progress = true;
    }
    if (!progress) break;
  }
  return picked;
}

function familyBranches(facts: ArmbianFacts, board: BoardRecord): string[] {
  const family = facts.families.get(board.family);
  return Object.keys(family?.branches ?? {});
}

/**
 * Where the trimmed copy cannot answer for a full checkout: the uefi-x86 family's current and
 * edge branches download Apple T2 kernel patches (config/sources/families/uefi-x86.conf:52) unless
 * `patch/kernel/<dir>` exists, and the copy has no `patch/`. A full checkout has it. These are
 * not counted as agreement; the test pins down that this, and nothing else, is why they fail.
 */
export function trimmedCopyLimit(facts: ArmbianFacts, config: Record<string, unknown>): boolean {
  const board = facts.boards.get(String(config.BOARD));
  return board?.family === 'uefi-x86' && (config.BRANCH === 'current' || config.BRANCH === 'edge');
}

/**
 * How much of the sample to put to the framework. Each check forks bash about a thousand times,
 * which on a machine with slow process creation costs 6–30 s of CPU; the full sample alone took
 * 15 minutes of CI's 20.
 * - `full`: every branch each sampled board lists, and six branches boards do not list (about 100 checks).
 * - `boards`: every sampled board once, on its first listed branch, and two unlisted branches (about 55).
 * - `groups` (the default test run): one board of each (architecture, support level) group, the
 *   first round of `sampleBoards`' round robin, on its first listed branch, and one unlisted branch
 *   (about 30 with the targeted and refused cases, which every sample keeps). The image kinds and
 *   extensions stay in rotation over those boards.
 */
export type AgreementSample = 'full' | 'boards' | 'groups';
const SAMPLES: readonly AgreementSample[] = ['full', 'boards', 'groups'];

/** Branches the family builds but the board does not list, checked per sample. */
const UNLISTED_BRANCHES: Record<AgreementSample, number> = { full: 6, boards: 2, groups: 1 };

/** `FRAMEWORK_AGREEMENT` names the sample (default `groups`); anything else is refused, not guessed. */
export function agreementSampleFrom(env: NodeJS.ProcessEnv): AgreementSample {
  const value = env.FRAMEWORK_AGREEMENT ?? 'groups';
  if (!(SAMPLES as readonly string[]).includes(value)) throw new Error(`FRAMEWORK_AGREEMENT must be one of ${SAMPLES.join(', ')}, not ${JSON.stringify(value)}`);
  return value as AgreementSample;
}

/** The (architecture, support level) groups `sampleBoards` goes round. */
export function boardGroups(facts: ArmbianFacts): number {
  return new Set([...facts.boards.values()].map((board) => `${board.arch}/${board.support}`)).size;
}

export function acceptedCases(facts: ArmbianFacts, sample: AgreementSample = 'full'): AgreementCase[] {
  const cases: AgreementCase[] = [];
  let n = 0;
  let unlisted = 0;
  const sampled = sampleBoards(facts, SAMPLE_BOARDS);
  for (const board of sample === 'groups' ? sampled.slice(0, boardGroups(facts)) : sampled) {
    const release = RELEASE_FOR[board.arch] ?? DEFAULT_RELEASE;
    const buildable = new Set([...familyBranches(facts, board), ...Object.keys(board.kernelOverrides ?? {})]);
    const topLevel = facts.families.get(board.family)?.kernelMajorMinor;
    const listed = board.kernelTargets.filter((b) => buildable.has(b) || topLevel);
    const branches = sample === 'full' ? listed : listed.slice(0, 1);
    // A few branches the family builds but the board does not list: the project warns, the framework builds.
    const extra = [...buildable].find((b) => !board.kernelTargets.includes(b) && b !== 'ddk');
    if (extra && unlisted < UNLISTED_BRANCHES[sample]) {
      branches.push(extra);
      unlisted += 1;
    }
    for (const branch of branches) {
      const kind = n % 3;
      const image =
        kind === 2 && board.hasVideo !== false
          ? { BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: DESKTOP_FOR[board.arch] ?? 'xfce' }
          : kind === 1
            ? { BUILD_MINIMAL: 'yes' }
            : {};
      let extensions = EXTENSION_ROTATION[n % EXTENSION_ROTATION.length]!;
      // cloud-init needs a fat boot partition: on other boards the project refuses it (a refused case covers that).
      if (extensions.includes('cloud-init') && board.bootFsType && board.bootFsType !== 'fat') extensions = ['watchdog'];
      n += 1;
      cases.push({
        name: `${board.board} (${board.arch}, ${board.support}, ${board.family}) ${branch} ${release} ${Object.keys(image).length === 0 ? 'console' : 'BUILD_DESKTOP' in image ? 'desktop' : 'minimal'}${extensions.length ? ` +${extensions.join(',')}` : ''}`,
        config: { BOARD: board.board, BRANCH: branch, RELEASE: release, ...image, ...(extensions.length ? { ENABLE_EXTENSIONS: extensions } : {}) },
      });
    }
  }
  cases.push(
    { name: 'uefi-x86 on the distribution kernel (ddk)', config: { BOARD: 'uefi-x86', BRANCH: 'ddk', RELEASE: 'noble' } },
    { name: '9tripod-x3568-v4 on bleedingedge', config: { BOARD: '9tripod-x3568-v4', BRANCH: 'bleedingedge', RELEASE: 'noble' } },
    { name: 'wdk2023 with its board hook kernel (6.7)', config: { BOARD: 'wdk2023', BRANCH: 'wdk2023', RELEASE: 'trixie' } },
    { name: 'odroidn2 on oldlts', config: { BOARD: 'odroidn2', BRANCH: 'oldlts', RELEASE: 'noble' } },
    { name: 'orangepi5 gnome desktop with cloud-init', config: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', ENABLE_EXTENSIONS: ['cloud-init'] } },
    { name: 'rock-5b on btrfs zstd:3 with an xxhash checksum', config: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd:3', BTRFS_CHECKSUM: 'xxhash' } },
    { name: 'desktop without a tier, legacy app groups set', config: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_APPGROUPS_SELECTED: 'browsers' } },
    { name: 'extra packages through the generated extension', config: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', extraPackages: ['htop', 'vim'] } },
    // Its board file assigns ENABLE_EXTENSIONS (as uefi-loong64's does), which replaces the command
    // line's: the plan enables the configuration's own in the conf file.
    { name: 'photonicat2, whose board file sets ENABLE_EXTENSIONS, keeps the configuration\'s watchdog', config: { BOARD: 'photonicat2', BRANCH: 'current', RELEASE: 'noble', ENABLE_EXTENSIONS: ['watchdog'] } },
    { name: 'a configuration named like a framework command', config: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' }, configName: 'Build' },
    {
      // Boardroom's first-login extension (builder/plan/firstrun.ts) in userpatches/extensions/,
      // enabled, with every setting and secret it writes: the framework finds and sources it.
      name: 'first-login settings, a static address and secrets through the boardroom-firstrun extension',
      config: {
        BOARD: 'rock-5b',
        BRANCH: 'current',
        RELEASE: 'trixie',
        firstbootUserName: 'ada',
        firstbootLocale: 'de_DE.UTF-8',
        firstbootTimezone: 'Europe/Berlin',
        firstbootWifiSsid: 'Lab network',
        firstbootWifiCountry: 'DE',
        firstbootStaticIp: '192.168.7.20',
        firstbootStaticMask: '255.255.255.0',
        firstbootStaticGateway: '192.168.7.1',
        firstbootStaticDns: '192.168.7.1',
        firstbootSshKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH ada@lab',
        HOST: 'lab-gw-01',
      },
      firstbootSecrets: { rootPassword: 'value-1', userPassword: 'value-2', wifiPassphrase: 'value-3' },
    },
  );
  return cases;
}

export function refusedCases(): RefusedCase[] {
  const base = { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' };
  return [
    { name: 'a misspelt extension', config: { ...base, ENABLE_EXTENSIONS: ['docker'] }, path: '/ENABLE_EXTENSIONS/0', keyword: 'unknown-extension', frameworkSays: /cant find extension 'docker'/ },
    { name: 'ddk where the family has no ddk kernel', config: { ...base, BRANCH: 'ddk' }, path: '/BRANCH', keyword: 'branch-not-offered', frameworkSays: /KERNEL_MAJOR_MINOR is unset/ },
    { name: 'a listed branch without a family kernel', config: { BOARD: 'star64', BRANCH: 'edge', RELEASE: 'noble' }, path: '/BRANCH', keyword: 'branch-not-offered', frameworkSays: /KERNEL_MAJOR_MINOR is unset|Invalid BRANCH/ },
    { name: 'a family-less branch on a board', config: { BOARD: 'bananapi', BRANCH: 'vendor', RELEASE: 'noble' }, path: '/BRANCH', keyword: 'branch-not-offered', frameworkSays: /Invalid BRANCH='vendor' for BOARD='bananapi'|KERNEL_MAJOR_MINOR is unset/ },
    { name: 'cloud-init on a board with an ext4 boot partition', config: { BOARD: 'licheepi-4a', BRANCH: 'legacy', RELEASE: 'noble', ENABLE_EXTENSIONS: ['cloud-init'] }, path: '/ENABLE_EXTENSIONS/0', keyword: 'extension-bootfs', frameworkSays: /BOOTFS_TYPE ext4 not compatible with cloud-init/ },
    { name: 'an unknown btrfs checksum', config: { ...base, ROOTFS_TYPE: 'btrfs', BTRFS_CHECKSUM: 'md5' }, path: '/BTRFS_CHECKSUM', keyword: 'enum', frameworkSays: /Unknown btrfs checksum algorithm/ },
    { name: 'an unknown btrfs compression', config: { ...base, ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'brotli' }, path: '/BTRFS_COMPRESSION', keyword: 'pattern', frameworkSays: /Unknown btrfs compression method/ },
  ];
}
