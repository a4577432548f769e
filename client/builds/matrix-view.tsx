/**
 * The matrix view of the Builds panel: pick targets (or import a targets.yaml) and build them all,
 * the recent matrices, the chosen one's grid of cells with their live status, cancel or retry
 * every cell or one, and the chosen cell's build (log, artifacts, snapshot) below.
 */
import { createMemo, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { targetLabel } from '../../shared/builds/matrix-targets.ts';
import type { BuildApi } from '../app/build-api.ts';
import { relativeTime } from '../app/words.ts';
import type { ConfigSession } from '../session/config-session.ts';
import { BuildDetails } from './build-details.tsx';
import { STATUS_WORDS } from './build-format.ts';
import { createMatrixCenter } from './matrix-center.ts';
import { MatrixGrid } from './matrix-grid.tsx';
import { MatrixPicker } from './matrix-picker.tsx';
import './matrix.css';

export function MatrixView(props: { api: BuildApi; session: ConfigSession; canBuild: boolean; now: number }): JSX.Element {
  const center = createMatrixCenter(props.api.matrices, props.session);
  onMount(() => void center.refresh());
  onCleanup(() => center.destroy());
  const current = props.session.fields.snapshot();
  const selected = createMemo(() => {
    const m = center.matrix();
    const position = center.selectedCell();
    return m && position !== null ? (m.cells.find((c) => c.position === position) ?? null) : null;
  });
  // Keyed by the build: a status change of the cell must not rebuild its log view.
  const selectedBuildId = createMemo(() => selected()?.build.id ?? null);
  const failedOrCancelled = () => (center.matrix()?.cells ?? []).filter((c) => c.build.status === 'failed' || c.build.status === 'cancelled').length;
  const active = () => (center.matrix()?.cells ?? []).filter((c) => c.build.status === 'queued' || c.build.status === 'running').length;

  return (
    <div class="matrix-view" data-testid="matrix-view">
      <Show when={props.canBuild}>
        {/* Open while there is nothing to show; folded once a matrix is, to give its grid the room. */}
        <details class="matrix-new" open={center.list().length === 0} data-testid="matrix-new">
          <summary>New matrix</summary>
          <MatrixPicker schema={props.session.schema} current={current} disabled={!props.canBuild} busy={center.busy()} onSubmit={(request) => void center.create(request)} />
        </details>
      </Show>
      <Show when={center.problem()}>
        {(p) => (
          <div class="field-issue field-issue--error matrix-problem" role="alert" data-testid="matrix-problem">
            <p>{p().message}</p>
            <Show when={p().details.length > 0}>
              <ul>
                <For each={p().details.slice(0, 12)}>
                  {(d) => (
                    <li>
                      <code>{d.path}</code> {d.message}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </div>
        )}
      </Show>
      <Show when={center.note()}>
        <p class="build-note" role="status">
          {center.note()}
        </p>
      </Show>
      <Show when={center.list().length > 0} fallback={<p class="panel-empty">No matrices yet. Pick targets above to build this configuration for several boards at once.</p>}>
        <div class="panel-toolbar matrix-toolbar">
          <label>
            Matrix{' '}
            <select data-testid="matrix-select" value={center.matrix()?.id ?? ''} onChange={(e) => void center.open(e.currentTarget.value)}>
              <For each={center.list()}>
                {(m) => (
                  <option value={m.id}>
                    {relativeTime(m.createdAt, props.now)} · {m.cells} cells · {m.origin}
                  </option>
                )}
              </For>
            </select>
          </label>
          <Show when={center.matrix()}>
            {(m) => (
              <span class="muted" data-testid="matrix-counts">
                {Object.entries(m().counts)
                  .map(([status, n]) => `${n} ${STATUS_WORDS[status as keyof typeof STATUS_WORDS].toLowerCase()}`)
                  .join(', ')}
              </span>
            )}
          </Show>
          <span class="top-spacer" />
          <Show when={props.canBuild}>
            <button type="button" class="button button--small" disabled={center.busy() || active() === 0} data-testid="matrix-cancel-all" onClick={() => void center.cancel()}>
              Cancel all
            </button>
            <button type="button" class="button button--small" disabled={center.busy() || failedOrCancelled() === 0} data-testid="matrix-retry-all" onClick={() => void center.retry()}>
              Retry failed
            </button>
          </Show>
        </div>
        <Show when={center.matrix()}>{(m) => <MatrixGrid matrix={m()} selected={center.selectedCell()} onSelect={(p) => center.selectCell(p)} />}</Show>
      </Show>
      <Show when={selectedBuildId()} keyed>
        {(buildId) => (
          <div class="matrix-cell-details" data-testid="matrix-cell-details">
            <p class="matrix-cell-title">
              Cell {(selected()?.position ?? 0) + 1}: <strong>{selected() ? targetLabel(selected()!.target) : ''}</strong>
            </p>
            <BuildDetails
              api={props.api}
              buildId={buildId}
              configName={props.session.name()}
              canBuild={props.canBuild}
              now={props.now}
              onCancel={() => center.cancel(selected()?.position)}
              onRetry={() => center.retry(selected()?.position)}
              onFinished={() => void center.refresh()}
            />
          </div>
        )}
      </Show>
    </div>
  );
}
