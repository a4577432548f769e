/**
 * Renders its children for the open configuration's container once it has synced, and the right
 * words otherwise: nothing open, loading, or cannot be opened. Keyed on the container, so opening
 * another configuration builds the panel afresh for it.
 *
 * When the workbench already says why the connection ended (the banner or the page over the
 * workspace: connection-notice.tsx), a panel says only that it has nothing to show, instead of
 * every panel repeating the reason under it.
 */
import { Match, Show, Switch, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { endShownAbove } from '../app/connection-notice.tsx';
import type { ConfigContainer } from '../session/config-container.ts';

export function SessionGate(props: {
  ctx: AppContext;
  /** Render before the first sync too (the notes editor syncs by itself). */
  eager?: boolean;
  children: (container: ConfigContainer) => JSX.Element;
}): JSX.Element {
  return (
    <Show when={props.ctx.container()} keyed fallback={<p class="panel-empty">Open a configuration from the Configurations panel, or create one.</p>}>
      {(container) => {
        const session = container.session;
        return (
          <Switch fallback={props.children(container)}>
            <Match when={session.loadError()}>
              <p class="panel-empty panel-empty--error">{session.loadError()}</p>
            </Match>
            <Match when={session.connection() === 'closed' && !session.synced()}>
              <Show
                when={!endShownAbove(session)}
                fallback={
                  <p class="panel-empty" data-testid="panel-not-loaded">
                    Not loaded.
                  </p>
                }
              >
                <p class="panel-empty panel-empty--error">
                  Cannot open this configuration. {session.connectionEnd()?.detail ?? session.closeReason()}
                </p>
              </Show>
            </Match>
            <Match when={!props.eager && !session.synced()}>
              <p class="panel-empty" aria-busy="true">
                {session.connection() === 'offline' ? 'Offline — the configuration loads when the network is back.' : 'Loading configuration…'}
              </p>
            </Match>
          </Switch>
        );
      }}
    </Show>
  );
}
