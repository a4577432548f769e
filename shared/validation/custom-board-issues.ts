/**
 * What validation says about BOARD when the configuration's tree holds board files
 * (shared/boards/custom-boards.ts): the framework's enum of 400 boards is not the whole list any
 * more. Kept apart from rules.ts: these issues are about the tree's files, not framework facts.
 */
import type { CustomBoard } from '../boards/custom-boards.ts';
import { BOARD_FILES_FOLDER } from '../boards/board-file.ts';
import { quote, type ValidationIssue } from './issue.ts';

const PATH = '/BOARD';

function boardOf(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const board = (data as Record<string, unknown>).BOARD;
  return typeof board === 'string' && board !== '' ? board : undefined;
}

/**
 * The schema's issues with BOARD's enum error settled: dropped for a board of the tree, and for
 * any other unknown board worded so the person knows a board file would make it known (a board
 * whose file was just deleted lands here).
 */
export function settleBoardEnum(issues: ValidationIssue[], data: unknown, custom: ReadonlyMap<string, CustomBoard>): ValidationIssue[] {
  const board = boardOf(data);
  return issues.flatMap((issue) => {
    if (issue.path !== PATH || issue.keyword !== 'enum' || board === undefined) return [issue];
    if (custom.has(board)) return [];
    return [{
      ...issue,
      message: `Board ${quote(board)} is not an Armbian board, and this configuration has no board file for it ` +
        `(userpatches/${BOARD_FILES_FOLDER}/${board}.conf, .csc or .wip in Files)`,
    }];
  });
}

/** Errors and warnings about the chosen board's own file. */
export function customBoardIssues(data: unknown, custom: ReadonlyMap<string, CustomBoard>): ValidationIssue[] {
  const board = boardOf(data);
  const own = board === undefined ? undefined : custom.get(board);
  if (!own) return [];
  const issues: ValidationIssue[] = [];
  if (own.problem) {
    issues.push({ path: PATH, keyword: 'board-file', severity: 'error', message: `Board file userpatches/${own.path} cannot be used: ${own.problem}` });
  } else if (own.overrides) {
    issues.push({ path: PATH, keyword: 'board-file-override', severity: 'warning',
      message: `userpatches/${own.path} changes Armbian's board ${own.board}: the framework reads its own file first and yours on top` });
  }
  for (const ignored of own.ignored) {
    issues.push({ path: PATH, keyword: 'board-file-ignored', severity: 'warning',
      message: `userpatches/${ignored} is ignored: the framework reads only userpatches/${own.path} for board ${own.board}` });
  }
  return issues;
}
