/**
 * Domain rules the Armbian build framework applies, as plain functions over lookup tables. They
 * see values only where the schema's type and enum checks pass, so each problem is reported once:
 * an unknown board is an `enum` error, not also a string of rule errors.
 *
 * Errors make a build refuse; warnings (support levels, deprecated switches, settings without
 * effect) are shown but allowed.
 */
import { sshKeyLines, sshKeyProblem } from '../ssh-keys.ts';
import { KERNEL_CONFIGURE_KEYWORD, kernelConfigureRefusal } from '../kernel-config/kernel-configure.ts';
import { conditionHolds } from '../schema/conditions.ts';
import type { BoardFacts, ConfigSchema, ReleaseFacts } from '../schema/types.ts';
import { escapeSegment } from '../json-pointer.ts';
import type { FactsIndex } from './facts-index.ts';
import { andList, orList, quote, type ValidationIssue } from './issue.ts';

interface RuleContext {
  schema: ConfigSchema;
  facts: FactsIndex;
  data: Record<string, unknown>;
  board?: BoardFacts;
  release?: ReleaseFacts;
  issues: ValidationIssue[];
}

/** A set, non-empty string value that passes the property's enum (if it has one). */
function text(ctx: RuleContext, property: string): string | undefined {
  const value = ctx.data[property];
  if (typeof value !== 'string' || value === '') return undefined;
  const allowed = ctx.facts.enums.get(property);
  return allowed && !allowed.has(value) ? undefined : value;
}

function isSet(ctx: RuleContext, property: string): boolean {
  const value = ctx.data[property];
  return value !== undefined && value !== null && value !== '';
}

function add(ctx: RuleContext, path: string, keyword: string, severity: 'error' | 'warning', message: string): void {
  ctx.issues.push({ path, keyword, severity, message });
}

const BOARD_SUPPORT_WORDS = {
  csc: 'is community supported (csc): Armbian does not test its images and builds may fail',
  tvb: 'is a TV box: community maintained, without official support',
  eos: 'has reached end of support: it may no longer build or boot',
  wip: 'is work in progress: expect it not to build or boot',
} as const;

function targetRules(ctx: RuleContext): void {
  const { board, release } = ctx;
  if (board && board.support !== 'conf') {
    add(ctx, '/BOARD', 'board-support', 'warning', `Board ${board.name} ${BOARD_SUPPORT_WORDS[board.support]}`);
  }
  const branch = text(ctx, 'BRANCH');
  if (board && branch) branchRules(ctx, board, branch);
  if (release && board && !release.architectures.includes(board.arch)) {
    const fitting = ctx.schema['x-releases'].filter((r) => r.architectures.includes(board.arch));
    const preferred = fitting.filter((r) => r.support === 'supported');
    const choices = (preferred.length > 0 ? preferred : fitting).map((r) => r.release);
    add(ctx, '/RELEASE', 'release-arch-unsupported', 'error',
      `${release.label} is not built for ${board.arch}, the architecture of ${board.name}` +
        (choices.length > 0 ? `; choose ${orList(choices)}` : ''));
  }
  if (release && release.support !== 'supported') {
    const why = release.support === 'eos'
      ? 'has reached end of support: packages may be missing and there are no security updates'
      : 'is community supported (csc): Armbian does not test images built on it';
    add(ctx, '/RELEASE', 'release-not-supported', 'warning', `${release.label} ${why}`);
  }
}

/**
 * The framework builds any branch the board's family (or a board hook) defines a kernel for; it
 * only warns when KERNEL_TARGET does not list it. Without a kernel it stops: "KERNEL_MAJOR_MINOR
 * is unset" / "Invalid BRANCH … for BOARD" (config/sources/common.conf). `ddk` is no exception:
 * it works where the family defines it (the UEFI families), nowhere else.
 */
function branchRules(ctx: RuleContext, board: BoardFacts, branch: string): void {
  const listed = board.kernelTargets.includes(branch);
  if (!(branch in board.kernels)) {
    const buildable = board.kernelTargets.filter((b) => b in board.kernels);
    add(ctx, '/BRANCH', 'branch-not-offered', 'error',
      `Board ${board.name} has no kernel for branch '${branch}': ${listed ? 'it lists the branch, but ' : ''}the ${board.family} family defines none` +
        (buildable.length > 0 ? `; choose ${orList(buildable)}` : ''));
    return;
  }
  // The framework's own check skips ddk ("BRANCH not found for board" is never said for it).
  if (!listed && branch !== 'ddk') {
    const version = board.kernels[branch];
    add(ctx, '/BRANCH', 'branch-not-listed', 'warning',
      `Board ${board.name} does not list kernel branch '${branch}' (it lists ${andList(board.kernelTargets)}); ` +
        `the ${board.family} family builds it${version ? ` (kernel ${version})` : ''}, but Armbian does not test it on this board`);
  }
}

/** Edit distance, for "did you mean": names are short, so the quadratic table is nothing. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Up to three known names close to `name` (edit distance ≤ a third of its length, or a prefix/substring). */
export function didYouMean(name: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known
    .map((k) => ({ k, d: k.includes(name) || name.includes(k) ? 1 : distance(name, k) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.k);
}

/** Extensions that stop the build when the board's boot partition is not this filesystem
 * (extensions/cloud-init/cloud-init.sh: "BOOTFS_TYPE … not compatible with cloud-init"). */
const EXTENSION_BOOTFS: Record<string, string> = { 'cloud-init': 'fat' };

/** The framework stops with exit 17 "cant find extension" for a name no `<name>.sh` answers to. */
function extensionRules(ctx: RuleContext): void {
  const list = ctx.data.ENABLE_EXTENSIONS;
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    const needs = typeof item === 'string' ? EXTENSION_BOOTFS[item] : undefined;
    if (needs && ctx.board?.bootFsType && ctx.board.bootFsType !== needs) {
      add(ctx, `/ENABLE_EXTENSIONS/${index}`, 'extension-bootfs', 'error',
        `The ${item} extension needs a ${needs} boot partition, and ${ctx.board.name} has ${ctx.board.bootFsType} (BOOTFS_TYPE); the framework refuses this`);
    }
  });
  const known = new Set(ctx.schema['x-extensions']);
  list.forEach((item, index) => {
    if (typeof item !== 'string' || item === '' || known.has(item)) return;
    const close = didYouMean(item, ctx.schema['x-extensions']);
    add(ctx, `/ENABLE_EXTENSIONS/${index}`, 'unknown-extension', 'error',
      `The build framework has no extension '${item}'` + (close.length > 0 ? `; did you mean ${orList(close)}?` : ''));
  });
}

function imageRules(ctx: RuleContext): void {
  const desktop = text(ctx, 'BUILD_DESKTOP') === 'yes';
  const environment = text(ctx, 'DESKTOP_ENVIRONMENT');
  if (desktop && text(ctx, 'BUILD_MINIMAL') === 'yes') {
    add(ctx, '/BUILD_MINIMAL', 'minimal-with-desktop', 'error',
      'A minimal image cannot have a desktop; turn off either Minimal image or Desktop image');
  }
  if (desktop && ctx.board && !ctx.board.hasVideo) {
    add(ctx, '/BUILD_DESKTOP', 'desktop-without-video', 'error',
      `Board ${ctx.board.name} has no video output, so it cannot show a desktop; build a console image`);
  }
  if (desktop && !isSet(ctx, 'DESKTOP_ENVIRONMENT')) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-needs-environment', 'error',
      'A desktop image needs a desktop environment; choose one, such as xfce or gnome');
  }
  // An unset DESKTOP_TIER is no error: the build writes the framework's choice (mid, or full when
  // legacy app groups are set), as config-mapping.ts says.
  if (!desktop && environment) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'environment-without-desktop', 'error',
      'A desktop environment is set but Desktop image is off; the build framework refuses this, so clear it or turn the desktop on');
  }
  const detail = desktop && environment ? ctx.facts.desktops.get(environment) : undefined;
  if (detail && detail.status && detail.status !== 'supported') {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-not-supported', 'warning',
      `Desktop ${environment} is ${detail.status === 'community' ? 'community maintained' : 'not supported by Armbian'}; it may not install cleanly`);
  }
  if (detail?.architectures && ctx.board && !detail.architectures.includes(ctx.board.arch)) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-arch-unsupported', 'error',
      `Desktop ${environment} is not available for ${ctx.board.arch} (${ctx.board.name}); it exists for ${andList(detail.architectures)}`);
  }
  const release = text(ctx, 'RELEASE');
  if (detail?.releases && release && !detail.releases.includes(release)) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-release-untested', 'warning',
      `Desktop ${environment} is only known to work on ${andList(detail.releases)}, not on ${release}`);
  }
  if (text(ctx, 'KERNEL_CONFIGURE') === 'yes') {
    // An error, not a warning: a build cannot answer the menu (shared/kernel-config/kernel-configure.ts).
    add(ctx, '/KERNEL_CONFIGURE', KERNEL_CONFIGURE_KEYWORD, 'error', kernelConfigureRefusal(ctx.board?.family, text(ctx, 'BRANCH'), ctx.board?.board));
  }
}

function filesystemRules(ctx: RuleContext): void {
  const rootfs = text(ctx, 'ROOTFS_TYPE') ?? ctx.schema.properties.ROOTFS_TYPE?.default;
  if (rootfs === 'f2fs' && !Number.isInteger(ctx.data.FIXED_IMAGE_SIZE)) {
    add(ctx, '/FIXED_IMAGE_SIZE', 'f2fs-needs-fixed-size', 'error',
      'An f2fs root filesystem needs a fixed image size; enter one in MiB');
  }
  if (rootfs !== 'btrfs' && isSet(ctx, 'BTRFS_COMPRESSION')) {
    add(ctx, '/BTRFS_COMPRESSION', 'btrfs-compression-without-btrfs', 'error',
      `Btrfs compression only applies to a btrfs root filesystem, and this one is ${rootfs}; clear it or choose btrfs`);
  }
}

/** `COMPRESS_OUTPUTIMAGE` as compress-checksum.sh reads it: substrings, xz before zst, no `img`. */
function outputRules(ctx: RuleContext): void {
  const list = ctx.data.COMPRESS_OUTPUTIMAGE;
  if (!Array.isArray(list)) return;
  const has = (v: string): boolean => list.includes(v);
  const zst = has('zst') || has('zstd');
  if (has('xz') && zst) {
    add(ctx, '/COMPRESS_OUTPUTIMAGE', 'compression-xz-wins', 'warning',
      'With both xz and zst the framework compresses with xz only; zst is ignored');
  }
  if (has('img') && (has('xz') || zst)) {
    add(ctx, '/COMPRESS_OUTPUTIMAGE', 'compression-drops-raw-image', 'warning',
      'img does not keep the raw image: the framework deletes it after compressing with ' + (has('xz') ? 'xz' : 'zst'));
  }
}

/** A static address for the first login comes with its mask and gateway (the framework's
 * preset-firstrun example sets them together), and a mask, gateway or DNS without an address
 * would be written but never used: both are refused rather than built into an image that then
 * asks for DHCP. */
function firstbootNetworkRules(ctx: RuleContext): void {
  const ip = isSet(ctx, 'firstbootStaticIp');
  for (const [key, what] of [['firstbootStaticMask', 'the network mask'], ['firstbootStaticGateway', 'the gateway']] as const) {
    if (ip && !isSet(ctx, key)) add(ctx, `/${key}`, 'static-ip-incomplete', 'error', `A static IP address needs ${what}`);
  }
  if (ip) return;
  for (const key of ['firstbootStaticMask', 'firstbootStaticGateway', 'firstbootStaticDns'] as const) {
    if (isSet(ctx, key)) add(ctx, `/${key}`, 'static-ip-missing', 'error', `${ctx.schema.properties[key]?.title ?? key} is used only with a static IP address; set the address or clear this`);
  }
}

/** Each SSH key line must be a public key (shared/ssh-keys.ts): one bad line would be written
 * into authorized_keys and silently never match, so the person who pasted it hears now. */
function sshKeyRules(ctx: RuleContext): void {
  const keys = ctx.data.firstbootSshKeys;
  if (typeof keys !== 'string') return;
  for (const { line, key } of sshKeyLines(keys)) {
    const problem = sshKeyProblem(key);
    if (problem) add(ctx, '/firstbootSshKeys', 'ssh-key', 'error', `Line ${line}: ${problem}`);
  }
}

/** Rules that follow from the schema's annotations rather than from one property. */
const SPECIFIC_RULE_PROPERTIES = new Set(['DESKTOP_ENVIRONMENT', 'BTRFS_COMPRESSION']);

function annotationRules(ctx: RuleContext): void {
  for (const [name, property] of Object.entries(ctx.schema.properties)) {
    if (!isSet(ctx, name)) continue;
    if (property.deprecated) {
      const replacement = property['x-replaced-by'];
      const instead = replacement ? `; use ${ctx.schema.properties[replacement]?.title ?? replacement} instead` : '';
      add(ctx, `/${escapeSegment(name)}`, 'deprecated', 'warning',
        `${property.title} is a legacy switch the build framework no longer reads${instead}`);
      continue;
    }
    const when = property['x-when'];
    if (when && !SPECIFIC_RULE_PROPERTIES.has(name) && !conditionHolds(ctx.schema, ctx.data, when)) {
      const condition = Object.entries(when)
        .map(([p, values]) => `${ctx.schema.properties[p]?.title ?? p} is ${orList(values)}`)
        .join(' and ');
      add(ctx, `/${escapeSegment(name)}`, 'not-applicable', 'warning', `${property.title} has no effect unless ${condition}`);
    }
    if (property.type === 'array' && Array.isArray(ctx.data[name])) {
      const seen = new Set<unknown>();
      (ctx.data[name] as unknown[]).forEach((item, index) => {
        if (seen.has(item)) {
          add(ctx, `/${escapeSegment(name)}/${index}`, 'duplicate-item', 'warning', `${property.title} lists ${quote(item)} twice`);
        }
        seen.add(item);
      });
    }
  }
}

/** Every domain-rule issue of `data`; non-objects give none (the shape check reports those). */
export function checkRules(schema: ConfigSchema, facts: FactsIndex, data: unknown): ValidationIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const record = data as Record<string, unknown>;
  const ctx: RuleContext = { schema, facts, data: record, issues: [] };
  const board = text(ctx, 'BOARD');
  const release = text(ctx, 'RELEASE');
  ctx.board = board ? facts.boards.get(board) : undefined;
  ctx.release = release ? facts.releases.get(release) : undefined;
  targetRules(ctx);
  imageRules(ctx);
  filesystemRules(ctx);
  extensionRules(ctx);
  outputRules(ctx);
  firstbootNetworkRules(ctx);
  sshKeyRules(ctx);
  annotationRules(ctx);
  return ctx.issues;
}
