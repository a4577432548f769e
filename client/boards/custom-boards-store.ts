/**
 * The boards this configuration's userpatches tree adds (shared/boards/custom-boards.ts), live:
 * recomputed when the Files root changes, published only when a board file's outcome changed, so
 * typing in a patch does not re-render the picker or re-run validation.
 */
import { createSignal, type Accessor } from 'solid-js';
import type * as Y from 'yjs';
import { treeTextsOfDoc, type CustomBoard } from '../../shared/boards/custom-boards.ts';
import { filesRoot } from '../../shared/files/file-tree.ts';
import type { BoardFacts } from '../../shared/schema/types.ts';
import { customBoardsOfTree } from '../../shared/validation/index.ts';

export interface CustomBoardsStore {
  boards: Accessor<ReadonlyMap<string, CustomBoard>>;
  /** Called after `boards` changed (outside any reactive scope: the session is plain code). */
  onChange(listener: () => void): void;
  destroy(): void;
}

export function createCustomBoardsStore(doc: Y.Doc): CustomBoardsStore {
  const read = () => customBoardsOfTree(treeTextsOfDoc(doc));
  let current = read();
  let key = JSON.stringify([...current]);
  const [boards, setBoards] = createSignal<ReadonlyMap<string, CustomBoard>>(current);
  const listeners: Array<() => void> = [];
  const onChange = (): void => {
    const next = read();
    const nextKey = JSON.stringify([...next]);
    if (nextKey === key) return;
    current = next;
    key = nextKey;
    setBoards(current);
    for (const listener of listeners) listener();
  };
  const root = filesRoot(doc);
  root.observeDeep(onChange);
  return { boards, onChange: (listener) => void listeners.push(listener), destroy: () => root.unobserveDeep(onChange) };
}

/**
 * What the picker lists for a board of the tree: its resolved facts, or for a file the framework
 * would refuse a stand-in that shows the board (choosing it shows validation's reason).
 */
export function pickerFacts(board: CustomBoard): BoardFacts {
  return board.facts ?? {
    board: board.board,
    name: board.board,
    vendor: '',
    family: '',
    arch: '',
    support: board.type,
    kernelTargets: [],
    hasVideo: true,
    kernels: {},
  };
}

/** The framework's boards with the tree's on top (a file for an upstream board replaces its entry). */
export function boardsWithCustom(upstream: readonly BoardFacts[], custom: ReadonlyMap<string, CustomBoard>): BoardFacts[] {
  if (custom.size === 0) return [...upstream];
  return [...upstream.filter((b) => !custom.has(b.board)), ...[...custom.values()].map(pickerFacts)];
}
