/**
 * Turns a build snapshot into the plan's files. A pure function of (snapshot, facts, builder
 * version): no clock, no environment, no host paths, sorted keys, so the same snapshot always
 * gives byte-identical files.
 */
import { createHash } from 'node:crypto';
import type { BuildSnapshot } from '../../shared/node/builds/read.ts';
import { imageFileName, type ResolvedValues } from '../framework-check/resolved-values.ts';
import { resolveKernelVersion, type ArmbianFacts, type BoardRecord } from './armbian-facts.ts';
import { expectedImageFileId } from './image-file-id.ts';
import { mapConfig, type ArmbianAssignment, type ScriptInputs } from './config-mapping.ts';
import { commaList } from '../../shared/boards/board-file.ts';
import { doubleQuoted, shellWord } from './shell.ts';
import { stableJson } from './stable-json.ts';
import type { TreeFile } from './plan-tree.ts';
import { factsWithTreeBoards } from './tree-boards.ts';
import { FIRSTRUN_EXTENSION, firstrunPresets, firstrunSshKeys, renderFirstrunExtension } from './firstrun.ts';
import { FIRSTBOOT_SECRET_NAMES, type FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import { kernelConfigureRefusal } from '../../shared/kernel-config/kernel-configure.ts';
import { kernelConfigWarnings } from './kernel-config-check.ts';

/** Longest `<name>` in `config-<name>.conf`: keeps file and artifact names short and readable. */
const CONF_NAME_MAX_LENGTH = 64;
/** The user extension that hands the configuration's extra packages to the framework. */
export const PACKAGES_EXTENSION = 'boardroom-extra-packages';

export interface PlanFile {
  name: string;
  /** Where the file belongs in an Armbian checkout, relative to its root; null if it does not. */
  installTo: string | null;
  content: string;
}

export interface PlanManifest {
  architecture: string;
  board: string;
  boardName: string;
  boardSupport: string;
  branch: string;
  builderVersion: string;
  command: string;
  configName: string;
  contentHash: string;
  family: string;
  files: Array<{ name: string; installTo: string | null }>;
  /** The configuration's userpatches tree, written into userpatches/ (and `userpatches.tar`). */
  userpatches: Array<{ path: string; sha256: string; size: number; mode: string }>;
  /** First-boot secrets the build writes for the image's first login: names only, never values
   * (builder/plan/firstrun.ts). Absent when there are none, so other manifests stay as they were. */
  firstbootSecrets?: string[];
  /** The framework's resolved KERNEL_MAJOR_MINOR when it was asked; else what the facts expect. */
  kernelVersion: string | null;
  framework: PlanFrameworkRecord;
  /** `<VENDOR>_<REVISION>_<IMAGE_FILE_ID>.img` as the framework resolved it; null when it was not asked. */
  predictedImageName: string | null;
  release: string;
  schemaVersion: string;
  warnings: string[];
}

/** The framework check as the manifest records it: only deterministic values (see resolved-values.ts). */
export interface PlanFrameworkRecord {
  /** `accepted`: config-dump-json accepted the plan's files; `unavailable`: no checkout configured. */
  check: 'accepted' | 'unavailable';
  commit: string | null;
  version: string | null;
  /** The commit the project's facts were read from. */
  factsCommit: string | null;
  resolved: ResolvedValues | null;
  /** The framework's own warnings ([🚸] alerts). */
  warnings: string[];
}

/** What the executor learnt from the framework for this plan, or why it could not ask. */
export type FrameworkFindings =
  | { kind: 'accepted'; commit: string | null; version: string | null; values: ResolvedValues; warnings: string[] }
  | { kind: 'unavailable'; reason: string };

export interface Plan {
  files: PlanFile[];
  /** The configuration's own userpatches files, with bytes and modes (`plan-tree.ts`). */
  tree: TreeFile[];
  manifest: PlanManifest;
  /** `./compile.sh` arguments after the script name, for executors that run it. */
  compileArgs: string[];
  confName: string;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * `<name>` of `userpatches/config-<name>.conf`. A name the framework reads as a command
 * (`./compile.sh build`, `kernel`, …; its list is in the facts) gets a `-config` suffix: a
 * `config-build.conf` in a checkout would be sourced by every later `./compile.sh build` there.
 */
export function confNameOf(configName: string, reserved: readonly string[] = []): string {
  const slug = configName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, CONF_NAME_MAX_LENGTH)
    .replace(/[-.]+$/g, '');
  if (slug === '') return 'boardroom';
  return reserved.includes(slug) ? `${slug}-config` : slug;
}

export function renderPlan(
  snapshot: BuildSnapshot,
  baseFacts: ArmbianFacts,
  builderVersion: string,
  framework: FrameworkFindings = { kind: 'unavailable', reason: 'the framework was not asked' },
  tree: readonly TreeFile[] = [],
): Plan {
  const config = snapshot.configJson;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PlanError('the configuration is not a JSON object');
  }
  // A board file of the tree is a board of this build (its file goes to userpatches/ with the rest).
  const chosen = (config as Record<string, unknown>).BOARD;
  const facts = factsWithTreeBoards(baseFacts, tree, typeof chosen === 'string' ? chosen : undefined);
  const mapped = mapConfig(config as Record<string, unknown>, facts);
  const get = (name: string): string | undefined => mapped.assignments.find((a) => a.name === name)?.value;
  const boardId = get('BOARD');
  const branch = get('BRANCH');
  const release = get('RELEASE');
  if (!boardId || !branch || !release) throw new PlanError('BOARD, BRANCH and RELEASE must be set');
  const board = facts.boards.get(boardId);
  if (!board) throw new PlanError(`unknown board ${boardId}`);
  // The server refuses it before queueing; a snapshot from an older server must not reach a menu
  // no one can answer either (shared/kernel-config/kernel-configure.ts).
  if (get('KERNEL_CONFIGURE') === 'yes') throw new PlanError(kernelConfigureRefusal(board.family, branch, board.board));

  const warnings = [...mapped.warnings, ...targetWarnings(facts, board.board, branch, release, get)];
  const accepted = framework.kind === 'accepted' ? framework : null;
  const kernelVersion = accepted ? accepted.values.KERNEL_MAJOR_MINOR : resolveKernelVersion(facts, board, branch);
  if (accepted) {
    for (const w of accepted.warnings) warnings.push(`framework: ${w}`);
    const expected = expectedImageFileId(facts, board, get);
    if (expected !== accepted.values.IMAGE_FILE_ID) {
      warnings.push(`the facts expected IMAGE_FILE_ID ${expected}, the framework resolved ${accepted.values.IMAGE_FILE_ID}: regenerate the facts (npm run armbian:facts)`);
    }
    if (accepted.commit !== facts.framework.commit) {
      warnings.push(
        `the framework checkout is at ${accepted.commit ?? 'an unknown commit'} (${accepted.version ?? 'unknown version'}), ` +
          `the facts at ${facts.framework.commit ?? 'an unknown commit'}: boards, branches and options may differ`,
      );
    }
  } else if (framework.kind === 'unavailable') {
    warnings.push(`not checked by the Armbian framework (${framework.reason}); the image name is not predicted`);
    if (kernelVersion === null && branch !== 'ddk') {
      warnings.push(`family ${board.family} defines no kernel version for branch ${branch}: the framework will refuse it`);
    }
  }

  const confName = confNameOf(snapshot.configName, facts.framework.commands);
  const secretNames = FIRSTBOOT_SECRET_NAMES.filter((n) => snapshot.firstbootSecrets?.[n] !== undefined);
  const presets = firstrunPresets(config as Record<string, unknown>);
  const sshKeys = firstrunSshKeys(config as Record<string, unknown>);
  const firstrun = secretNames.length > 0 || presets.length > 0 || sshKeys.length > 0;
  const askedExtensions = commaList(get('ENABLE_EXTENSIONS'));
  if (firstrun && askedExtensions.includes('preset-firstrun')) {
    warnings.push('ENABLE_EXTENSIONS has preset-firstrun, which writes its example values (passwords included) over the first-login settings: remove it');
  }
  warnings.push(...kernelConfigWarnings({ treePaths: tree.map((f) => f.path), board, branch, resolved: accepted?.values ?? null }));
  // The user extensions the plan writes, enabled in the conf file (and on the command line).
  const planExtensions = [
    ...(mapped.script.extraPackages.length > 0 ? [PACKAGES_EXTENSION] : []),
    ...(firstrun ? [FIRSTRUN_EXTENSION] : []),
  ];
  const compileArgs = ['build', ...commandAssignments(mapped.assignments, planExtensions)];
  const kept = keptExtensions(board, askedExtensions);
  // What the armbian executor runs: the framework sources userpatches/config-<confName>.conf, so
  // the configuration's extra lines and customize script take part. The KEY=value form is kept
  // for reading and pasting, but it cannot carry them, so it is labelled as such.
  const command = ['./compile.sh', confName, 'build'].map(shellWord).join(' ');
  const commandLineOnly = ['./compile.sh', ...compileArgs].map(shellWord).join(' ');
  const commandFile = [
    "# Reproduces this build: put each file where manifest.json's installTo says, then run",
    command,
    '# The same settings without the files (leaves out extra lines, customize-image.sh and extensions):',
    `# ${commandLineOnly}`,
  ].join('\n');
  const header = [
    `# Boardroom configuration "${oneLine(snapshot.configName)}"`,
    `# content ${snapshot.contentHash}, schema ${snapshot.schemaVersion}, builder ${builderVersion}`,
  ];
  const files: PlanFile[] = [
    {
      name: `config-${confName}.conf`,
      installTo: `userpatches/config-${confName}.conf`,
      content: renderConf(header, confName, mapped.assignments, mapped.extraLines, planExtensions, kept),
    },
    { name: 'compile-command.txt', installTo: null, content: `${commandFile}\n` },
  ];
  if (mapped.script.extraPackages.length > 0) {
    files.push({
      name: `${PACKAGES_EXTENSION}.sh`,
      installTo: `userpatches/extensions/${PACKAGES_EXTENSION}.sh`,
      content: renderPackagesExtension(header, mapped.script.extraPackages),
    });
  }
  if (firstrun) {
    files.push({
      name: `${FIRSTRUN_EXTENSION}.sh`,
      installTo: `userpatches/extensions/${FIRSTRUN_EXTENSION}.sh`,
      content: renderFirstrunExtension(header, presets, secretNames as FirstbootSecretName[], sshKeys),
    });
  }
  const script = renderCustomizeScript(header, mapped.script);
  if (script !== null) files.push({ name: 'customize-image.sh', installTo: 'userpatches/customize-image.sh', content: script });

  const manifest: PlanManifest = {
    architecture: board.arch,
    board: board.board,
    boardName: board.name,
    boardSupport: board.support,
    branch,
    builderVersion,
    command,
    configName: snapshot.configName,
    contentHash: snapshot.contentHash,
    family: board.family,
    files: [...files, { name: 'manifest.json', installTo: null }, { name: 'SHA256SUMS', installTo: null }].map(
      (f) => ({ name: f.name, installTo: f.installTo }),
    ),
    kernelVersion,
    ...(secretNames.length > 0 ? { firstbootSecrets: secretNames } : {}),
    userpatches: tree.map((f) => ({ path: f.path, sha256: f.sha256, size: f.bytes.length, mode: f.mode.toString(8) })),
    framework: {
      check: accepted ? 'accepted' : 'unavailable',
      commit: accepted ? accepted.commit : null,
      version: accepted ? accepted.version : null,
      factsCommit: facts.framework.commit,
      resolved: accepted ? accepted.values : null,
      warnings: accepted ? [...accepted.warnings] : [],
    },
    predictedImageName: accepted ? imageFileName(accepted.values) : null,
    release,
    schemaVersion: snapshot.schemaVersion,
    warnings,
  };
  files.push({ name: 'manifest.json', installTo: null, content: stableJson(manifest) });
  files.push({ name: 'SHA256SUMS', installTo: null, content: renderSums(files, tree) });
  return { files, tree: [...tree], manifest, compileArgs, confName };
}

/** KEY=value words of the command line; the plan's own extensions join ENABLE_EXTENSIONS (the conf
 * file enables them with `enable_extension` instead). */
function commandAssignments(assignments: ArmbianAssignment[], extensions: readonly string[]): string[] {
  const added = extensions.join(',');
  const words = assignments.map((a) =>
    a.name === 'ENABLE_EXTENSIONS' && added ? `${a.name}=${a.value},${added}` : `${a.name}=${a.value}`,
  );
  if (added && !assignments.some((a) => a.name === 'ENABLE_EXTENSIONS')) words.push(`ENABLE_EXTENSIONS=${added}`);
  return words;
}

const EXTENSION_PURPOSE: Record<string, string> = {
  [PACKAGES_EXTENSION]: 'the extra packages',
  [FIRSTRUN_EXTENSION]: 'the first-boot settings',
};

/**
 * The configuration's ENABLE_EXTENSIONS that the conf file enables itself, because the board file
 * assigns ENABLE_EXTENSIONS (uefi-loong64, photonicat2): the framework reads that variable only
 * after sourcing the board file, so the command line's list would be replaced by the board's and
 * the user's extensions silently left out. `enable_extension` in the conf file (sourced before the
 * board file) enables them whatever the board assigns. Those the board lists itself are left to it.
 */
export function keptExtensions(board: BoardRecord, asked: readonly string[]): string[] {
  if (!board.replacesExtensions) return [];
  const theBoards = new Set(board.replacesExtensions);
  return [...new Set(asked.filter((e) => !theBoards.has(e)))];
}

function renderConf(
  header: string[],
  confName: string,
  assignments: ArmbianAssignment[],
  extraLines: string,
  extensions: readonly string[],
  kept: readonly string[],
): string {
  const lines = [...header, `# use: ./compile.sh ${confName} build`];
  for (const a of assignments) {
    lines.push(`${a.name}=${doubleQuoted(a.value)}${a.implied ? ' # set by Boardroom: no terminal to ask' : ''}`);
  }
  // Quoted like every value of the configuration: the schema allows only safe words, but the conf
  // file is bash the framework sources, so the renderer does not rely on that.
  for (const ext of kept) lines.push(`enable_extension ${doubleQuoted(ext)} # from ENABLE_EXTENSIONS, which the board file sets over`);
  for (const ext of extensions) lines.push(`enable_extension "${ext}" # ${EXTENSION_PURPOSE[ext]}, see extensions/${ext}.sh`);
  // The configuration's own bash, verbatim and last, so it sees (and may override) the settings.
  if (extraLines.trim() !== '') lines.push('# extra lines of the configuration', extraLines.replace(/\n+$/, ''));
  return `${lines.join('\n')}\n`;
}

/** A user extension (userpatches/extensions/) adding the packages through the framework's own
 * `add_packages_to_image`: they are installed with the image's other packages, after the Armbian
 * repository is set up, and show in the framework's package aggregation. */
function renderPackagesExtension(header: string[], packages: string[]): string {
  const fn = `extension_prepare_config__${PACKAGES_EXTENSION.replace(/-/g, '_')}`;
  return `${[...header, `function ${fn}() {`, `\tadd_packages_to_image ${packages.map(shellWord).join(' ')}`, '}'].join('\n')}\n`;
}

/** Armbian calls userpatches/customize-image.sh inside the image with
 * RELEASE LINUXFAMILY BOARD BUILD_DESKTOP ARCH as arguments. */
function renderCustomizeScript(header: string[], script: ScriptInputs): string | null {
  if (script.timezone === null && script.customizeScript.trim() === '') {
    return null;
  }
  const lines = ['#!/bin/bash', ...header, 'set -e'];
  if (script.timezone !== null) {
    const tz = doubleQuoted(script.timezone);
    lines.push('', '# time zone', `ln -sf /usr/share/zoneinfo/${tz} /etc/localtime`, `echo ${tz} > /etc/timezone`);
  }
  if (script.customizeScript.trim() !== '') {
    const body = script.customizeScript.endsWith('\n') ? script.customizeScript : `${script.customizeScript}\n`;
    // A function keeps the user's own $1..$5 and lets it `return` early.
    lines.push('', '# the configuration\'s own script', 'boardroom_customize() {', `${body}}`, 'boardroom_customize "$@"');
  }
  return `${lines.join('\n')}\n`;
}

/** Warnings the framework itself would print (or fail late on); validation reports them too,
 * the manifest keeps them with the build. */
function targetWarnings(
  facts: ArmbianFacts,
  boardId: string,
  branch: string,
  release: string,
  get: (name: string) => string | undefined,
): string[] {
  const warnings: string[] = [];
  const board = facts.boards.get(boardId)!;
  if (board.support !== 'conf') warnings.push(`board ${boardId} has support level ${board.support}, not conf (supported)`);
  if (!board.kernelTargets.includes(branch)) {
    warnings.push(`board ${boardId} does not list branch ${branch} (it offers ${board.kernelTargets.join(', ')})`);
  }
  const releaseOption = facts.options.find((o) => o.name === 'RELEASE');
  const detail = releaseOption?.valueDetails?.find((d) => d.value === release);
  if (detail?.support && detail.support !== 'supported') {
    warnings.push(`release ${release} has support level ${detail.support}`);
  }
  if (detail?.architectures && !detail.architectures.includes(board.arch)) {
    warnings.push(`release ${release} is not built for ${board.arch}`);
  }
  if (get('BUILD_DESKTOP') === 'yes' && board.hasVideo === false) {
    warnings.push(`board ${boardId} has no video output for a desktop`);
  }
  return warnings;
}

/** The plan's files by name, and the tree's by `userpatches/<path>` (as in `userpatches.tar`). */
function renderSums(files: PlanFile[], tree: readonly TreeFile[]): string {
  return [
    ...files.map((f) => ({ name: f.name, hash: createHash('sha256').update(f.content, 'utf8').digest('hex') })),
    ...tree.map((f) => ({ name: `userpatches/${f.path}`, hash: f.sha256 })),
  ]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.hash}  ${f.name}\n`)
    .join('');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
