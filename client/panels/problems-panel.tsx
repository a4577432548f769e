/** Every error and warning with its field; choosing one focuses that field in the form. */
import { createMemo, For, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { createFrameworkCheck, FrameworkCheckButton, FrameworkCheckResult } from '../builds/framework-check.tsx';
import { problemRows } from '../form/issues.ts';
import type { ConfigSession } from '../session/config-session.ts';
import { plural } from '../app/words.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

function Problems(props: { ctx: AppContext; session: ConfigSession }): JSX.Element {
  const { session } = props;
  const rows = createMemo(() => problemRows(session.schema, session.validation().result));
  const counts = () => session.validation().result;
  const check = createFrameworkCheck(props.ctx, session);
  const choose = (pointer: string) => session.requestFocus(pointer, props.ctx.revealPanel('form'));
  return (
    <>
      <div class="panel-toolbar">
        <span classList={{ count: true, 'count--error': counts().errors.length > 0 }}>{plural(counts().errors.length, 'error')}</span>
        <span classList={{ count: true, 'count--warning': counts().warnings.length > 0 }}>{plural(counts().warnings.length, 'warning')}</span>
        <span class="muted" data-testid="validation-source">
          {session.validation().source === 'server' ? 'checked by the server' : 'checked locally'}
        </span>
        <FrameworkCheckButton check={check} />
      </div>
      <FrameworkCheckResult check={check} />
      <Show when={session.repaired().length > 0}>
        <div class="notice" role="status">
          <strong>The server undid a change:</strong>
          <ul>
            <For each={session.repaired()}>{(issue) => <li>{issue.path}: {issue.message}</li>}</For>
          </ul>
          <button type="button" class="button button--small" onClick={() => session.dismissRepaired()}>
            Dismiss
          </button>
        </div>
      </Show>
      <Show when={rows().length > 0} fallback={<p class="panel-empty">No problems: this configuration can be built.</p>}>
        <ul class="problems" aria-label="Problems">
          <For each={rows()}>
            {(row) => (
              <li>
                <button type="button" class={`problem problem--${row.severity}`} data-path={row.path} onClick={() => choose(row.path)}>
                  <span class="problem-icon" aria-label={row.severity}>
                    {row.severity === 'error' ? '✖' : '▲'}
                  </span>
                  <span class="problem-field">{row.fieldTitle}</span>
                  <code class="problem-path">{row.path}</code>
                  <span class="problem-message">{row.message}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  );
}

export function ProblemsPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--problems">
      <SessionGate ctx={props.ctx}>{(container) => <Problems ctx={props.ctx} session={container.session} />}</SessionGate>
    </div>
  );
}
