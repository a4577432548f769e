/** The status line: connection, "Saving… / Saved" from the server's acks, and the problem count. */
import { Show, type JSX } from 'solid-js';
import { readableColor } from '../session/readable-color.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { SaveState } from '../session/save-tracker.ts';
import type { ConnectionState } from '../session/sync-connection.ts';
import type { Identity } from './identity.ts';
import { ROLE_WORDS } from '../share/role-words.ts';
import { plural } from './words.ts';

const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline — your edits are kept and merge when you reconnect',
  closed: 'Disconnected',
};

function saveWords(state: SaveState, connection: ConnectionState, kept: boolean, synced: boolean): string {
  // Before the first sync nothing has been loaded, so nothing can be "Saved" yet.
  if (state === 'saved') return synced ? 'Saved' : 'Not loaded yet';
  if (state === 'saving') return 'Saving…';
  if (connection === 'connected') return 'Saving…';
  // Said only once the local copy's write completed (local-copy.ts).
  return kept ? 'Not saved yet — kept in this browser' : 'Unsaved changes';
}

/** The connection in a few words; after a server close, what the close means (close-reasons.ts). */
function connectionWords(session: ConfigSession): string {
  const state = session.connection();
  const end = session.connectionEnd();
  if (state === 'closed') return `${CONNECTION_WORDS.closed}: ${end?.title ?? 'connection refused'}`;
  if (state === 'connecting' && end) return end.title;
  return CONNECTION_WORDS[state];
}

export function StatusBar(props: { session: ConfigSession | null; identity: Identity; message: string | null }): JSX.Element {
  return (
    <footer class="status-bar" role="contentinfo">
      <Show when={props.session} fallback={<span class="muted">No configuration open</span>}>
        {(session) => (
          <>
            <span class={`status status--${session().connection()}`} data-testid="connection-status" data-state={session().connection()}>
              <span class="status-dot" aria-hidden="true" />
              {connectionWords(session())}
            </span>
            <span class={`status status--save-${session().saveState()}`} data-testid="save-status" data-state={session().saveState()} data-kept={session().editsKept()} aria-live="polite">
              {saveWords(session().saveState(), session().connection(), session().editsKept(), session().synced())}
            </span>
            {/* Problems are counted on the loaded document: before the first sync that is an empty
                one, whose "missing board" errors are not the configuration's. */}
            <Show when={session().synced()}>
              <span class="status" data-testid="problem-counts">
                <span classList={{ 'count--error': session().validation().result.errors.length > 0 }}>
                  {plural(session().validation().result.errors.length, 'error')}
                </span>
                {' · '}
                <span classList={{ 'count--warning': session().validation().result.warnings.length > 0 }}>
                  {plural(session().validation().result.warnings.length, 'warning')}
                </span>
              </span>
            </Show>
          </>
        )}
      </Show>
      <Show when={props.message}>
        <span class="status status--message" role="status">
          {props.message}
        </span>
      </Show>
      <span class="status-spacer" />
      <span class="status muted" data-testid="status-identity">
        You are <strong style={{ color: readableColor(props.identity.color) }}>{props.identity.name}</strong>
        <Show when={props.session?.role()}>{(role) => <span data-testid="status-role">· {ROLE_WORDS[role()].name.toLowerCase()}</span>}</Show>
      </span>
    </footer>
  );
}
