/**
 * Under a selected board file in the Files panel: what the framework would make of it, as the
 * board picker and validation see it (client/boards/custom-boards-store.ts), so the person typing
 * the file sees at once whether the board can be used, or why not.
 */
import { Show, type JSX } from 'solid-js';
import { boardFilePath } from '../../shared/boards/board-file.ts';
import type { ConfigSession } from '../session/config-session.ts';

export function BoardFileStatus(props: { session: ConfigSession; path: string }): JSX.Element {
  const named = () => boardFilePath(props.path);
  const board = () => {
    const n = named();
    return n ? props.session.customBoards().get(n.board) : undefined;
  };
  return (
    <Show when={board()}>
      {(b) => (
        <p class="board-file-status" classList={{ 'board-file-status--broken': b().facts === null }} data-testid="board-file-status" role="status">
          <Show
            when={b().path === props.path}
            fallback={<>Ignored: the framework reads userpatches/{b().path} for board {b().board}.</>}
          >
            <Show when={b().facts} fallback={<>Board {b().board} cannot be used: {b().problem}</>}>
              {(f) => (
                <>
                  Board <code>{f().board}</code> in the picker: {f().name}, {f().family}, {f().arch}, branches {f().kernelTargets.join(', ')}
                  {b().overrides ? ' (read on top of Armbian\'s own file for this board)' : ''}.
                </>
              )}
            </Show>
          </Show>
        </p>
      )}
    </Show>
  );
}
