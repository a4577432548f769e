/**
 * `/s/<token>`: asks the server what the link opens. A live link opens the configuration in the
 * workbench with the link's role; a snapshot link shows its frozen copy, read-only.
 */
import { createResource, Match, Switch, type JSX } from 'solid-js';
import type { Api, User } from './api.ts';
import { Workbench } from './workbench.tsx';

export function ShareGate(props: { api: Api; token: string; user: User | null; navigate(path: string): void; onSignOut(): void }): JSX.Element {
  const [info] = createResource(() => props.token, (token) => props.api.resolveShare(token));
  return (
    <Switch>
      <Match when={info.error}>
        <div class="account-page">
          <div class="account-card" role="alert">
            <h1>This link does not work</h1>
            <p class="muted">{info.error instanceof Error ? info.error.message : 'It is unknown, expired or revoked.'}</p>
            <a class="link" href="/">Go to Boardroom</a>
          </div>
        </div>
      </Match>
      <Match when={info()?.kind === 'snapshot' && info()}>
        {(snapshot) => (
          <div class="snapshot-page">
            <header class="top-bar">
              <span class="brand">
                <span class="brand-mark" aria-hidden="true">▣</span> Boardroom
              </span>
              <span class="top-sep">/</span>
              <span class="top-config">{snapshot().name}</span>
              <span class="muted">snapshot, read-only{snapshot().frozenAt ? `, frozen ${new Date(snapshot().frozenAt!).toLocaleString()}` : ''}</span>
            </header>
            <pre class="json" data-testid="snapshot-json">{JSON.stringify(snapshot().data ?? {}, null, 2)}</pre>
          </div>
        )}
      </Match>
      <Match when={info()}>
        {(live) => (
          <Workbench
            api={props.api}
            user={props.user}
            configId={() => live().configId}
            share={{ token: props.token }}
            navigate={props.navigate}
            onSignOut={props.onSignOut}
          />
        )}
      </Match>
      <Match when={info.loading}>
        <div class="splash">Opening the shared configuration…</div>
      </Match>
    </Switch>
  );
}
