/**
 * Custom boards against the real Armbian framework (`../shared/armbian-build`): a board file of
 * the configuration's tree goes to `userpatches/config/boards/` with the plan, and
 * `./compile.sh <name> config-dump-json` resolves the family, architecture and kernel the
 * project's reader resolved from the file (shared/boards/custom-boards.ts). A board file the
 * framework refuses (no BOARDFAMILY, a family it does not have) is refused by the project's
 * validation too, before any build, naming the same cause.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedPlan, filesForCheck } from '../builder/framework-check/checked-plan.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { expectedImageFileId } from '../builder/plan/image-file-id.ts';
import type { TreeFile } from '../builder/plan/plan-tree.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';
import { factsWithTreeBoards } from '../builder/plan/tree-boards.ts';
import { customBoardsOfTree, validateConfig } from '../shared/validation/index.ts';
import { snapshotOf, startFrameworkRig, type FrameworkRig } from './framework/framework-rig.ts';

/** Two checks at once: the machine has two cores. */
const FRAMEWORK_PARALLEL = 2;
/** One check takes 2–20 s; a loaded machine queues them. */
const CASE_TIMEOUT_MS = 600_000;

const facts = loadArmbianFacts();
let rig: FrameworkRig;

beforeAll(async () => {
  rig = await startFrameworkRig(FRAMEWORK_PARALLEL);
});
afterAll(async () => {
  await rig?.close();
});

function treeFile(path: string, text: string): TreeFile {
  const bytes = Buffer.from(text, 'utf8');
  return { path, bytes, mode: 0o644, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const base = { RELEASE: 'bookworm', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no' };

const ACCEPTED = [
  {
    name: 'a new arm64 board of a Rockchip family (.csc)',
    path: 'config/boards/acme-one.csc',
    text: '# Acme One\nBOARD_NAME="Acme One"\ndeclare -g BOARDFAMILY="rockchip-rk3588"\nBOARD_MAINTAINER=""\nBOOTCONFIG="rock-5b-rk3588_defconfig"\nKERNEL_TARGET="vendor,current"\nBOOT_FDT_FILE="rockchip/rk3588-rock-5b.dtb"\n',
    config: { ...base, BOARD: 'acme-one', BRANCH: 'vendor' },
  },
  {
    name: 'a new riscv64 board (.conf)',
    path: 'config/boards/acme-v.conf',
    text: '# Acme V\nBOARD_NAME="Acme V"\nBOARDFAMILY="spacemit"\nKERNEL_TARGET="current,edge"\n',
    config: { ...base, BOARD: 'acme-v', BRANCH: 'current', RELEASE: 'trixie' },
  },
  {
    // The framework sources its own orangepi5.conf and then this one: family and the rest stay.
    name: 'a file on top of an Armbian board',
    path: 'config/boards/orangepi5.conf',
    text: 'BOARD_NAME="Orange Pi 5 (ours)"\nKERNEL_TARGET="vendor"\n',
    config: { ...base, BOARD: 'orangepi5', BRANCH: 'vendor' },
  },
];

describe.concurrent('a board file the project accepts, the framework resolves the same way', () => {
  it.each(ACCEPTED)('$name', async ({ path, text, config }) => {
    const tree = [treeFile(path, text)];
    const own = customBoardsOfTree([{ path, text }]).get(String(config.BOARD))!;
    expect(own.facts).not.toBeNull();
    const validation = validateConfig(config, { customBoards: customBoardsOfTree([{ path, text }]) });
    expect(validation.errors, JSON.stringify(validation.errors)).toEqual([]);

    const plan = await checkedPlan({ snapshot: snapshotOf(config), facts, builderVersion: '1.0.0', judge: rig.judge, tree });
    expect(plan.files.map((f) => f.installTo).concat(plan.tree.map((f) => `userpatches/${f.path}`))).toContain(`userpatches/${path}`);
    const m = plan.manifest;
    expect(m.framework.check).toBe('accepted');
    const resolved = m.framework.resolved!;
    expect(resolved.BOARDFAMILY).toBe(own.facts!.family);
    expect(resolved.ARCH).toBe(own.facts!.arch);
    expect(resolved.KERNEL_MAJOR_MINOR).toBe(own.facts!.kernels[String(config.BRANCH)]);
    expect(m.family).toBe(own.facts!.family);
    expect(m.architecture).toBe(own.facts!.arch);
    const get = (name: string): string | undefined => plan.compileArgs.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    const withBoard = factsWithTreeBoards(facts, tree, String(config.BOARD));
    expect(resolved.IMAGE_FILE_ID).toBe(expectedImageFileId(withBoard, withBoard.boards.get(String(config.BOARD))!, get));
  }, CASE_TIMEOUT_MS);
});

const REFUSED = [
  { name: 'no BOARDFAMILY', text: '# Acme\nBOARD_NAME="Acme"\nKERNEL_TARGET="current"\n', projectSays: /sets no BOARDFAMILY/ },
  { name: 'a family the framework does not have', text: '# Acme\nBOARD_NAME="Acme"\nBOARDFAMILY="acme-soc"\nKERNEL_TARGET="current"\n', projectSays: /'acme-soc' is not an Armbian family/ },
];

describe.concurrent('a board file the framework refuses, the project refuses before a build', () => {
  it.each(REFUSED)('$name', async ({ text, projectSays }) => {
    const path = 'config/boards/acme.conf';
    const config = { ...base, BOARD: 'acme', BRANCH: 'current' };
    const validation = validateConfig(config, { customBoards: customBoardsOfTree([{ path, text }]) });
    expect(validation.errors.filter((e) => e.path === '/BOARD')).toEqual([expect.objectContaining({ keyword: 'board-file', message: expect.stringMatching(projectSays) })]);
    expect(validation.errors.find((e) => e.path === '/BOARD')!.message).toMatch(/Sources configuration not found/);
    // The plan refuses too, with the same reason.
    expect(() => renderPlan(snapshotOf(config), facts, '1.0.0', undefined, [treeFile(path, text)])).toThrow(projectSays);

    // The framework, given the same file (in a plan rendered for a usable one), stops for the same cause.
    const usable = 'BOARD_NAME="Acme"\nBOARDFAMILY="sun8i"\nKERNEL_TARGET="current"\n';
    const plan = renderPlan(snapshotOf(config), facts, '1.0.0', undefined, [treeFile(path, usable)]);
    const files = filesForCheck(plan).map((f) => (f.installTo === `userpatches/${path}` ? { ...f, content: text } : f));
    expect(files.some((f) => f.content === text)).toBe(true);
    const result = await rig.judge.checker.check({ confName: plan.confName, files });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toMatch(/Sources configuration not found/);
  }, CASE_TIMEOUT_MS);
});
