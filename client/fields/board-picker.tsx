/**
 * The searchable board picker: a combobox over ~400 boards showing name, vendor, architecture
 * and support level. Type to filter, ↑/↓ to move, Enter to choose, Escape to close and keep the
 * current board. The chosen board's facts (family, branches, video) are shown under it.
 */
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import type { CustomBoard } from '../../shared/boards/custom-boards.ts';
import type { BoardFacts } from '../../shared/schema/types.ts';
import { boardsWithCustom } from '../boards/custom-boards-store.ts';
import { createBoardIndex, SUPPORT_LABELS } from '../form/board-search.ts';
import { boardFacts } from '../form/enum-options.ts';
import { setField } from '../form/field-writes.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

/** Rendering every board on each keystroke is wasteful; nobody scrolls past the first hundred. */
const RESULT_LIMIT = 100;

function SupportBadge(props: { board: BoardFacts }): JSX.Element {
  return <span class={`badge badge--${props.board.support}`}>{SUPPORT_LABELS[props.board.support]}</span>;
}

/** A board from this configuration's own file: where it comes from, and whether it can be used. */
function CustomBadge(props: { board: CustomBoard }): JSX.Element {
  return (
    <span
      class="badge badge--custom"
      classList={{ 'badge--custom-broken': props.board.facts === null }}
      title={props.board.problem ?? `userpatches/${props.board.path}${props.board.overrides ? ', read on top of Armbian\'s board' : ''}`}
    >
      {props.board.facts === null ? 'your file: cannot be used' : props.board.overrides ? 'your file (changes Armbian\'s)' : 'your file'}
    </span>
  );
}

export function BoardPicker(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  // The framework's boards plus this configuration's own board files (userpatches/config/boards/).
  const index = createMemo(() => createBoardIndex(boardsWithCustom(session.schema['x-boards'], session.customBoards())));
  const isCustom = (board: BoardFacts) => session.customBoards().has(board.board);
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const [active, setActive] = createSignal(0);
  const results = createMemo(() => (open() ? index().search(query(), RESULT_LIMIT) : []));
  const selected = createMemo(() => boardFacts(session.schema, value(), session.customBoards()));
  const selectedFile = createMemo(() => (typeof value() === 'string' ? session.customBoards().get(value() as string) : undefined));
  const listId = `${props.controlId}-list`;
  let input!: HTMLInputElement;
  let list: HTMLUListElement | undefined;

  const display = () => selected()?.name ?? (typeof value() === 'string' ? (value() as string) : '');
  const openList = (q = '') => {
    setQuery(q);
    setActive(0);
    setOpen(true);
  };
  const close = () => setOpen(false);
  const choose = (board: BoardFacts) => {
    setField(session.doc, property, board.board, session.origin);
    close();
  };
  const moveActive = (by: number) => {
    const count = results().length;
    if (count === 0) return;
    setActive((i) => Math.max(0, Math.min(count - 1, i + by)));
    list?.querySelector(`[data-index="${active()}"]`)?.scrollIntoView({ block: 'nearest' });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    switch (event.key) {
      case 'ArrowDown':
        if (!open()) openList();
        else moveActive(1);
        break;
      case 'ArrowUp':
        if (open()) moveActive(-1);
        break;
      case 'PageDown':
        if (open()) moveActive(10);
        break;
      case 'PageUp':
        if (open()) moveActive(-10);
        break;
      case 'Enter': {
        if (!open()) return openList();
        const board = results()[active()];
        if (board) choose(board);
        break;
      }
      case 'Escape':
        if (!open()) return;
        close();
        input.select();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div class="board-picker">
      <div class="combobox">
        <input
          ref={input}
          id={props.controlId}
          class="input"
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={open()}
          aria-controls={listId}
          aria-activedescendant={open() && results().length > 0 ? `${listId}-${active()}` : undefined}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid}
          placeholder="Search 400 boards by name, vendor, SoC family or architecture…"
          value={open() ? query() : display()}
          onInput={(event) => openList(event.currentTarget.value)}
          onClick={() => !open() && openList()}
          onKeyDown={onKeyDown}
          onBlur={close}
        />
        <Show when={open()}>
          <ul class="listbox" id={listId} role="listbox" ref={list} aria-label="Boards">
            <For each={results()} fallback={<li class="listbox-empty">No board matches “{query()}”.</li>}>
              {(board, i) => (
                <li
                  id={`${listId}-${i()}`}
                  data-index={i()}
                  data-board={board.board}
                  data-custom={isCustom(board) ? 'yes' : undefined}
                  role="option"
                  class="board-option"
                  classList={{ 'board-option--active': i() === active() }}
                  aria-selected={board.board === value()}
                  // mousedown, not click: the input must keep focus or its blur closes the list first.
                  onMouseDown={(event) => {
                    event.preventDefault();
                    choose(board);
                  }}
                  onMouseMove={() => setActive(i())}
                >
                  <span class="board-name">{board.name}</span>
                  <code class="board-id">{board.board}</code>
                  <span class="board-meta">{board.vendor}</span>
                  <span class="board-meta board-arch">{board.arch}</span>
                  <SupportBadge board={board} />
                  <Show when={isCustom(board)}>
                    <CustomBadge board={session.customBoards().get(board.board)!} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
      <Show when={selected()}>
        {(board) => (
          <div class="board-facts" data-testid="board-facts">
            <code>{board().board}</code>
            <span>{board().vendor}</span>
            <span>{board().family}</span>
            <span>{board().arch}</span>
            <SupportBadge board={board()} />
            <Show when={selectedFile()}>{(file) => <CustomBadge board={file()} />}</Show>
            <span>branches: {board().kernelTargets.join(', ')}</span>
            <Show when={!board().hasVideo}>
              <span>no video output</span>
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}
