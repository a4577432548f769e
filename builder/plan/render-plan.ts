/**
 * Turns a build snapshot into the plan's files. A pure function of (snapshot, facts, builder
 * version): no clock, no environment, no host paths, sorted keys, so the same snapshot always
 * gives byte-identical files.
 */
import { createHash } from 'node:crypto';
import type { BuildSnapshot } from '../../shared/builds/read.ts';
import { resolveKernelVersion, type ArmbianFacts } from './armbian-facts.ts';
import { mapConfig, type ArmbianAssignment, type ScriptInputs } from './config-mapping.ts';
import { doubleQuoted, shellWord } from './shell.ts';
import { stableJson } from './stable-json.ts';

/** Longest `<name>` in `config-<name>.conf`: keeps file and artifact names short and readable. */
const CONF_NAME_MAX_LENGTH = 64;
/** What a plan puts where the framework writes its own VERSION (e.g. 26.02.0-trunk): a plan runs
 * without a checkout, so the predicted image name carries this placeholder. */
export const PREDICTED_REVISION = 'trunk';

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
  kernelVersion: string | null;
  predictedImageName: string;
  release: string;
  schemaVersion: string;
  warnings: string[];
}

export interface Plan {
  files: PlanFile[];
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

export function confNameOf(configName: string): string {
  const slug = configName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, CONF_NAME_MAX_LENGTH)
    .replace(/[-.]+$/g, '');
  return slug === '' ? 'boardroom' : slug;
}

export function renderPlan(snapshot: BuildSnapshot, facts: ArmbianFacts, builderVersion: string): Plan {
  const config = snapshot.configJson;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PlanError('the configuration is not a JSON object');
  }
  const mapped = mapConfig(config as Record<string, unknown>, facts);
  const get = (name: string): string | undefined => mapped.assignments.find((a) => a.name === name)?.value;
  const boardId = get('BOARD');
  const branch = get('BRANCH');
  const release = get('RELEASE');
  if (!boardId || !branch || !release) throw new PlanError('BOARD, BRANCH and RELEASE must be set');
  const board = facts.boards.get(boardId);
  if (!board) throw new PlanError(`unknown board ${boardId}`);

  const warnings = [...mapped.warnings, ...targetWarnings(facts, board.board, branch, release, get)];
  const kernelVersion = resolveKernelVersion(facts, board.family, branch);
  if (kernelVersion === null) {
    warnings.push(`family ${board.family} defines no kernel version for branch ${branch}: the build will fail`);
  }

  const confName = confNameOf(snapshot.configName);
  const compileArgs = ['build', ...mapped.assignments.map((a) => `${a.name}=${a.value}`)];
  const command = ['./compile.sh', ...compileArgs].map(shellWord).join(' ');
  const header = [
    `# Boardroom configuration "${oneLine(snapshot.configName)}"`,
    `# content ${snapshot.contentHash}, schema ${snapshot.schemaVersion}, builder ${builderVersion}`,
  ];
  const files: PlanFile[] = [
    {
      name: `config-${confName}.conf`,
      installTo: `userpatches/config-${confName}.conf`,
      content: renderConf(header, confName, mapped.assignments, mapped.extraLines),
    },
    { name: 'compile-command.txt', installTo: null, content: `${command}\n` },
  ];
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
    predictedImageName: predictImageName(board.board, release, branch, kernelVersion, get),
    release,
    schemaVersion: snapshot.schemaVersion,
    warnings,
  };
  files.push({ name: 'manifest.json', installTo: null, content: stableJson(manifest) });
  files.push({ name: 'SHA256SUMS', installTo: null, content: renderSums(files) });
  return { files, manifest, compileArgs, confName };
}

function renderConf(header: string[], confName: string, assignments: ArmbianAssignment[], extraLines: string): string {
  const lines = [...header, `# use: ./compile.sh ${confName}`];
  for (const a of assignments) {
    lines.push(`${a.name}=${doubleQuoted(a.value)}${a.implied ? ' # set by Boardroom: no terminal to ask' : ''}`);
  }
  // The configuration's own bash, verbatim and last, so it sees (and may override) the settings.
  if (extraLines.trim() !== '') lines.push('# extra lines of the configuration', extraLines.replace(/\n+$/, ''));
  return `${lines.join('\n')}\n`;
}

/** Armbian calls userpatches/customize-image.sh inside the image with
 * RELEASE LINUXFAMILY BOARD BUILD_DESKTOP ARCH as arguments. */
function renderCustomizeScript(header: string[], script: ScriptInputs): string | null {
  if (script.timezone === null && script.extraPackages.length === 0 && script.customizeScript.trim() === '') {
    return null;
  }
  const lines = ['#!/bin/bash', ...header, 'set -e'];
  if (script.timezone !== null) {
    const tz = doubleQuoted(script.timezone);
    lines.push('', '# time zone', `ln -sf /usr/share/zoneinfo/${tz} /etc/localtime`, `echo ${tz} > /etc/timezone`);
  }
  if (script.extraPackages.length > 0) {
    lines.push(
      '',
      '# extra packages',
      'apt-get update',
      `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${script.extraPackages.map(shellWord).join(' ')}`,
    );
  }
  if (script.customizeScript.trim() !== '') {
    const body = script.customizeScript.endsWith('\n') ? script.customizeScript : `${script.customizeScript}\n`;
    // A function keeps the user's own $1..$5 and lets it `return` early.
    lines.push('', '# the configuration\'s own script', 'boardroom_customize() {', `${body}}`, 'boardroom_customize "$@"');
  }
  return `${lines.join('\n')}\n`;
}

/** The framework's `calculate_image_version`:
 * VENDOR_REVISION_Board_RELEASE_BRANCH_KERNEL[_DESKTOP_ENVIRONMENT][_desktop][_minimal][_nfsboot].img */
function predictImageName(
  board: string,
  release: string,
  branch: string,
  kernel: string | null,
  get: (name: string) => string | undefined,
): string {
  const vendor = get('VENDOR') ?? 'Armbian-unofficial';
  const boardPart = board.charAt(0).toUpperCase() + board.slice(1);
  let name = `${vendor}_${PREDICTED_REVISION}_${boardPart}_${release}_${branch}_${kernel ?? 'unknown'}`;
  const desktop = get('DESKTOP_ENVIRONMENT');
  if (desktop) name += `_${desktop}`;
  if (get('BUILD_DESKTOP') === 'yes') name += '_desktop';
  if (get('BUILD_MINIMAL') === 'yes') name += '_minimal';
  if (get('ROOTFS_TYPE') === 'nfs') name += '_nfsboot';
  return `${name}.img`;
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

function renderSums(files: PlanFile[]): string {
  return files
    .map((f) => ({ name: f.name, hash: createHash('sha256').update(f.content, 'utf8').digest('hex') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.hash}  ${f.name}\n`)
    .join('');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
