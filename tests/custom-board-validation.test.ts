/**
 * Validation with the configuration's own board files, the same code the browser and the server
 * run: BOARD=<custom> is accepted exactly when the tree has its file, the board's family,
 * architecture and branches drive the dependent rules (BRANCH, RELEASE), and without the file the
 * same BOARD is an error that says what is missing.
 */
import { describe, expect, it } from 'vitest';
import { branchOptions } from '../client/form/enum-options.ts';
import { configSchema, customBoardsOfTree, validateConfig } from '../shared/validation/index.ts';

const ACME = '# Acme One\nBOARD_NAME="Acme One"\nBOARDFAMILY="rockchip64"\nKERNEL_TARGET="current,edge"\n';
const RISCV = 'BOARD_NAME="Acme V"\nBOARDFAMILY="starfive2"\nKERNEL_TARGET="edge"\n';
const config = (over: Record<string, unknown> = {}) => ({ BOARD: 'acme-one', BRANCH: 'current', RELEASE: 'noble', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', ...over });
const tree = (files: Record<string, string>) => customBoardsOfTree(Object.entries(files).map(([path, text]) => ({ path, text })));
const boardIssues = (issues: Array<{ path: string }>) => issues.filter((i) => i.path === '/BOARD');

describe('validation with custom boards', () => {
  it('accepts BOARD=<custom> only while the tree has its board file', () => {
    const withFile = validateConfig(config(), { customBoards: tree({ 'config/boards/acme-one.csc': ACME }) });
    expect(withFile.errors).toEqual([]);
    expect(withFile.warnings.map((w) => w.keyword)).toContain('board-support'); // .csc: community, as the framework says

    const without = validateConfig(config(), { customBoards: tree({}) });
    expect(without.valid).toBe(false);
    expect(boardIssues(without.errors)).toHaveLength(1);
    expect(without.errors[0]!.message).toMatch(/'acme-one' is not an Armbian board, and this configuration has no board file for it \(userpatches\/config\/boards\/acme-one\.conf/);
  });

  it('takes branches and architecture from the file and its family', () => {
    const customBoards = tree({ 'config/boards/acme-one.conf': ACME, 'config/boards/acme-v.conf': RISCV });
    const noKernel = validateConfig(config({ BRANCH: 'vendor' }), { customBoards });
    expect(noKernel.errors.find((e) => e.path === '/BRANCH')?.message).toMatch(/Board Acme One has no kernel for branch 'vendor'.*rockchip64.*choose current or edge/);
    // Branches the family builds but KERNEL_TARGET does not list: the framework's warning.
    const family = configSchema['x-families'].find((f) => f.family === 'rockchip64')!;
    expect(Object.keys(family.kernels)).toContain('bleedingedge');
    expect(validateConfig(config({ BRANCH: 'bleedingedge' }), { customBoards }).warnings.map((w) => w.keyword)).toContain('branch-not-listed');
    // starfive2 is riscv64: an amd64/arm64-only release is refused for it.
    const release = configSchema['x-releases'].find((r) => !r.architectures.includes('riscv64'))!;
    const wrongArch = validateConfig(config({ BOARD: 'acme-v', BRANCH: 'edge', RELEASE: release.release }), { customBoards });
    expect(wrongArch.errors.map((e) => e.keyword)).toContain('release-arch-unsupported');
    // The form's BRANCH choices follow the board file.
    expect(branchOptions(configSchema, config(), customBoards).filter((o) => !o.detail?.includes('not tested')).map((o) => o.value)).toEqual(['current', 'edge']);
  });

  it('a board file the framework would refuse makes BOARD an error with the reason', () => {
    const result = validateConfig(config(), { customBoards: tree({ 'config/boards/acme-one.conf': 'BOARD_NAME="Acme"\nKERNEL_TARGET="current"\n' }) });
    expect(boardIssues(result.errors)).toEqual([
      expect.objectContaining({ keyword: 'board-file', message: expect.stringMatching(/userpatches\/config\/boards\/acme-one\.conf cannot be used: it sets no BOARDFAMILY/) }),
    ]);
  });

  it('a file for an Armbian board is read on top of it', () => {
    const customBoards = tree({ 'config/boards/orangepi5.conf': 'KERNEL_TARGET="vendor"\n' });
    const result = validateConfig(config({ BOARD: 'orangepi5', BRANCH: 'current' }), { customBoards });
    expect(result.warnings.map((w) => w.keyword)).toEqual(expect.arrayContaining(['board-file-override', 'branch-not-listed']));
    expect(validateConfig(config({ BOARD: 'orangepi5', BRANCH: 'current' })).warnings.map((w) => w.keyword)).not.toContain('branch-not-listed');
  });
});
