/**
 * What the workbench shows when the server ends the connection (close-reasons.ts): a page over
 * the workspace when access is gone (revoked, signed out, deleted), a banner above it when a limit
 * was reached or the connection is paused. A quiet reconnect (server restart) shows nothing here;
 * the status line says "Reconnecting…".
 */
import { For, Show, type JSX } from 'solid-js';
import type { CloseAction, ConnectionEnd } from '../session/close-reasons.ts';
import type { ConfigSession } from '../session/config-session.ts';

function ActionButton(props: { action: CloseAction; session: ConfigSession; onHome: () => void; primary?: boolean }): JSX.Element {
  const cls = () => `button${props.primary ? ' button--primary' : ''}`;
  switch (props.action) {
    case 'sign-in':
      return (
        <a class={cls()} href={`/login?next=${encodeURIComponent(location.pathname)}`}>
          Sign in again
        </a>
      );
    case 'home':
      return (
        <button type="button" class={cls()} onClick={() => props.onHome()}>
          Go to your configurations
        </button>
      );
    case 'retry':
      return (
        <button type="button" class={cls()} onClick={() => props.session.retryConnection()}>
          Try again
        </button>
      );
    case 'reload':
      return (
        <button type="button" class={cls()} onClick={() => location.reload()}>
          Reload
        </button>
      );
  }
}

/** The configuration is out of reach: says why, over the (inert) workspace. */
export function AccessEndedPage(props: { end: ConnectionEnd; session: ConfigSession; onHome: () => void }): JSX.Element {
  return (
    <div class="access-ended" data-testid="access-ended" data-code={props.end.code}>
      <div class="account-card" role="alertdialog" aria-modal="true" aria-labelledby="access-ended-title" aria-describedby="access-ended-detail">
        <h1 id="access-ended-title">{props.end.title}</h1>
        <p id="access-ended-detail">{props.end.detail}</p>
        <div class="dialog-actions">
          <For each={props.end.actions}>
            {(action, i) => <ActionButton action={action} session={props.session} onHome={props.onHome} primary={i() === 0} />}
          </For>
        </div>
      </div>
    </div>
  );
}

/** The end the banner shows now (a limit reached, the connection paused), or null. */
function bannerEnd(session: ConfigSession): ConnectionEnd | null {
  const end = session.connectionEnd();
  if (!end || end.blocking || end.reconnect === 'quiet') return null;
  const state = session.connection();
  return state === 'closed' || (end.reconnect === 'later' && state === 'connecting') ? end : null;
}

/** The workbench shows why the connection ended (the page over the workspace, or the banner):
 * panels need not say it again. */
export function endShownAbove(session: ConfigSession): boolean {
  const end = session.connectionEnd();
  return (end !== null && end.blocking && session.connection() === 'closed') || bannerEnd(session) !== null;
}

/** A limit was reached or the connection is paused: the workspace stays visible, read-only. */
export function ConnectionBanner(props: { session: ConfigSession; onHome: () => void }): JSX.Element {
  const shown = () => bannerEnd(props.session);
  return (
    <Show when={shown()}>
      {(end) => (
        <div class="connection-banner" role="alert" data-testid="connection-banner" data-code={end().code}>
          <strong>{end().title}.</strong> <span>{end().detail}</span>
          <For each={end().actions}>{(action) => <ActionButton action={action} session={props.session} onHome={props.onHome} />}</For>
        </div>
      )}
    </Show>
  );
}
