/**
 * The plan's board facts with the configuration's own boards on top (docs/architecture.md,
 * "Custom boards"): a board file in the tree (`config/boards/<board>.<type>`) is a board of this
 * build, resolved the way the framework resolves it (shared/boards/custom-boards.ts), and the
 * framework check then runs with the file in place under userpatches/. A board file the framework
 * would refuse stops the plan with the same reason validation gave.
 */
import { customBoardsOf } from '../../shared/boards/custom-boards.ts';
import { BOARD_INVENTORY } from '../../shared/validation/index.ts';
import type { ArmbianFacts, BoardRecord } from './armbian-facts.ts';
import type { TreeFile } from './plan-tree.ts';
import { PlanError } from './render-plan.ts';

const decoder = new TextDecoder('utf-8', { fatal: false });

export function factsWithTreeBoards(facts: ArmbianFacts, tree: readonly TreeFile[], boardId: string | undefined): ArmbianFacts {
  const custom = customBoardsOf(tree.map((f) => ({ path: f.path, text: decoder.decode(f.bytes) })), BOARD_INVENTORY);
  if (custom.size === 0) return facts;
  const boards = new Map(facts.boards);
  for (const [id, board] of custom) {
    if (!board.facts) {
      // Only the chosen board stops the build; another broken file is never sourced.
      if (id === boardId) throw new PlanError(`board file userpatches/${board.path} cannot be used: ${board.problem}`);
      continue;
    }
    const upstream = facts.boards.get(id);
    const sameFamily = upstream?.family === board.facts.family;
    // Sourced last, this file's ENABLE_EXTENSIONS assignment wins over the framework's file's.
    const replacesExtensions = board.own.replacesExtensions ?? upstream?.replacesExtensions;
    const record: BoardRecord = {
      board: id,
      name: board.facts.name,
      support: board.facts.support,
      family: board.facts.family,
      arch: board.facts.arch,
      kernelTargets: board.facts.kernelTargets,
      hasVideo: board.facts.hasVideo,
      kernelOverrides: { ...(sameFamily ? upstream?.kernelOverrides : {}), ...board.own.kernelOverrides },
      // The framework sources its own file and then this one: both files' enable_extension calls run.
      extensions: [...(upstream?.extensions ?? []), ...board.own.extensions],
      ...(replacesExtensions ? { replacesExtensions } : {}),
      ...(board.facts.bootFsType ? { bootFsType: board.facts.bootFsType } : {}),
    };
    boards.set(id, record);
  }
  return { ...facts, boards };
}
