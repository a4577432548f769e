/** A live, read-only JSON view of the configuration, as the REST API and exports see it. */
import { createMemo, createSignal, type JSX } from 'solid-js';
import type { ConfigSession } from '../session/config-session.ts';
import { changeSignal } from '../session/field-signals.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

/** Key order as the schema lists the properties, so the JSON reads like the form. */
function ordered(session: ConfigSession): Record<string, unknown> {
  const data = session.fields.snapshot();
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(session.schema.properties)) if (key in data) out[key] = data[key];
  for (const key of Object.keys(data)) if (!(key in out)) out[key] = data[key];
  return out;
}

function JsonView(props: { session: ConfigSession }): JSX.Element {
  const version = changeSignal(props.session.fields);
  const text = createMemo(() => {
    version();
    return JSON.stringify(ordered(props.session), null, 2);
  });
  const count = createMemo(() => {
    version();
    return Object.keys(props.session.fields.snapshot()).length;
  });
  const [copied, setCopied] = createSignal(false);
  return (
    <>
      <div class="panel-toolbar">
        <span class="muted">read-only · {count()} settings</span>
        <button
          type="button"
          class="button button--small"
          onClick={() =>
            void navigator.clipboard?.writeText(text()).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied() ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre class="json" data-testid="json-view" tabindex="0" aria-label="Configuration JSON">
        {text()}
      </pre>
    </>
  );
}

export function JsonPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--json">
      <SessionGate ctx={props.ctx}>{(container) => <JsonView session={container.session} />}</SessionGate>
    </div>
  );
}
