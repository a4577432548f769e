/**
 * The boards a configuration's own userpatches tree adds (docs/architecture.md, "Custom boards"),
 * resolved the way the framework resolves a board (lib/functions/main/config-prepare.sh,
 * `config_source_board_file`, then `source_family_config_and_arch`):
 *
 * - in `userpatches/config/boards/` the first of `<board>.conf|wip|csc|eos|tvb` is sourced, the
 *   others of the same board are ignored;
 * - when the framework has a board of that name it sources its own file first and the user's on
 *   top: the user's assignments win, the rest stays, and the support level (`BOARD_TYPE`, made
 *   read-only) stays the framework's;
 * - `BOARDFAMILY` names the family file that is sourced next (`Sources configuration not found`
 *   without one) and brings the architecture and the kernel per branch; an empty `KERNEL_TARGET`
 *   stops the build ("does not define valid kernel config").
 *
 * A board the framework would refuse is still listed (the picker shows it, validation says why),
 * with `facts: null` and the reason in `problem`. Runs in the browser and on the server.
 */
import * as Y from 'yjs';
import { filesRoot } from '../files/file-tree.ts';
import type { BoardFacts, FamilyFacts } from '../schema/types.ts';
import { BOARD_FILE_TYPES, boardFilePath, commaList, readBoardFile, type BoardFileType } from './board-file.ts';

/** The framework's boards and families, by id: what a board file is resolved against. */
export interface BoardInventory {
  boards: ReadonlyMap<string, BoardFacts>;
  families: ReadonlyMap<string, FamilyFacts>;
}

export interface CustomBoard {
  board: string;
  /** The file the framework sources, relative to userpatches/ (`config/boards/x.csc`). */
  path: string;
  type: BoardFileType;
  /** The board as the framework resolves it; null when it would refuse the file (see `problem`). */
  facts: BoardFacts | null;
  /** Why the framework would refuse this board, in plain words. */
  problem?: string;
  /** The framework has a board of this name: the file is read on top of the framework's. */
  overrides: boolean;
  /** Files of the same board that the framework ignores because `path` comes first. */
  ignored: string[];
  /** What the file itself adds, for the plan's facts (builder/plan/tree-boards.ts): extensions it
   * enables at the top level, the list it assigns to ENABLE_EXTENSIONS (which replaces the
   * command line's), and kernel versions its `post_family_config_branch_*` hooks set. */
  own: { extensions: string[]; replacesExtensions?: string[]; kernelOverrides: Record<string, string> };
}

/** The tree's text (null: stored as a binary blob) at each path; only board-file paths matter. */
export interface TreeText {
  path: string;
  text: string | null;
}

export function inventoryOf(boards: readonly BoardFacts[], families: readonly FamilyFacts[]): BoardInventory {
  return { boards: new Map(boards.map((b) => [b.board, b])), families: new Map(families.map((f) => [f.family, f])) };
}

/** A literal the file sets: values still holding `$` are run-time expansions nobody can read without bash. */
function literal(assignments: ReadonlyMap<string, string>, key: string): { value?: string; computed?: boolean } {
  const value = assignments.get(key);
  if (value === undefined) return {};
  return value.includes('$') ? { computed: true } : { value };
}

function resolve(board: string, path: string, type: BoardFileType, text: string | null, inventory: BoardInventory): CustomBoard {
  const upstream = inventory.boards.get(board);
  const base = { board, path, type, overrides: upstream !== undefined, ignored: [] as string[], own: { extensions: [] as string[], kernelOverrides: {} } };
  const refuse = (problem: string): CustomBoard => ({ ...base, facts: null, problem });
  if (text === null) return refuse('it is stored as a binary file; a board file is bash text');
  const read = readBoardFile(text);
  if (!read.ok) return refuse(read.problem);
  const a = read.file.assignments;
  const assigned = literal(a, 'ENABLE_EXTENSIONS').value;
  base.own = {
    extensions: [...read.file.extensions],
    ...(assigned !== undefined ? { replacesExtensions: commaList(assigned) } : {}),
    kernelOverrides: Object.fromEntries(read.file.branchHooks),
  };

  const familySet = literal(a, 'BOARDFAMILY');
  if (familySet.computed) return refuse('BOARDFAMILY is computed at run time; Boardroom reads only a literal family name');
  const family = familySet.value ?? upstream?.family;
  if (!family) return refuse('it sets no BOARDFAMILY; the framework stops with "Sources configuration not found"');
  const familyFacts = inventory.families.get(family);
  if (!familyFacts) return refuse(`BOARDFAMILY '${family}' is not an Armbian family (there is no config/sources/families/${family}.conf); the framework stops with "Sources configuration not found"`);

  const targets = a.has('KERNEL_TARGET') ? commaList(a.get('KERNEL_TARGET')) : (upstream?.kernelTargets ?? []);
  if (targets.length === 0) return refuse('it sets no KERNEL_TARGET; the framework stops with "configuration does not define valid kernel config"');

  const sameFamily = upstream !== undefined && upstream.family === family;
  const kernels: Record<string, string | null> = { ...(sameFamily ? upstream.kernels : familyFacts.kernels) };
  for (const [branch, version] of read.file.branchHooks) kernels[branch] = version;
  const arch = literal(a, 'ARCH').value ?? (sameFamily ? upstream.arch : familyFacts.arch);
  const bootFsType = literal(a, 'BOOTFS_TYPE').value ?? (sameFamily ? upstream.bootFsType : familyFacts.bootFsType);
  const facts: BoardFacts = {
    board,
    name: literal(a, 'BOARD_NAME').value || upstream?.name || board,
    vendor: literal(a, 'BOARD_VENDOR').value ?? upstream?.vendor ?? '',
    family,
    arch,
    // BOARD_TYPE is the first file found, the framework's own first: a user file cannot change it.
    support: upstream?.support ?? type,
    kernelTargets: targets,
    // As the facts read it: HAS_VIDEO_OUTPUT=yes or unset means video.
    hasVideo: a.has('HAS_VIDEO_OUTPUT') ? a.get('HAS_VIDEO_OUTPUT') === 'yes' : (upstream?.hasVideo ?? true),
    kernels,
    ...(bootFsType ? { bootFsType } : {}),
  };
  return { ...base, facts };
}

/** The boards of a tree, by id. Paths that are not board files are skipped. */
export function customBoardsOf(files: Iterable<TreeText>, inventory: BoardInventory): Map<string, CustomBoard> {
  const byBoard = new Map<string, Array<{ path: string; type: BoardFileType; text: string | null }>>();
  for (const { path, text } of files) {
    const named = boardFilePath(path);
    if (!named) continue;
    const list = byBoard.get(named.board) ?? [];
    list.push({ path, type: named.type, text });
    byBoard.set(named.board, list);
  }
  const out = new Map<string, CustomBoard>();
  for (const [board, candidates] of [...byBoard].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    candidates.sort((x, y) => BOARD_FILE_TYPES.indexOf(x.type) - BOARD_FILE_TYPES.indexOf(y.type));
    const [first, ...rest] = candidates;
    const resolved = resolve(board, first!.path, first!.type, first!.text, inventory);
    resolved.ignored = rest.map((c) => c.path);
    out.set(board, resolved);
  }
  return out;
}

/** The board files of a live document (the browser's or a room's). */
export function treeTextsOfDoc(doc: Y.Doc): TreeText[] {
  const out: TreeText[] = [];
  for (const [path, value] of filesRoot(doc).entries()) {
    if (!boardFilePath(path)) continue;
    out.push({ path, text: value instanceof Y.Text ? value.toString() : null });
  }
  return out;
}

/** The board files of a stored Yjs state (a build's frozen snapshot). */
export function treeTextsOfState(state: Uint8Array): TreeText[] {
  if (state.length === 0) return [];
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return treeTextsOfDoc(doc);
  } finally {
    doc.destroy();
  }
}
