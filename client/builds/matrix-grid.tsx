/**
 * A matrix's cells as a grid: a row per board and branch, a column per release and image type,
 * each cell its build's status (and progress while it runs). Choosing a cell opens its build.
 */
import { createMemo, For, Show, type JSX } from 'solid-js';
import { imageTypeOf } from '../../shared/builds/matrix-targets.ts';
import type { TargetVars } from '../../shared/builds/targets-compositor.ts';
import { isActive } from './build-format.ts';
import type { Matrix, MatrixCell } from './matrix-api.ts';
import { ProgressBar, StatusBadge } from './status-badge.tsx';

const ROW_KEYS = ['BOARD', 'BRANCH'];
const COLUMN_KEYS = ['RELEASE', 'BUILD_MINIMAL', 'BUILD_DESKTOP'];

const rowOf = (t: TargetVars) => [t.BOARD, t.BRANCH].filter(Boolean).join(' · ') || 'as configured';
function columnOf(t: TargetVars): string {
  const image = imageTypeOf(t);
  const rest = Object.entries(t)
    .filter(([k]) => !ROW_KEYS.includes(k) && !COLUMN_KEYS.includes(k))
    .map(([k, v]) => `${k}=${v}`);
  return [t.RELEASE, image === 'custom' ? `minimal=${t.BUILD_MINIMAL ?? '-'} desktop=${t.BUILD_DESKTOP ?? '-'}` : image, ...rest].filter(Boolean).join(' · ') || 'as configured';
}

export function MatrixGrid(props: { matrix: Matrix; selected: number | null; onSelect: (position: number) => void }): JSX.Element {
  const layout = createMemo(() => {
    const rows: string[] = [];
    const columns: string[] = [];
    const at = new Map<string, MatrixCell>();
    for (const cell of props.matrix.cells) {
      const r = rowOf(cell.target);
      const c = columnOf(cell.target);
      if (!rows.includes(r)) rows.push(r);
      if (!columns.includes(c)) columns.push(c);
      at.set(`${r}\n${c}`, cell);
    }
    return { rows, columns, at };
  });
  return (
    <div class="matrix-grid-wrap">
      <table class="matrix-grid" data-testid="matrix-grid" aria-label="Matrix cells">
        <thead>
          <tr>
            <th scope="col">Board · branch</th>
            <For each={layout().columns}>{(c) => <th scope="col">{c}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={layout().rows}>
            {(row) => (
              <tr>
                <th scope="row">{row}</th>
                <For each={layout().columns}>
                  {(column) => {
                    const cell = () => layout().at.get(`${row}\n${column}`);
                    return (
                      <td>
                        <Show when={cell()} fallback={<span class="muted">—</span>}>
                          {(c) => (
                            <button
                              type="button"
                              class="matrix-cell"
                              data-testid="matrix-cell"
                              data-position={c().position}
                              data-status={c().build.status}
                              aria-current={props.selected === c().position ? 'true' : undefined}
                              aria-label={`${row}, ${column}: ${c().build.status}`}
                              title={c().build.error ?? `Build ${c().build.id.slice(0, 8)}`}
                              onClick={() => props.onSelect(c().position)}
                            >
                              <StatusBadge status={c().build.status} />
                              <Show when={isActive(c().build.status)}>
                                <ProgressBar progress={c().build.progress} stage={c().build.stage} status={c().build.status} compact />
                              </Show>
                            </button>
                          )}
                        </Show>
                      </td>
                    );
                  }}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
