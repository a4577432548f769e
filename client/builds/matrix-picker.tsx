/**
 * Picking a matrix's targets: boards × kernel branches × releases × image types, with the number
 * of cells it makes before anything is sent, or a framework targets.yaml pasted or uploaded.
 */
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { expandPick, IMAGE_TYPE_NAMES, type ImageType } from '../../shared/builds/matrix-targets.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import type { MatrixRequest } from './matrix-api.ts';

const IMAGE_WORDS: Record<ImageType, string> = { cli: 'Server (CLI)', minimal: 'Minimal', desktop: 'Desktop' };

/** Largest targets.yaml read from a file: the server refuses longer ones anyway. */
const MAX_TARGETS_FILE_BYTES = 256 * 1024;

export function MatrixPicker(props: {
  schema: ConfigSchema;
  /** The configuration's own values, the starting pick. */
  current: { BOARD?: unknown; BRANCH?: unknown; RELEASE?: unknown };
  disabled: boolean;
  busy: boolean;
  onSubmit: (request: MatrixRequest) => void;
}): JSX.Element {
  const boardsById = new Map(props.schema['x-boards'].map((b) => [b.board, b]));
  const str = (v: unknown) => (typeof v === 'string' && v ? [v] : []);
  const [boards, setBoards] = createSignal<string[]>(str(props.current.BOARD).filter((b) => boardsById.has(b)));
  const [branches, setBranches] = createSignal<string[]>(str(props.current.BRANCH));
  const [releases, setReleases] = createSignal<string[]>(str(props.current.RELEASE));
  const [images, setImages] = createSignal<ImageType[]>(['cli']);
  const [boardInput, setBoardInput] = createSignal('');
  const [mode, setMode] = createSignal<'pick' | 'yaml'>('pick');
  const [yaml, setYaml] = createSignal('');
  const [fileNote, setFileNote] = createSignal<string | null>(null);

  // Branches any picked board offers, in the framework's usual order.
  const branchChoices = createMemo(() => {
    const offered = new Set(boards().flatMap((b) => boardsById.get(b)?.kernelTargets ?? []));
    for (const b of branches()) offered.add(b);
    return ['legacy', 'vendor', 'current', 'edge', ...offered].filter((b, i, all) => offered.has(b) && all.indexOf(b) === i);
  });
  const releaseChoices = createMemo(() => {
    const arches = new Set(boards().map((b) => boardsById.get(b)?.arch).filter(Boolean));
    return props.schema['x-releases'].filter((r) => r.support !== 'eos' && (arches.size === 0 || r.architectures.some((a) => arches.has(a))));
  });
  const expansion = createMemo(() => expandPick({ boards: boards(), branches: branches(), releases: releases(), images: images() }, props.schema['x-boards']));

  const toggle = <T,>(list: T[], value: T, on: boolean): T[] => (on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value));
  const addBoard = () => {
    const value = boardInput().trim();
    if (!boardsById.has(value) || boards().includes(value)) return;
    setBoards([...boards(), value]);
    setBoardInput('');
  };
  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_TARGETS_FILE_BYTES) {
      setFileNote(`${file.name} is larger than ${MAX_TARGETS_FILE_BYTES / 1024} KB`);
      return;
    }
    setYaml(await file.text());
    setFileNote(`Read ${file.name}`);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    if (props.disabled || props.busy) return;
    props.onSubmit(mode() === 'pick' ? { pick: { boards: boards(), branches: branches(), releases: releases(), images: images() } } : { targetsYaml: yaml() });
  };

  return (
    <form class="matrix-picker" aria-label="New build matrix" data-testid="matrix-picker" onSubmit={submit}>
      <div class="matrix-mode" role="radiogroup" aria-label="Targets from">
        <label>
          <input type="radio" name="matrix-mode" checked={mode() === 'pick'} onChange={() => setMode('pick')} /> Pick targets
        </label>
        <label>
          <input type="radio" name="matrix-mode" checked={mode() === 'yaml'} onChange={() => setMode('yaml')} data-testid="matrix-mode-yaml" /> Import targets.yaml
        </label>
      </div>
      <Show
        when={mode() === 'pick'}
        fallback={
          <div class="matrix-yaml">
            <textarea
              class="matrix-yaml-text"
              aria-label="targets.yaml"
              data-testid="matrix-yaml"
              rows={8}
              spellcheck={false}
              placeholder={'targets:\n  cli:\n    vars: { BUILD_MINIMAL: "no", BUILD_DESKTOP: "no", RELEASE: trixie }\n    items:\n      - { BOARD: rock-5b, BRANCH: vendor }'}
              value={yaml()}
              onInput={(e) => setYaml(e.currentTarget.value)}
            />
            <label class="button button--small">
              Upload…
              <input type="file" accept=".yaml,.yml,text/yaml" class="visually-hidden" onChange={(e) => void readFile(e.currentTarget.files?.[0])} />
            </label>
            <Show when={fileNote()}>
              <span class="muted">{fileNote()}</span>
            </Show>
          </div>
        }
      >
        <fieldset class="matrix-dim">
          <legend>Boards</legend>
          <div class="matrix-chips" data-testid="matrix-boards">
            <For each={boards()}>
              {(board) => (
                <span class="chip">
                  {board}
                  <button type="button" class="icon-button" aria-label={`Remove ${board}`} onClick={() => setBoards(boards().filter((b) => b !== board))}>
                    ×
                  </button>
                </span>
              )}
            </For>
            <input
              class="matrix-board-input"
              list="matrix-board-options"
              aria-label="Add a board"
              placeholder="Add a board…"
              data-testid="matrix-board-input"
              value={boardInput()}
              onInput={(e) => setBoardInput(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addBoard();
                }
              }}
              onChange={addBoard}
            />
            <datalist id="matrix-board-options">
              <For each={props.schema['x-boards'].filter((b) => b.support !== 'eos')}>{(b) => <option value={b.board}>{b.name}</option>}</For>
            </datalist>
          </div>
        </fieldset>
        <fieldset class="matrix-dim">
          <legend>Kernel branches</legend>
          <For each={branchChoices()}>
            {(branch) => (
              <label class="matrix-check">
                <input type="checkbox" checked={branches().includes(branch)} onChange={(e) => setBranches(toggle(branches(), branch, e.currentTarget.checked))} /> {branch}
              </label>
            )}
          </For>
        </fieldset>
        <fieldset class="matrix-dim">
          <legend>Releases</legend>
          <For each={releaseChoices()}>
            {(r) => (
              <label class="matrix-check" title={r.label}>
                <input type="checkbox" checked={releases().includes(r.release)} onChange={(e) => setReleases(toggle(releases(), r.release, e.currentTarget.checked))} /> {r.release}
              </label>
            )}
          </For>
        </fieldset>
        <fieldset class="matrix-dim">
          <legend>Image types</legend>
          <For each={IMAGE_TYPE_NAMES}>
            {(image) => (
              <label class="matrix-check">
                <input type="checkbox" checked={images().includes(image)} onChange={(e) => setImages(toggle(images(), image, e.currentTarget.checked))} /> {IMAGE_WORDS[image]}
              </label>
            )}
          </For>
        </fieldset>
        <p class="muted matrix-count" data-testid="matrix-count" role="status">
          {expansion().targets.length === 1 ? '1 cell' : `${expansion().targets.length} cells`}
          {expansion().skipped.length > 0 ? ` (${expansion().skipped.length} board/branch pairs left out: not offered by the board)` : ''}
          {' · an empty group keeps the configuration\u2019s own value'}
        </p>
      </Show>
      <button type="submit" class="button button--small button--primary" aria-disabled={props.disabled || props.busy} data-testid="matrix-build">
        {props.busy ? 'Starting…' : '▶ Build matrix'}
      </button>
    </form>
  );
}
