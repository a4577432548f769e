/**
 * `npx tsx scripts/kernel-config-names.ts <armbian-build-dir> [--check]`: asks the framework which
 * kernel config file (LINUXCONFIG) it reads for every family and branch, and writes
 * `shared/data/armbian-kernel-configs.json` (docs/architecture.md, "Kernel configuration").
 *
 * LINUXCONFIG is set by family files, their includes, `case $BRANCH` blocks and common.conf's
 * default; reading that statically misses most families, so this runs `config-dump-json` (a few
 * seconds each, offline) for one board of each family on each branch it can build, and for every
 * board whose own file sets LINUXFAMILY or LINUXCONFIG. A branch the trimmed framework cannot
 * resolve is left out (the Kernel panel then says only the framework check can tell).
 * With --check it writes nothing and exits 1 when the committed file differs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rawFramework from '../shared/data/armbian-framework.json' with { type: 'json' };
import { loadBoardFacts } from '../shared/schema/board-facts.ts';
import { createFrameworkChecker } from '../builder/framework-check/framework-checker.ts';
import { frameworkCommit } from '../builder/framework-check/framework-commit.ts';
import { DISTRIBUTION_KERNEL_BRANCH } from '../shared/kernel-config/kernel-config-file.ts';

/** Checks at once: two cores. */
const PARALLEL = 2;
const CONF_NAME = 'kernel-config-names';
/** nobody: as root the framework relaunches itself under Docker or sudo. */
const UNPRIVILEGED_UID = 65534;

interface Release { release: string; support: string; architectures: string[] }

const dataFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'data', 'armbian-kernel-configs.json');
const args = process.argv.slice(2);
const check = args.includes('--check');
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npx tsx scripts/kernel-config-names.ts <armbian-build-dir> [--check]');
  process.exit(2);
}
const armbianDir = path.resolve(dir);
const framework = rawFramework as unknown as { releases: Release[]; branches: string[] };
const boards = loadBoardFacts(framework.branches);

function releaseFor(arch: string): string | null {
  const fitting = framework.releases.filter((r) => r.architectures.includes(arch));
  return (fitting.find((r) => r.support === 'supported') ?? fitting[0])?.release ?? null;
}

/** Boards whose own file sets LINUXFAMILY or LINUXCONFIG (wdk2023): their file may differ from the family's. */
function boardsWithOwnKernelConfig(): Set<string> {
  const own = new Set<string>();
  const boardsDir = path.join(armbianDir, 'config', 'boards');
  for (const name of readdirSync(boardsDir)) {
    if (/^\s*(declare -g\s+)?LINUX(FAMILY|CONFIG)=/m.test(readFileSync(path.join(boardsDir, name), 'utf8'))) own.add(name.replace(/\.[a-z]+$/, ''));
  }
  return own;
}

const own = boardsWithOwnKernelConfig();
const representatives = new Map<string, (typeof boards)[number]>();
for (const board of boards) {
  const current = representatives.get(board.family);
  if (!own.has(board.board) && (!current || (current.support !== 'conf' && board.support === 'conf'))) representatives.set(board.family, board);
}
const jobs: Array<{ board: (typeof boards)[number]; branch: string; release: string; ownFile: boolean }> = [];
for (const board of [...representatives.values(), ...boards.filter((b) => own.has(b.board))]) {
  const release = releaseFor(board.arch);
  if (!release) continue;
  // ddk installs the distribution's kernel: nothing is compiled, no kernel config is read.
  for (const branch of Object.keys(board.kernels).sort()) if (branch !== DISTRIBUTION_KERNEL_BRANCH) jobs.push({ board, branch, release, ownFile: own.has(board.board) });
}

const workRoot = mkdtempSync(path.join(tmpdir(), 'kernel-config-names-'));
chmodSync(workRoot, 0o755);
const checker = createFrameworkChecker({ armbianDir, workRoot, runAsUid: process.getuid?.() === 0 ? UNPRIVILEGED_UID : null, concurrency: PARALLEL });
const families: Record<string, Record<string, string>> = {};
const boardOverrides: Record<string, Record<string, string>> = {};
let failed = 0;
try {
  await Promise.all(jobs.map(async ({ board, branch, release, ownFile }) => {
    const conf = `BOARD="${board.board}"\nBRANCH="${branch}"\nRELEASE="${release}"\nBUILD_MINIMAL="no"\nBUILD_DESKTOP="no"\nKERNEL_CONFIGURE="no"\n`;
    const result = await checker.check({ confName: CONF_NAME, files: [{ installTo: `userpatches/config-${CONF_NAME}.conf`, content: conf }] });
    const linuxConfig = result.ok ? result.dump.LINUXCONFIG : undefined;
    if (typeof linuxConfig !== 'string' || linuxConfig === '') {
      failed += 1;
      console.error(`${board.board} ${branch}: not resolved${result.ok ? '' : ` (${result.errors.join('; ').slice(0, 200)})`}`);
      return;
    }
    if (ownFile) (boardOverrides[board.board] ??= {})[branch] = linuxConfig;
    else (families[board.family] ??= {})[branch] = linuxConfig;
  }));
} finally {
  rmSync(workRoot, { recursive: true, force: true });
}
// A board's own entry is kept only where it differs from its family's.
for (const [boardId, branches] of Object.entries(boardOverrides)) {
  const family = boards.find((b) => b.board === boardId)!.family;
  for (const [branch, name] of Object.entries(branches)) if (families[family]?.[branch] === name) delete branches[branch];
  if (Object.keys(branches).length === 0) delete boardOverrides[boardId];
}
const sorted = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const content = `${JSON.stringify({
  commit: frameworkCommit(armbianDir),
  families: sorted(Object.fromEntries(Object.entries(families).map(([f, b]) => [f, sorted(b)]))),
  boards: sorted(Object.fromEntries(Object.entries(boardOverrides).map(([f, b]) => [f, sorted(b)]))),
}, null, 2)}\n`;
const current = existsSync(dataFile) ? readFileSync(dataFile, 'utf8') : null;
console.log(`${jobs.length} family/branch checks, ${failed} not resolved`);
if (check) {
  if (current !== content) {
    console.error('shared/data/armbian-kernel-configs.json differs from the framework');
    process.exit(1);
  }
} else if (current !== content) writeFileSync(dataFile, content, 'utf8');
