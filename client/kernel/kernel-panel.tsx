/**
 * The Kernel panel (docs/architecture.md, "Kernel configuration"): which kernel config file the
 * framework reads for this configuration's board and branch, a button to create it, the file in
 * the code editor (the same `Y.Text` the Files panel edits), its options as Kconfig reads them,
 * the lines Kconfig would skip or read twice, and what changed per option since the last approved
 * review or the previous version ("CONFIG_X: y → m").
 */
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { diffKconfig, formatKconfigChange } from '../../shared/kernel-config/kconfig-diff.ts';
import { display, parseKconfig } from '../../shared/kernel-config/kconfig-parse.ts';
import { isKernelConfigPath, kernelConfigTarget } from '../../shared/kernel-config/kernel-config-file.ts';
import { filePathProblem, treeProblem } from '../../shared/files/file-path.ts';
import { filesRoot, putTextFile } from '../../shared/files/file-tree.ts';
import { createLiveTree } from '../files/live-tree.ts';
import type { AppContext } from '../app/app-context.ts';
import type { CodeEditor } from '../files/code-editor.ts';
import { SessionGate } from '../panels/session-gate.tsx';
import type { ConfigSession } from '../session/config-session.ts';
import { loadBaseline, type BaselineKind } from './kernel-baseline.ts';

/** Options listed before "show all": a full .config has thousands. */
const OPTIONS_SHOWN = 200;

function starterText(linuxConfig: string): string {
  return `# ${linuxConfig}: the kernel config the framework uses instead of its own config/kernel/${linuxConfig}.config\n` +
    '# (the whole config, not a fragment: olddefconfig fills in only what is missing)\n';
}

function Kernel(props: { ctx: AppContext; session: ConfigSession }): JSX.Element {
  const { session } = props;
  const doc = session.doc;
  const [board, setBoard] = createSignal(session.fields.get('/BOARD'));
  const [branch, setBranch] = createSignal(session.fields.get('/BRANCH'));
  const offBoard = session.fields.subscribe('/BOARD', (v) => setBoard(v));
  const offBranch = session.fields.subscribe('/BRANCH', (v) => setBranch(v));
  const live = createLiveTree(doc);
  const tree = live.tree;
  const [chosen, setChosen] = createSignal<string | null>(null);
  const [kind, setKind] = createSignal<BaselineKind>('approved');
  const [message, setMessage] = createSignal<string | null>(null);
  const [showAll, setShowAll] = createSignal(false);
  const [stamp, setStamp] = createSignal(0);
  const offEvents = session.onEvent((event) => {
    if (event.type === 'review' || event.type === 'version') setStamp((n) => n + 1);
  });

  const boardFacts = () => session.schema['x-boards'].find((b) => b.board === board());
  const target = createMemo(() => {
    const facts = boardFacts();
    const b = branch();
    return facts && typeof b === 'string' && b !== '' ? { ...kernelConfigTarget(facts.family, b, facts.board), board: facts, branch: b } : null;
  });
  const kernelFiles = () => tree().filter((e) => e.kind === 'text' && isKernelConfigPath(e.path));
  const targetExists = () => kernelFiles().some((e) => e.path === target()?.path);
  const active = (): string | null => {
    const files = kernelFiles();
    const pick = chosen();
    if (pick && files.some((e) => e.path === pick)) return pick;
    return targetExists() ? target()!.path : files[0]?.path ?? null;
  };
  const activeText = (): string | null => {
    const entry = tree().find((e) => e.path === active());
    return entry?.kind === 'text' ? entry.text : null;
  };
  const parsed = createMemo(() => parseKconfig(activeText() ?? ''));
  const options = () => [...parsed().options.values()];

  // The text is read once per baseline, not per keystroke: typing recomputes the option diff locally.
  // A string key, so a keystroke (a new tree, the same file) does not refetch.
  const baselineKey = createMemo(() => (active() ? JSON.stringify([active(), kind(), stamp()]) : null));
  const [baseline] = createResource(baselineKey, (key) => {
    const [path, k] = JSON.parse(key) as [string, BaselineKind];
    return loadBaseline({ history: props.ctx.api.history, review: props.ctx.api.review }, session.configId, path, k, activeText());
  });
  const changes = createMemo(() => {
    const base = baseline();
    return base?.ok ? diffKconfig(base.text ?? '', activeText() ?? '') : [];
  });

  let editorHost!: HTMLDivElement;
  let editor: CodeEditor | null = null;
  let editorPath: string | null = null;
  createEffect(on(active, (path) => {
    if (path === editorPath) return;
    editor?.destroy();
    editor = null;
    editorPath = path;
    const text = path ? filesRoot(doc).get(path) : undefined;
    if (!path || !(text instanceof Y.Text)) return;
    void import('../files/code-editor.ts').then(({ createCodeEditor }) => {
      if (editorPath !== path) return;
      editor = createCodeEditor({ parent: editorHost, path, text, awareness: session.provider.awareness, editable: session.may('edit') });
    });
  }));
  onCleanup(() => {
    offBoard();
    offBranch();
    offEvents();
    live.destroy();
    editor?.destroy();
  });

  function create(): void {
    const path = target()?.path;
    if (!path) return;
    const problem = filePathProblem(path) ?? treeProblem([...tree().map((e) => e.path), path]);
    if (problem) return void setMessage(problem);
    doc.transact(() => putTextFile(doc, path, starterText(path.replace(/\.config$/, ''))));
    setMessage(null);
    setChosen(path);
  }

  return (
    <div class="kernel">
      <section class="kernel-target" aria-label="Kernel config file">
        <Show when={target()} fallback={<p class="panel-empty">Choose a board and a kernel branch: the kernel config file the framework reads depends on both.</p>}>
          {(t) => (
            <Show
              when={t().path}
              fallback={
                <Show
                  when={t().compiled}
                  fallback={<p data-testid="kernel-target">Branch {t().branch} installs the distribution's kernel: no kernel is compiled, so no kernel config file is read.</p>}
                >
                  <p data-testid="kernel-target">
                    For {t().board.name} (family {t().board.family}), branch {t().branch}, the framework reads <code>userpatches/linux-&lt;LINUXFAMILY&gt;-{t().branch}.config</code>;
                    Boardroom's facts do not name it for this family and branch. The framework's build log names it ("Using kernel config file").
                  </p>
                </Show>
              }
            >
              {(path) => (
                <p data-testid="kernel-target">
                  For {t().board.name}, branch {t().branch}, the framework reads <code>userpatches/{path()}</code>{' '}
                  <Show when={targetExists()} fallback={<span class="kernel-badge kernel-badge--absent">not in this configuration: the framework's own config is used</span>}>
                    <span class="kernel-badge kernel-badge--present">in this configuration</span>
                  </Show>
                  <Show when={!targetExists() && session.may('edit')}>
                    {' '}<button type="button" class="button button--small button--primary" onClick={create}>Create {path()}</button>
                  </Show>
                </p>
              )}
            </Show>
          )}
        </Show>
        <p class="kernel-note">
          A file here replaces the framework's whole kernel config; it is not merged with it. The framework's own defconfig (<code>config/kernel/</code>) is not part of
          Boardroom's copy of the framework, so changes are compared with the last approved review or the previous version instead.
        </p>
        <Show when={message()}><p class="files-message" role="alert">{message()}</p></Show>
        <Show when={kernelFiles().length > 1 || (kernelFiles().length === 1 && !targetExists())}>
          <div class="kernel-files" role="group" aria-label="Kernel config files">
            <For each={kernelFiles()}>
              {(file) => (
                <button type="button" aria-pressed={active() === file.path} classList={{ 'kernel-file': true, 'kernel-file--active': active() === file.path }} onClick={() => setChosen(file.path)}>
                  {file.path}
                  <Show when={target()?.path && file.path.replace(/^config\/kernel\//, '') !== target()!.path}>
                    <span class="kernel-badge kernel-badge--absent" title="The framework reads another file for this board and branch"> not read</span>
                  </Show>
                </button>
              )}
            </For>
          </div>
        </Show>
      </section>
      <Show when={active()}>
        <div class="kernel-body">
          <div class="kernel-editor files-editor" ref={editorHost} />
          <div class="kernel-review">
            <section aria-label="Changes">
              <h3 class="kernel-heading">
                Changes{' '}
                <select aria-label="Compare with" value={kind()} onChange={(e) => setKind(e.currentTarget.value as BaselineKind)}>
                  <option value="approved">since the last approved review</option>
                  <option value="previous">since the previous version</option>
                </select>
              </h3>
              <Show when={baseline()} fallback={<p class="panel-empty">Loading…</p>}>
                {(base) => (
                  <Show when={base().ok} fallback={<p class="panel-empty">Nothing to compare with: {(base() as { reason: string }).reason}.</p>}>
                    <p class="kernel-caption">
                      Against {(base() as { label: string }).label}{(base() as { text: string | null }).text === null ? ', which did not have this file' : ''}:{' '}
                      {changes().length === 0 ? 'no option changed.' : `${changes().length} option${changes().length === 1 ? '' : 's'} changed.`}
                    </p>
                    <ul class="kernel-changes" data-testid="kernel-changes">
                      <For each={changes()}>{(c) => <li class={`kernel-change kernel-change--${c.op}`}>{formatKconfigChange(c)}</li>}</For>
                    </ul>
                  </Show>
                )}
              </Show>
            </section>
            <Show when={parsed().problems.length > 0}>
              <section aria-label="Problems in the file">
                <h3 class="kernel-heading">Lines Kconfig would skip or read twice ({parsed().problems.length})</h3>
                <ul class="kernel-problems" data-testid="kernel-problems">
                  <For each={parsed().problems}>{(p) => <li>Line {p.line}: {p.message}</li>}</For>
                </ul>
              </section>
            </Show>
            <section aria-label="Options">
              <h3 class="kernel-heading">Options ({options().length})</h3>
              <table class="kernel-options" data-testid="kernel-options">
                <tbody>
                  <For each={showAll() ? options() : options().slice(0, OPTIONS_SHOWN)}>
                    {(o) => (
                      <tr>
                        <td><code>{o.name}</code></td>
                        <td class={`kernel-value kernel-value--${o.kind}`}>{display(o)}</td>
                        <td class="kernel-line">line {o.line}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={!showAll() && options().length > OPTIONS_SHOWN}>
                <button type="button" class="button button--small" onClick={() => setShowAll(true)}>Show all {options().length}</button>
              </Show>
            </section>
          </div>
        </div>
      </Show>
    </div>
  );
}

export function KernelPanel(props: { ctx: AppContext }): JSX.Element {
  return (
    <div class="panel panel--kernel">
      <SessionGate ctx={props.ctx}>{(container) => <Kernel ctx={props.ctx} session={container.session} />}</SessionGate>
    </div>
  );
}
