/** The Form panel: the configuration's name (renamable) and the schema-driven form. */
import { createSignal, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { FormView } from '../fields/form-view.tsx';
import { FormDecorated } from '../review/form-decorations.tsx';
import type { ConfigSession } from '../session/config-session.ts';
import { SessionGate } from './session-gate.tsx';

function ConfigName(props: { session: ConfigSession; onRenamed: () => void }): JSX.Element {
  const [error, setError] = createSignal<string | null>(null);
  const save = async (input: HTMLInputElement) => {
    const next = input.value.trim();
    if (next === '' || next === props.session.name()) {
      input.value = props.session.name();
      return;
    }
    try {
      await props.session.rename(next);
      setError(null);
      props.onRenamed();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      input.value = props.session.name();
    }
  };
  return (
    <div class="config-name">
      <input
        class="config-name-input"
        aria-label="Configuration name"
        disabled={!props.session.canEdit()}
        value={props.session.name()}
        onChange={(event) => void save(event.currentTarget)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.currentTarget.blur();
          if (event.key === 'Escape') {
            event.currentTarget.value = props.session.name();
            event.currentTarget.blur();
          }
        }}
      />
      <Show when={error()}>
        <span class="field-issue field-issue--error">{error()}</span>
      </Show>
    </div>
  );
}

export function FormPanel(props: { ctx: AppContext }): JSX.Element {
  return (
    <div class="panel panel--form">
      <SessionGate ctx={props.ctx}>
        {(session) => (
          // Comment badges, field history and following (review/form-decorations.tsx).
          <FormDecorated ctx={props.ctx} session={session}>
            <ConfigName session={session} onRenamed={() => void props.ctx.configs.refresh()} />
            <FormView session={session} />
          </FormDecorated>
        )}
      </SessionGate>
    </div>
  );
}
