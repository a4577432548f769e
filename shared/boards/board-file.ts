/**
 * One board file of a configuration's userpatches tree (`config/boards/<board>.<type>`), read the
 * way the project reads the framework's own board files (`bash-top-level.ts`, the same reader the
 * facts script uses): unconditional top-level assignments, `enable_extension` calls and branch
 * hooks, as literals. Nothing is executed, and a file larger than a board file ever is gets a
 * clear refusal instead of a parse (the text comes from any editor of the configuration).
 *
 * Runs in the browser (board picker, validation) and on the server (schema authority, builds).
 */
import { readTopLevel, type TopLevelFile } from './bash-top-level.ts';

/**
 * Board file types in the order the framework tries them inside one folder
 * (lib/functions/main/config-prepare.sh, `config_source_board_file`): it sources the first one it
 * finds, so `x.conf` beside `x.csc` hides the `.csc`. The type is the board's support level.
 */
export const BOARD_FILE_TYPES = ['conf', 'wip', 'csc', 'eos', 'tvb'] as const;
export type BoardFileType = (typeof BOARD_FILE_TYPES)[number];

/** Where board files live, relative to userpatches/ (the framework's `${USERPATCHES_PATH}/config/boards`). */
export const BOARD_FILES_FOLDER = 'config/boards';

export const BoardFileLimits = {
  /** Characters of one board file: the largest of the framework's 400 is about 11 KB. */
  chars: 65_536,
  /** Lines of one board file: the longest upstream one has 240. */
  lines: 2_000,
} as const;

/**
 * A board id as a file name may give it: letters, digits, `-` and `_`, at most 64 characters
 * (`ConfigLimits.identifierLength`). Upstream ids are lower-case; the framework does not insist.
 */
export const BOARD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface BoardFilePath {
  board: string;
  type: BoardFileType;
}

/** The board and type a tree path names, or null when the path is not a board file the framework would source. */
export function boardFilePath(path: string): BoardFilePath | null {
  if (!path.startsWith(`${BOARD_FILES_FOLDER}/`)) return null;
  const name = path.slice(BOARD_FILES_FOLDER.length + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const board = name.slice(0, dot);
  const type = name.slice(dot + 1);
  if (!(BOARD_FILE_TYPES as readonly string[]).includes(type) || !BOARD_ID_PATTERN.test(board)) return null;
  return { board, type: type as BoardFileType };
}

export type BoardFileRead = { ok: true; file: TopLevelFile } | { ok: false; problem: string };

/** Reads a board file's top level, or says why it is not read. */
export function readBoardFile(text: string): BoardFileRead {
  if (text.length > BoardFileLimits.chars) {
    return { ok: false, problem: `the file is ${text.length} characters long; Boardroom reads board files of at most ${BoardFileLimits.chars}` };
  }
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  if (lines > BoardFileLimits.lines) {
    return { ok: false, problem: `the file has ${lines} lines; Boardroom reads board files of at most ${BoardFileLimits.lines}` };
  }
  return { ok: true, file: readTopLevel(text) };
}

/** A comma list as the framework's variables hold them (KERNEL_TARGET, ENABLE_EXTENSIONS, …). */
export function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
