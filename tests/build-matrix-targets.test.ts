/**
 * Importing a framework `targets.yaml`: the expansion agrees with the framework's own
 * `targets-compositor.py`, run on the framework's board inventory (`board-inventory.py`) from
 * `../shared/armbian-build`, for its templates and for a file using items, expand, anchors and
 * arch filters; what a matrix cannot express is refused with the place and the reason.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../shared/schema/index.ts';
import { expandTargetsYaml, TargetsFileError, type TargetVars } from '../shared/builds/targets-compositor.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';

const run = promisify(execFile);
const isSetting = (name: string) => name in configSchema.properties;
const inventory = configSchema['x-boards'];

/** A file with every construct the compositor reads (and that Armbian's own target files use). */
const RICH_TARGETS = `# boards shared through an anchor, as armbian/os does
lists:
  rk: &rk-boards
    - { BOARD: rock-5b, BRANCH: vendor }
    - { BOARD: rock-5b, BRANCH: current }
  more: &more
    - BOARD: orangepi5
      BRANCH: vendor
targets:
  cli-noble:
    vars: &common
      BUILD_MINIMAL: "no"
      BUILD_DESKTOP: 'no'
      RELEASE: noble
    expand:
      noble: { RELEASE: noble }
      trixie:
        RELEASE: trixie
    items:
      - *rk-boards
      - *more
      - { BOARD: rock-5b, BRANCH: vendor }   # a duplicate: dropped
  minimal-riscv:
    vars:
      <<: *common
      BUILD_MINIMAL: "yes"
    items-from-inventory:
      conf:
        only-arches: [riscv64]
  off:
    enabled: no
    vars: { RELEASE: sid }
    items-from-inventory:
      all: yes
`;

describe('targets.yaml import agrees with the framework', () => {
  let tmp: string;
  let boardInventory: string;
  const userspace = () => path.join(tmp, 'userspace.json');

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'matrix-targets-'));
    await writeFile(userspace(), '[]');
    // The framework's own inventory of boards and branches; it only reads its tree.
    const { stdout } = await run('python3', [path.join(FRAMEWORK_DIR, 'lib/tools/info/board-inventory.py')], { cwd: FRAMEWORK_DIR, maxBuffer: 64 << 20 });
    boardInventory = path.join(tmp, 'boards.json');
    await writeFile(boardInventory, stdout);
  }, 120_000);
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** The framework's expansion of a targets file: the vars of each invocation, environment vars left out. */
  const framework = async (file: string): Promise<TargetVars[]> => {
    const { stdout } = await run('python3', [path.join(FRAMEWORK_DIR, 'lib/tools/info/targets-compositor.py'), boardInventory, userspace(), file], {
      cwd: FRAMEWORK_DIR,
      maxBuffer: 64 << 20,
      env: { ...process.env, TARGETS_BETA: '', TARGETS_REVISION: '', TARGETS_FILTER_INCLUDE: '' },
    });
    return (JSON.parse(stdout) as Array<{ vars: Record<string, string> }>).map(({ vars }) => {
      const { BETA: _beta, REVISION: _revision, ...rest } = vars;
      return rest;
    });
  };
  const sorted = (list: TargetVars[]) => list.map((v) => JSON.stringify(Object.entries(v).sort())).sort();

  it('expands the framework templates to the same targets', async () => {
    // targets-default.yaml: every supported board and branch, once as desktop and once as CLI.
    const file = path.join(FRAMEWORK_DIR, 'config/templates/targets-default.yaml');
    const ours = expandTargetsYaml(await readFile(file, 'utf8'), inventory, { isSetting });
    const theirs = await framework(file);
    expect(theirs.length).toBeGreaterThan(1000);
    expect(ours.length).toBe(theirs.length);
    expect(sorted(ours)).toEqual(sorted(theirs));
  }, 120_000);

  it('expands items, expand, anchors, merges and arch filters the same way', async () => {
    const file = path.join(tmp, 'rich.yaml');
    await writeFile(file, RICH_TARGETS);
    const ours = expandTargetsYaml(RICH_TARGETS, inventory, { isSetting });
    const theirs = await framework(file);
    expect(ours).toContainEqual({ BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', RELEASE: 'trixie', BOARD: 'orangepi5', BRANCH: 'vendor' });
    expect(ours.filter((t) => t.BOARD === 'rock-5b' && t.BRANCH === 'vendor')).toHaveLength(2); // noble and trixie, not the duplicate
    expect(ours.some((t) => t.BUILD_MINIMAL === 'yes')).toBe(true);
    expect(ours.length).toBe(theirs.length);
    expect(sorted(ours)).toEqual(sorted(theirs));
  }, 60_000);

  it('refuses what a matrix cannot express, saying where and why', () => {
    const problems = (source: string) => {
      try {
        expandTargetsYaml(source, inventory, { isSetting });
      } catch (error) {
        if (error instanceof TargetsFileError) return error.problems;
        throw error;
      }
      return [];
    };
    // targets-all-kernels.yaml builds only kernel artifacts.
    expect(problems('targets:\n  k:\n    pipeline:\n      only-artifacts: [ "kernel" ]\n    vars: { RELEASE: sid }\n    items: [ { BOARD: rock-5b, BRANCH: current } ]\n')).toEqual([
      { path: 'targets/k/pipeline', message: expect.stringContaining('only some artifacts') },
    ]);
    expect(problems('targets:\n  u:\n    vars: {}\n    items-from-inventory:\n      userspace: {}\n')[0]).toMatchObject({ path: 'targets/u/items-from-inventory/userspace' });
    expect(problems('targets:\n  b:\n    vars: { RELEASE: sid }\n    items: [ { BOARD: no-such-board, BRANCH: current } ]\n')[0]?.message).toBe('unknown board "no-such-board"');
    expect(problems('targets:\n  v:\n    vars: { NOT_A_SETTING: x }\n    items: [ { BOARD: rock-5b, BRANCH: current } ]\n')[0]?.path).toBe('targets/v/vars/NOT_A_SETTING');
    expect(problems('targets:\n  q:\n    vars: { BUILD_MINIMAL: no }\n    items: [ { BOARD: rock-5b, BRANCH: current } ]\n')[0]?.message).toContain('quote it');
    expect(problems('targets:\n  s:\n    vars:\n      RELEASE: |\n        sid\n')[0]).toMatchObject({ path: 'line 4', message: expect.stringContaining('block scalars') });
    expect(problems('targets:\n  f:\n    vars: { RELEASE: sid,\n')[0]?.path).toBe('line 3');
    expect(problems('- just a list\n')[0]?.path).toBe('targets');
  });

  it('stops expanding at the limit instead of building a huge list', () => {
    const all = 'targets:\n  all:\n    vars: { RELEASE: sid }\n    items-from-inventory:\n      all: yes\n';
    expect(() => expandTargetsYaml(all, inventory, { isSetting, maxTargets: 10 })).toThrow(/more than 10 targets/);
  });
});
