/**
 * `/oi/<token>`: an invitation into an organisation (like `/i/<token>` for a configuration).
 * Shows what it offers; signed out, sign in or create an account first and come back; signed
 * in, Accept joins. Accepting is a click, never automatic.
 */
import { createResource, createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import type { Api, User } from '../app/api.ts';
import { orgPath } from '../app/routes.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const ROLE_NAMES = { owner: 'an owner', admin: 'an admin', member: 'a member' } as const;

export function OrgInvitationPage(props: { api: Api; token: string; user: User | null; navigate(path: string): void }): JSX.Element {
  const [info] = createResource(() => props.token, (token) => props.api.orgs.lookupInvitation(token));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const here = () => `/oi/${props.token}`;
  const go = (path: string) => (event: Event) => (event.preventDefault(), props.navigate(path));
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const { orgId } = await props.api.orgs.acceptInvitation(props.token);
      props.navigate(orgPath(orgId));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="account-page">
      <div class="account-card" data-testid="org-invitation">
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
                <h1>Join the organisation “{invite().orgName}”</h1>
                <p>
                  {invite().invitedBy ?? 'An admin'} invites you as <strong>{ROLE_NAMES[invite().role]}</strong>.
                </p>
                <p class="muted">
                  Sent to {invite().email}. The link works once and until {new Date(invite().expiresAt).toLocaleString()}.
                </p>
                <Show
                  when={props.user}
                  fallback={
                    <>
                      <p>Sign in or create an account, then accept.</p>
                      <a class="button button--primary" href={`/login?next=${encodeURIComponent(here())}`} onClick={go(`/login?next=${encodeURIComponent(here())}`)}>
                        Sign in
                      </a>
                      <a class="button" href={`/signup?next=${encodeURIComponent(here())}`} onClick={go(`/signup?next=${encodeURIComponent(here())}`)}>
                        Create an account
                      </a>
                    </>
                  }
                >
                  {(user) => (
                    <>
                      <p class="muted">
                        You are signed in as {user().name} ({user().email}). Accepting makes this account a member; the organisation's members will see its name and email.
                      </p>
                      <button type="button" class="button button--primary" disabled={busy()} onClick={() => void accept()} data-testid="accept-org-invitation">
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
