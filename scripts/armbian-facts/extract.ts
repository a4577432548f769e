/**
 * Rebuilds the project's Armbian facts from a checkout of the build framework: boards, families
 * (kernel version per branch), releases, extensions, the framework's command names and the
 * commit it is at. `scripts/armbian-facts.ts` writes the result into `shared/data/`; a test runs
 * it on the framework beside the repository and compares with what is committed.
 */
import { frameworkCommit } from '../../builder/framework-check/framework-commit.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readTopLevel, type TopLevelFile } from '../../shared/boards/bash-top-level.ts';
import { commaList } from '../../shared/boards/board-file.ts';

export interface BoardFact {
  board: string;
  support: string;
  description: string | null;
  name: string | null;
  family: string | null;
  vendor: string | null;
  maintainer?: string;
  kernelTargets: string[];
  kernelTestTarget?: string[];
  bootConfig?: string;
  hasVideo?: boolean;
  arch: string | null;
  /** BOOTFS_TYPE the board (or its family) sets unconditionally; extensions such as cloud-init need fat. */
  bootFsType?: string;
  extensions?: string[];
  /** `ENABLE_EXTENSIONS="…"` the board file assigns: it replaces what the command line asked for
   * (the framework reads ENABLE_EXTENSIONS only after the board file), e.g. uefi-loong64 → yt6801. */
  replacesExtensions?: string[];
  /** Branch → KERNEL_MAJOR_MINOR a board hook sets over the family's (e.g. wdk2023 → 6.7). */
  kernelOverrides?: Record<string, string>;
  extra: Record<string, string>;
}

export interface FamilyFact {
  family: string;
  arch: string | null;
  linuxFamily: string | null;
  includes: string[];
  branches: Record<string, string | null>;
  kernelMajorMinor: string | null;
  boardCount: number;
  /** BOOTFS_TYPE the family (or an include) sets unconditionally: what a board of it gets unless it sets its own. */
  bootFsType?: string;
}

export interface ReleaseFact {
  release: string;
  name: string;
  support: string;
  architectures: string[];
}

/** Facts that have no older home in `shared/data/`: written to `armbian-framework.json`. */
export interface FrameworkFacts {
  commit: string | null;
  version: string;
  /** Every name `enable_extension` finds under extensions/ (a file `<name>.sh` anywhere below). */
  extensions: string[];
  /** Suffix an extension adds to the image name (`EXTRA_IMAGE_SUFFIXES+=("-ci")`), by extension. */
  extensionImageSuffixes: Record<string, string>;
  /** First words `./compile.sh` takes as a command, not a config name (lib/functions/cli/commands.sh). */
  commands: string[];
  releases: ReleaseFact[];
  /** Every branch some family or board names, sorted. */
  branches: string[];
}

export interface ArmbianFactsBundle {
  boards: BoardFact[];
  families: FamilyFact[];
  framework: FrameworkFacts;
}

/** Keys kept in a board's `extra`: the ones more than a fifth of the board files set. */
const EXTRA_KEYS = ['BOOT_FDT_FILE', 'BOOT_LOGO', 'BOOT_SCENARIO', 'BOOT_SOC', 'FULL_DESKTOP', 'IMAGE_PARTITION_TABLE', 'INTRODUCED', 'SERIALCON'];
const BOARD_SUPPORT_EXTENSIONS = new Set(['conf', 'csc', 'wip', 'eos', 'tvb']);

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function read(file: string): TopLevelFile {
  return readTopLevel(readFileSync(file, 'utf8'));
}

interface ParsedFamily {
  own: TopLevelFile;
  includes: Array<{ name: string; file: TopLevelFile }>;
}

function parseFamily(dir: string, family: string): ParsedFamily | null {
  const file = path.join(dir, 'config', 'sources', 'families', `${family}.conf`);
  if (!existsSync(file)) return null;
  const own = read(file);
  const includes = own.sources
    .map((s) => path.basename(s))
    .filter((s) => s.endsWith('.inc'))
    .map((s) => ({ name: s.slice(0, -4), file: read(path.join(dir, 'config', 'sources', 'families', 'include', s)) }));
  return { own, includes };
}

function familyArch(parsed: ParsedFamily): string | null {
  return parsed.own.assignments.get('ARCH') ?? parsed.includes[0]?.file.assignments.get('ARCH') ?? null;
}

function familyBootFs(parsed: ParsedFamily): string | undefined {
  return parsed.own.assignments.get('BOOTFS_TYPE') ?? parsed.includes.find((i) => i.file.assignments.has('BOOTFS_TYPE'))?.file.assignments.get('BOOTFS_TYPE');
}

function familyFact(family: string, parsed: ParsedFamily, boardCount: number): FamilyFact {
  const branches: Record<string, string | null> = {};
  // The family sources its includes first, so its own labels run last and win; they come first
  // in the record, the includes' other labels after.
  const fromIncludes = new Map<string, string | null>();
  for (const include of parsed.includes) {
    for (const [branch, version] of include.file.branches) if (!fromIncludes.has(branch)) fromIncludes.set(branch, version);
  }
  // A label of the family's own that sets no version keeps what the include set for it.
  for (const [branch, version] of parsed.own.branches) branches[branch] = version ?? fromIncludes.get(branch) ?? null;
  for (const [branch, version] of fromIncludes) if (!(branch in branches)) branches[branch] = version;
  const hasCase = Object.keys(branches).length > 0;
  const linuxFamily = parsed.own.assignments.get('LINUXFAMILY');
  const topVersion = parsed.own.assignments.get('KERNEL_MAJOR_MINOR') ?? parsed.includes.find((i) => i.file.assignments.has('KERNEL_MAJOR_MINOR'))?.file.assignments.get('KERNEL_MAJOR_MINOR');
  const bootFsType = familyBootFs(parsed);
  return {
    family,
    arch: familyArch(parsed),
    linuxFamily: linuxFamily && !linuxFamily.includes('$') ? linuxFamily : null,
    includes: parsed.includes.map((i) => i.name),
    branches,
    kernelMajorMinor: hasCase ? null : topVersion ?? null,
    boardCount,
    ...(bootFsType && !bootFsType.includes('$') ? { bootFsType } : {}),
  };
}

function boardFact(file: string, board: string, support: string, families: Map<string, ParsedFamily | null>): BoardFact {
  const parsed = read(file);
  const a = parsed.assignments;
  const family = a.get('BOARDFAMILY') ?? null;
  // Key order is the committed files' order, so a regenerated file diffs cleanly.
  const fact = {
    board,
    support,
    description: parsed.firstComment,
    name: a.get('BOARD_NAME') ?? null,
    family,
    vendor: a.get('BOARD_VENDOR') ?? null,
  } as BoardFact;
  const maintainer = a.get('BOARD_MAINTAINER');
  if (maintainer) fact.maintainer = maintainer;
  fact.kernelTargets = commaList(a.get('KERNEL_TARGET'));
  if (a.has('KERNEL_TEST_TARGET')) fact.kernelTestTarget = commaList(a.get('KERNEL_TEST_TARGET'));
  if (a.has('BOOTCONFIG')) fact.bootConfig = a.get('BOOTCONFIG')!;
  if (a.has('HAS_VIDEO_OUTPUT')) fact.hasVideo = a.get('HAS_VIDEO_OUTPUT') === 'yes';
  const parsedFamily = family ? families.get(family) : undefined;
  fact.arch = a.get('ARCH') ?? (parsedFamily ? familyArch(parsedFamily) : null);
  const bootFs = a.get('BOOTFS_TYPE') ?? (parsedFamily ? familyBootFs(parsedFamily) : undefined);
  if (bootFs && !bootFs.includes('$')) fact.bootFsType = bootFs;
  if (parsed.extensions.length > 0) fact.extensions = [...parsed.extensions];
  const replaced = a.get('ENABLE_EXTENSIONS');
  if (replaced !== undefined && !replaced.includes('$')) fact.replacesExtensions = commaList(replaced);
  if (parsed.branchHooks.size > 0) fact.kernelOverrides = Object.fromEntries([...parsed.branchHooks].sort(([x], [y]) => byName(x, y)));
  fact.extra = {};
  for (const key of EXTRA_KEYS) {
    const value = a.get(key);
    if (value !== undefined && !value.includes('$')) fact.extra[key] = value;
  }
  return fact;
}

function listExtensions(dir: string): { names: string[]; suffixes: Record<string, string> } {
  const names = new Set<string>();
  const suffixes: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sh')) {
        const name = entry.name.slice(0, -3);
        names.add(name);
        const suffix = /EXTRA_IMAGE_SUFFIXES\+=\(\s*"([^"$]*)"\s*\)/.exec(readFileSync(full, 'utf8'));
        if (suffix) suffixes[name] = suffix[1]!;
      }
    }
  };
  walk(path.join(dir, 'extensions'));
  const sorted = [...names].sort(byName);
  return { names: sorted, suffixes: Object.fromEntries(sorted.filter((n) => n in suffixes).map((n) => [n, suffixes[n]!])) };
}

function listCommands(dir: string): string[] {
  const text = readFileSync(path.join(dir, 'lib', 'functions', 'cli', 'commands.sh'), 'utf8');
  const start = text.indexOf('ARMBIAN_COMMANDS_TO_HANDLERS_DICT=(');
  const end = text.indexOf('\n\t)', start);
  if (start === -1 || end === -1) throw new Error('commands.sh: ARMBIAN_COMMANDS_TO_HANDLERS_DICT not found');
  const names = [...text.slice(start, end).matchAll(/\["([a-z0-9-]+)"\]=/g)].map((m) => m[1]!);
  return [...new Set(names)].sort(byName);
}

function listReleases(dir: string): ReleaseFact[] {
  const root = path.join(dir, 'config', 'distributions');
  const entries = readdirSync(root)
    .filter((name) => statSync(path.join(root, name)).isDirectory())
    .map((release) => {
      const field = (name: string): string => {
        const file = path.join(root, release, name);
        return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
      };
      return { release, order: Number(field('order')) || 0, fact: { release, name: field('name'), support: field('support'), architectures: commaList(field('architectures')) } };
    });
  return entries.sort((x, y) => x.order - y.order || byName(x.release, y.release)).map((e) => e.fact);
}

export function extractArmbianFacts(dir: string): ArmbianFactsBundle {
  const boardsDir = path.join(dir, 'config', 'boards');
  const boardFiles = readdirSync(boardsDir)
    .map((name) => ({ name, ext: path.extname(name).slice(1) }))
    .filter((f) => BOARD_SUPPORT_EXTENSIONS.has(f.ext))
    .sort((x, y) => byName(x.name, y.name));
  const familyNames = readdirSync(path.join(dir, 'config', 'sources', 'families'))
    .filter((n) => n.endsWith('.conf'))
    .map((n) => n.slice(0, -5))
    .sort(byName);
  const parsedFamilies = new Map<string, ParsedFamily | null>(familyNames.map((f) => [f, parseFamily(dir, f)]));
  const boards = boardFiles.map((f) => boardFact(path.join(boardsDir, f.name), f.name.slice(0, -(f.ext.length + 1)), f.ext, parsedFamilies));
  const counts = new Map<string, number>();
  for (const b of boards) if (b.family) counts.set(b.family, (counts.get(b.family) ?? 0) + 1);
  const families = familyNames.map((f) => familyFact(f, parsedFamilies.get(f)!, counts.get(f) ?? 0));
  const branches = new Set<string>();
  for (const f of families) for (const b of Object.keys(f.branches)) branches.add(b);
  for (const b of boards) for (const t of b.kernelTargets) branches.add(t);
  const extensions = listExtensions(dir);
  return {
    boards,
    families,
    framework: {
      commit: frameworkCommit(dir),
      version: readFileSync(path.join(dir, 'VERSION'), 'utf8').trim(),
      extensions: extensions.names,
      extensionImageSuffixes: extensions.suffixes,
      commands: listCommands(dir),
      releases: listReleases(dir),
      branches: [...branches].sort(byName),
    },
  };
}
