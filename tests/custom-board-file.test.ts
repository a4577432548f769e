/**
 * A board file in the configuration's tree is read the way the project reads the framework's own
 * board files: placed under userpatches/config/boards/, each of a sample of real upstream board
 * files resolves to exactly the committed facts of that board (family, architecture, branches
 * with their kernels, support level, video, name). Hostile files (huge, endless lines, computed
 * values) are refused with a reason, never run.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardFileLimits, boardFilePath, readBoardFile } from '../shared/boards/board-file.ts';
import { customBoardsOf, inventoryOf } from '../shared/boards/custom-boards.ts';
import { BOARD_INVENTORY, configSchema, customBoardsOfTree } from '../shared/validation/index.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';

const BOARDS_DIR = path.join(FRAMEWORK_DIR, 'config', 'boards');
/** Without the framework's boards: each file stands alone, as a new board would. */
const FAMILIES_ONLY = inventoryOf([], configSchema['x-families']);

/** Boards chosen to cover declare -g, an own ARCH, no video, a board hook, every support level. */
const SAMPLE = ['orangepi5.conf', 'rock-5b.conf', 'wdk2023.eos', 'hikey960.csc', 'gateway-dk.conf', 'aml-t95z-plus.tvb', 'jetson-nano.eos', 'ayn-odin2.csc', 'nanopct6.conf', 'bananapim2zero.csc'];

describe('custom board files', () => {
  it.each(SAMPLE)('%s under userpatches resolves to the committed facts', (file) => {
    const text = readFileSync(path.join(BOARDS_DIR, file), 'utf8');
    const boards = customBoardsOf([{ path: `config/boards/${file}`, text }], FAMILIES_ONLY);
    const board = file.slice(0, file.lastIndexOf('.'));
    const committed = configSchema['x-boards'].find((b) => b.board === board)!;
    expect(committed).toBeDefined();
    const own = boards.get(board)!;
    expect(own.problem).toBeUndefined();
    expect(own.overrides).toBe(false);
    expect(own.facts).toEqual(committed);
  });

  it('every upstream board file resolves to its committed facts', () => {
    const files = readdirSync(BOARDS_DIR).filter((f) => boardFilePath(`config/boards/${f}`));
    expect(files.length).toBe(configSchema['x-boards'].length);
    const boards = customBoardsOf(files.map((f) => ({ path: `config/boards/${f}`, text: readFileSync(path.join(BOARDS_DIR, f), 'utf8') })), FAMILIES_ONLY);
    const differing = configSchema['x-boards'].filter((b) => JSON.stringify(boards.get(b.board)?.facts) !== JSON.stringify(b)).map((b) => b.board);
    expect(differing).toEqual([]);
  });

  it('a new board takes family, architecture and branches from its file and family', () => {
    const text = '# My company board\nBOARD_NAME="Acme One"\ndeclare -g BOARDFAMILY="rockchip64"\nBOARD_VENDOR="acme"\nKERNEL_TARGET="current,edge"\nHAS_VIDEO_OUTPUT="no"\n';
    const own = customBoardsOfTree([{ path: 'config/boards/acme-one.csc', text }]).get('acme-one')!;
    const family = configSchema['x-families'].find((f) => f.family === 'rockchip64')!;
    expect(own.facts).toEqual({
      board: 'acme-one', name: 'Acme One', vendor: 'acme', family: 'rockchip64', arch: 'arm64', support: 'csc',
      kernelTargets: ['current', 'edge'], hasVideo: false, kernels: family.kernels,
    });
  });

  it('a file for an upstream board is read on top of it, and keeps its support level', () => {
    const own = customBoardsOfTree([{ path: 'config/boards/orangepi5.wip', text: 'BOARD_NAME="Orange Pi 5 (ours)"\nKERNEL_TARGET="vendor"\n' }]).get('orangepi5')!;
    const upstream = BOARD_INVENTORY.boards.get('orangepi5')!;
    expect(own.overrides).toBe(true);
    expect(own.facts).toEqual({ ...upstream, name: 'Orange Pi 5 (ours)', kernelTargets: ['vendor'] });
  });

  it('the framework reads the first type of a board: conf before csc', () => {
    const boards = customBoardsOfTree([
      { path: 'config/boards/acme.csc', text: 'BOARDFAMILY="sun8i"\nKERNEL_TARGET="current"\n' },
      { path: 'config/boards/acme.conf', text: 'BOARDFAMILY="rockchip64"\nKERNEL_TARGET="edge"\n' },
    ]);
    expect(boards.get('acme')).toMatchObject({ path: 'config/boards/acme.conf', type: 'conf', ignored: ['config/boards/acme.csc'] });
    expect(boards.get('acme')!.facts!.family).toBe('rockchip64');
  });

  it('refuses what the framework refuses, with its words', () => {
    const problem = (text: string) => customBoardsOfTree([{ path: 'config/boards/x.conf', text }]).get('x')!.problem;
    expect(problem('BOARD_NAME="x"\nKERNEL_TARGET="current"\n')).toMatch(/sets no BOARDFAMILY.*Sources configuration not found/);
    expect(problem('BOARDFAMILY="nosuchfamily"\nKERNEL_TARGET="current"\n')).toMatch(/'nosuchfamily' is not an Armbian family/);
    expect(problem('BOARDFAMILY="sun8i"\n')).toMatch(/sets no KERNEL_TARGET/);
    // Set only inside a function or an if: never read at the top level.
    expect(problem('if true; then\nBOARDFAMILY="sun8i"\nfi\nKERNEL_TARGET="current"\n')).toMatch(/sets no BOARDFAMILY/);
    expect(problem('BOARDFAMILY="$(curl evil)"\nKERNEL_TARGET="current"\n')).toMatch(/computed at run time/);
  });

  it('refuses files larger or longer than any board file, without reading them', () => {
    expect(readBoardFile('#'.repeat(BoardFileLimits.chars + 1))).toMatchObject({ ok: false, problem: expect.stringMatching(/characters long/) });
    expect(readBoardFile('\n'.repeat(BoardFileLimits.lines))).toMatchObject({ ok: false, problem: expect.stringMatching(/lines/) });
    const own = customBoardsOfTree([{ path: 'config/boards/big.conf', text: `BOARDFAMILY="sun8i"\nKERNEL_TARGET="current"\n${'x'.repeat(BoardFileLimits.chars)}` }]).get('big')!;
    expect(own.facts).toBeNull();
    expect(customBoardsOfTree([{ path: 'config/boards/blob.conf', text: null }]).get('blob')!.problem).toMatch(/binary/);
  });

  it('only config/boards/<id>.<type> paths are board files', () => {
    expect(boardFilePath('config/boards/acme.conf')).toEqual({ board: 'acme', type: 'conf' });
    expect(boardFilePath('config/boards/acme.txt')).toBeNull();
    expect(boardFilePath('config/boards/sub/acme.conf')).toBeNull();
    expect(boardFilePath('boards/acme.conf')).toBeNull();
    expect(boardFilePath('config/boards/.conf')).toBeNull();
  });
});
