/**
 * Domain rules the Armbian build framework applies, as plain functions over lookup tables. They
 * see values only where the schema's type and enum checks pass, so each problem is reported once:
 * an unknown board is an `enum` error, not also a string of rule errors.
 *
 * Errors make a build refuse; warnings (support levels, deprecated switches, settings without
 * effect) are shown but allowed.
 */
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
  if (board && branch) {
    if (!board.kernelTargets.includes(branch)) {
      add(ctx, '/BRANCH', 'branch-not-offered', 'error',
        `Board ${board.name} does not offer kernel branch '${branch}'; choose ${orList(board.kernelTargets)}`);
    } else if (board.kernels[branch] === null && branch !== 'ddk') {
      // 'ddk' installs the distribution's kernel, so no family version is expected for it.
      add(ctx, '/BRANCH', 'kernel-version-unknown', 'warning',
        `The ${board.family} family defines no kernel version for branch '${branch}'; the build is likely to fail`);
    }
  }
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
  if (desktop && !isSet(ctx, 'DESKTOP_TIER')) {
    add(ctx, '/DESKTOP_TIER', 'desktop-needs-tier', 'error',
      'A desktop image needs a desktop tier; choose minimal, mid or full');
  }
  if (!desktop && environment) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'environment-without-desktop', 'error',
      'A desktop environment is set but Desktop image is off; the build framework refuses this, so clear it or turn the desktop on');
  }
  const detail = desktop && environment ? ctx.facts.desktops.get(environment) : undefined;
  if (detail && detail.status && detail.status !== 'supported') {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-not-supported', 'warning',
      `Desktop ${environment} is ${detail.status === 'community' ? 'community maintained' : 'not supported by Armbian'}; it may not install cleanly`);
  }
  const release = text(ctx, 'RELEASE');
  if (detail?.releases && release && !detail.releases.includes(release)) {
    add(ctx, '/DESKTOP_ENVIRONMENT', 'desktop-release-untested', 'warning',
      `Desktop ${environment} is only known to work on ${andList(detail.releases)}, not on ${release}`);
  }
  if (text(ctx, 'KERNEL_CONFIGURE') === 'yes') {
    add(ctx, '/KERNEL_CONFIGURE', 'interactive-kernel-config', 'warning',
      'Open kernel menuconfig stops the build at an interactive menu that a Boardroom build cannot answer');
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
  annotationRules(ctx);
  return ctx.issues;
}
