/**
 * `/i/<token>`: an invitation link. Shows what it offers; signed out, sign in or create an
 * account first (and come back here); signed in, Accept makes this account a member. Accepting is
 * a click, never automatic: opening a link someone sent must not join you to anything (and show
 * your name and email to its owner) without your say.
 */
import { createResource, createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { ROLE_WORDS } from '../share/role-words.ts';
import type { Api, User } from './api.ts';
import { configPath } from './routes.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function InvitationPage(props: { api: Api; token: string; user: User | null; navigate(path: string): void }): JSX.Element {
  const [info] = createResource(() => props.token, (token) => props.api.lookupInvitation(token));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const here = () => `/i/${props.token}`;
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const { configId } = await props.api.acceptInvitation(props.token);
      props.navigate(configPath(configId));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="account-page">
      <div class="account-card" data-testid="invitation">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">▣</span> Boardroom
        </div>
        <Switch>
          <Match when={info.error}>
            <h1>This invitation does not work</h1>
            <p class="muted" role="alert">
              {message(info.error)}
            </p>
            <a class="link" href="/">
              Go to Boardroom
            </a>
          </Match>
          <Match when={info()}>
            {(invite) => (
              <>
                <h1>Join “{invite().configName}”</h1>
                <p>
                  {invite().invitedBy ?? 'The owner'} invites you as <strong>{ROLE_WORDS[invite().role].name.toLowerCase()}</strong> ({ROLE_WORDS[invite().role].can}).
                </p>
                <p class="muted">
                  Sent to {invite().email}. The link works once and until {new Date(invite().expiresAt).toLocaleString()}.
                </p>
                <Show
                  when={props.user}
                  fallback={
                    <>
                      <p>Sign in or create an account, then accept.</p>
                      <a class="button button--primary" href={`/login?next=${encodeURIComponent(here())}`} onClick={(e) => (e.preventDefault(), props.navigate(`/login?next=${encodeURIComponent(here())}`))}>
                        Sign in
                      </a>
                      <a class="button" href={`/signup?next=${encodeURIComponent(here())}`} onClick={(e) => (e.preventDefault(), props.navigate(`/signup?next=${encodeURIComponent(here())}`))}>
                        Create an account
                      </a>
                    </>
                  }
                >
                  {(user) => (
                    <>
                      <p class="muted">
                        You are signed in as {user().name} ({user().email}). Accepting makes this account a member; the owner will see its name and email.
                      </p>
                      <button type="button" class="button button--primary" disabled={busy()} onClick={() => void accept()} data-testid="accept-invitation">
                        {busy() ? 'Accepting…' : 'Accept invitation'}
                      </button>
                    </>
                  )}
                </Show>
                <Show when={error()}>
                  <p class="field-issue field-issue--error" role="alert">
                    {error()}
                  </p>
                </Show>
              </>
            )}
          </Match>
          <Match when={info.loading}>
            <p class="muted">Opening the invitation…</p>
          </Match>
        </Switch>
      </div>
    </div>
  );
}
