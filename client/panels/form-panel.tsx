/**
 * The Form panel: the configuration's name (renamable) and the schema-driven form. Which section
 * it shows is its own state (componentState), so two Form panels can stay on two sections.
 */
import { createSignal, Show, untrack, type JSX } from 'solid-js';
import { FormView } from '../fields/form-view.tsx';
import { FirstbootSecrets } from '../fields/firstboot-secrets.tsx';
import { FormDecorated } from '../review/form-decorations.tsx';
import type { ConfigSession } from '../session/config-session.ts';
import { stateString } from '../workspace/panel-instance.ts';
import type { PanelProps } from '../workspace/panels.tsx';
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
        disabled={!props.session.may('edit')}
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

export function FormPanel(props: PanelProps): JSX.Element {
  const { panel } = props;
  return (
    <div class="panel panel--form">
      <SessionGate ctx={props.ctx}>
        {(container) => (
          // Comment badges, field history and following (review/form-decorations.tsx).
          <FormDecorated ctx={props.ctx} center={container.review}>
            <ConfigName session={container.session} onRenamed={() => void props.ctx.configs.refresh()} />
            <FormView
              session={container.session}
              panelId={panel.id}
              section={untrack(() => stateString(panel.state(), 'section'))}
              onSection={(section) => panel.setState({ section })}
            />
            {/* Members only: a share link never manages secrets (server/access/policy.ts). */}
            <Show when={props.ctx.user && container.session.may('manageSecrets')}>
              <FirstbootSecrets api={props.ctx.api.secrets} configId={container.session.configId} />
            </Show>
          </FormDecorated>
        )}
      </SessionGate>
    </div>
  );
}
