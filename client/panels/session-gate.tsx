/**
 * Renders its children for the open configuration once it has synced, and the right words
 * otherwise: nothing open, loading, or cannot be opened. Keyed on the session, so opening another
 * configuration builds the panel afresh for it.
 */
import { Match, Show, Switch, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import type { ConfigSession } from '../session/config-session.ts';

export function SessionGate(props: {
  ctx: AppContext;
  /** Render before the first sync too (the notes editor syncs by itself). */
  eager?: boolean;
  children: (session: ConfigSession) => JSX.Element;
}): JSX.Element {
  return (
    <Show when={props.ctx.session()} keyed fallback={<p class="panel-empty">Open a configuration from the Configurations panel, or create one.</p>}>
      {(session) => (
        <Switch fallback={props.children(session)}>
          <Match when={session.loadError()}>
            <p class="panel-empty panel-empty--error">{session.loadError()}</p>
          </Match>
          <Match when={session.connection() === 'closed' && !session.synced()}>
            <p class="panel-empty panel-empty--error">
              Cannot open this configuration. {session.connectionEnd()?.detail ?? session.closeReason()}
            </p>
          </Match>
          <Match when={!props.eager && !session.synced()}>
            <p class="panel-empty" aria-busy="true">
              {session.connection() === 'offline' ? 'Offline — the configuration loads when the network is back.' : 'Loading configuration…'}
            </p>
          </Match>
        </Switch>
      )}
    </Show>
  );
}
