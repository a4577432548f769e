/** The configurations you can open: list, create, import a .json or Armbian .conf (a file or
 * pasted text, including a `./compile.sh …` line), export, delete (owners: to the trash) and the
 * trash to restore from. */
import { createSignal, For, onMount, Show, type JSX } from 'solid-js';
import { ApiRequestError, type ImportedConfig, type ImportWarning } from '../app/api.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { configPath } from '../app/routes.ts';
import { DeleteConfig } from '../trash/delete-config.tsx';
import { MoveConfig } from '../orgs/move-config.tsx';
import { TrashSection, type TrashView } from '../trash/trash-section.tsx';

function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const details = error.details.slice(0, 3).map((d) => `${d.path || '/'}: ${d.message}`);
    return [error.message, ...details].join(' — ');
  }
  if (error instanceof SyntaxError) return `Not valid JSON: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export function ConfigurationsPanel(props: PanelProps): JSX.Element {
  const { ctx } = props;
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  /** What the last import kept verbatim or could not expand: shown until the next action. */
  const [importNotes, setImportNotes] = createSignal<{ name: string; warnings: ImportWarning[] } | null>(null);
  const [pasted, setPasted] = createSignal('');
  const [pastedName, setPastedName] = createSignal('');
  /** The last move, said until the next action (the configuration left this list, or joined one). */
  const [moved, setMoved] = createSignal<{ name: string; to: string | null; toName: string } | null>(null);
  let fileInput!: HTMLInputElement;
  onMount(() => {
    if (ctx.user) void ctx.configs.refresh();
  });

  const run = async (action: () => Promise<{ id: string }>) => {
    setBusy(true);
    setError(null);
    setImportNotes(null);
    setMoved(null);
    try {
      const created = await action();
      const warnings = (created as ImportedConfig).warnings ?? [];
      if (warnings.length > 0) setImportNotes({ name: (created as ImportedConfig).name, warnings });
      await ctx.configs.refresh();
      ctx.navigate(configPath(created.id));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const create = (event: Event) => {
    event.preventDefault();
    const chosen = name().trim();
    if (!chosen) return;
    void run(() => ctx.api.createConfig(chosen, undefined, ctx.workspace.current())).then(() => setName(''));
  };
  const importFile = async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) await run(async () => ctx.api.importConfig(file.name, await file.text(), ctx.workspace.current()));
  };
  const importPasted = (event: Event) => {
    event.preventDefault();
    if (pasted().trim() === '') return;
    void run(() => ctx.api.importPasted(pastedName(), pasted(), ctx.workspace.current())).then(() => {
      if (!error()) {
        setPasted('');
        setPastedName('');
      }
    });
  };
  const openId = () => ctx.container()?.configId ?? null;
  const ownsOpen = () => ctx.container()?.may('delete') ?? false;
  let trash: TrashView | undefined;
  const deleteConfig = async (id: string) => {
    await ctx.api.deleteConfig(id);
    ctx.navigate('/');
    await Promise.all([ctx.configs.refresh(), trash?.refresh()]);
  };
  const restored = async (id: string) => {
    await ctx.configs.refresh();
    ctx.navigate(configPath(id));
  };

  if (!ctx.user) {
    return (
      <div class="panel panel--configs">
        <p class="panel-empty">
          You opened a shared configuration as a guest.{' '}
          <a class="link" href={`/login?next=${encodeURIComponent(location.pathname)}`}>
            Sign in
          </a>{' '}
          to see and create your own.
        </p>
      </div>
    );
  }
  return (
    <div class="panel panel--configs">
      <form class="new-config" onSubmit={create}>
        <input
          class="input"
          aria-label="New configuration name"
          placeholder="New configuration name"
          value={name()}
          maxLength={200}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button class="button button--primary" type="submit" disabled={busy() || name().trim() === ''}>
          Create
        </button>
      </form>
      <div class="panel-toolbar">
        <button type="button" class="button button--small" disabled={busy()} onClick={() => fileInput.click()}>
          Import .json / .conf…
        </button>
        <input ref={fileInput} type="file" accept=".json,.conf,application/json,text/plain" hidden onChange={() => void importFile()} />
        <button type="button" class="button button--small" onClick={() => void ctx.configs.refresh()} disabled={ctx.configs.loading()}>
          Refresh
        </button>
      </div>
      <details class="import-paste">
        <summary>Paste a .conf or ./compile.sh line…</summary>
        <form class="import-paste-form" onSubmit={importPasted}>
          <textarea
            class="input textarea textarea--code"
            aria-label="Config file or compile.sh command to import"
            rows={6}
            spellcheck={false}
            placeholder={'BOARD=rock-5b\nBRANCH=current\nenable_extension docker-ce\n\nor: ./compile.sh build BOARD=rock-5b BRANCH=current RELEASE=noble'}
            value={pasted()}
            onInput={(e) => setPasted(e.currentTarget.value)}
          />
          <div class="import-paste-actions">
            <input
              class="input"
              aria-label="Name of the imported configuration"
              placeholder="Name (optional)"
              maxLength={200}
              value={pastedName()}
              onInput={(e) => setPastedName(e.currentTarget.value)}
            />
            <button class="button button--small" type="submit" disabled={busy() || pasted().trim() === ''}>
              Import
            </button>
          </div>
        </form>
      </details>
      <Show when={importNotes()}>
        {(notes) => (
          <div class="import-notes" role="status">
            <p>
              Imported “{notes().name}”. Kept as written or not expanded:
            </p>
            <ul>
              <For each={notes().warnings}>{(w) => <li>{w.line > 0 ? `Line ${w.line}: ` : ''}{w.message}</li>}</For>
            </ul>
          </div>
        )}
      </Show>
      <Show when={moved()}>
        {(m) => (
          <p class="import-notes import-notes--done" role="status">
            Moved “{m().name}” to {m().toName}.{' '}
            <Show when={ctx.workspace.current() !== m().to}>
              <button type="button" class="link-button" onClick={() => (ctx.workspace.choose(m().to), setMoved(null))}>
                Show {m().toName}
              </button>
            </Show>
          </p>
        )}
      </Show>
      <Show when={error() ?? ctx.configs.error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error() ?? ctx.configs.error()}
        </p>
      </Show>
      <ul class="config-list" aria-label="Configurations">
        <For each={ctx.configs.items().filter((c) => ctx.workspace.holds(c))} fallback={<li class="panel-empty">{ctx.configs.loading() ? 'Loading…' : 'No configurations yet.'}</li>}>
          {(item) => (
            <li class="config-item" classList={{ 'config-item--open': item.id === openId() }}>
              <a
                class="config-link"
                href={configPath(item.id)}
                aria-current={item.id === openId() ? 'page' : undefined}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  ctx.navigate(configPath(item.id));
                }}
              >
                <span class="config-item-name">{item.name}</span>
                <span class="muted">{relativeTime(item.updatedAt)}</span>
              </a>
              <Show when={item.id === openId()}>
                <span class="config-exports">
                  <a class="link" href={ctx.api.exportUrl(item.id, 'json')} download="">
                    .json
                  </a>
                  <a class="link" href={ctx.api.exportUrl(item.id, 'conf')} download="">
                    .conf
                  </a>
                  <Show when={ownsOpen()}>
                    <MoveConfig
                      api={ctx.api}
                      configId={item.id}
                      name={item.name}
                      orgId={item.orgId ?? null}
                      workspace={ctx.workspace}
                      onMoved={(to, toName) => {
                        setMoved({ name: item.name, to, toName });
                        void ctx.configs.refresh();
                      }}
                    />
                    <DeleteConfig name={item.name} onDelete={() => deleteConfig(item.id)} />
                  </Show>
                </span>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <TrashSection api={ctx.api} onRestored={(id) => void restored(id)} ref={(view) => (trash = view)} />
    </div>
  );
}
