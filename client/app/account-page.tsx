/** Sign in and sign up: a small form, errors as the server words them, then back where you were.
 * Signed in, `/account` is your account: who you are and your access tokens for scripts. */
import { createResource, createSignal, Show, type JSX } from 'solid-js';
import { ApiRequestError, type Api, type User } from './api.ts';
import { TokensSection } from './tokens-section.tsx';

/** Why GitHub sign-in or linking was refused (`/login?error=<code>`, server/auth/github-routes.ts).
 * Only known codes are shown, in our words: text from the URL never reaches the page. */
const GITHUB_ERRORS: Record<string, string> = {
  github_email_taken:
    'An account with the email of your GitHub account already exists. Sign in to it with its password, then use "Link GitHub" in the top bar to sign in with GitHub from now on.',
  github_already_linked: 'That GitHub account is already linked to another Boardroom account.',
  github_no_email: 'Your GitHub account has no verified email address.',
  link_session_mismatch: 'Linking GitHub was started from another sign-in. Sign in and start linking again.',
  oauth_state_mismatch: 'The GitHub sign-in expired or was not started here. Try again.',
  oauth_denied: 'GitHub did not grant access.',
};

export function AccountPage(props: { api: Api; mode: 'login' | 'signup'; next: string; onSignedIn: (user: User) => void; onSwitch: (mode: 'login' | 'signup') => void }): JSX.Element {
  const refused = new URLSearchParams(location.search).get('error') ?? '';
  const [error, setError] = createSignal<string | null>(Object.hasOwn(GITHUB_ERRORS, refused) ? GITHUB_ERRORS[refused] : null);
  const [busy, setBusy] = createSignal(false);
  // Without an answer, email and password still work: the GitHub button just does not show.
  const [providers] = createResource(() =>
    props.api.providers().catch((e: unknown) => {
      console.warn('sign-in providers unavailable', e);
      return { github: false };
    }),
  );
  let name!: HTMLInputElement;
  let email!: HTMLInputElement;
  let password!: HTMLInputElement;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user =
        props.mode === 'login'
          ? await props.api.login(email.value, password.value)
          : await props.api.signup(name.value, email.value, password.value);
      props.onSignedIn(user);
    } catch (e) {
      if (e instanceof ApiRequestError) setError([e.message, ...e.details.map((d) => d.message)].join(': '));
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="account-page">
      <form class="account-card" onSubmit={(e) => void submit(e)} aria-labelledby="account-title">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">▣</span> Boardroom
        </div>
        <h1 id="account-title">{props.mode === 'login' ? 'Sign in' : 'Create an account'}</h1>
        <Show when={props.mode === 'signup'}>
          <label class="account-field">
            <span>Name</span>
            <input ref={name} class="input" name="name" autocomplete="name" required maxLength={100} />
          </label>
        </Show>
        <label class="account-field">
          <span>Email</span>
          <input ref={email} class="input" name="email" type="email" autocomplete="email" required autofocus />
        </label>
        <label class="account-field">
          <span>Password</span>
          <input
            ref={password}
            class="input"
            name="password"
            type="password"
            autocomplete={props.mode === 'login' ? 'current-password' : 'new-password'}
            required
          />
        </label>
        <Show when={error()}>
          <p class="field-issue field-issue--error" role="alert">
            {error()}
          </p>
        </Show>
        <button class="button button--primary" type="submit" disabled={busy()}>
          {props.mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
        <Show when={providers()?.github}>
          <div class="account-or" aria-hidden="true">
            <span>or</span>
          </div>
          {/* A full page load: the server redirects to GitHub and back to `next` after signing in. */}
          <a class="button button--github" href={`/api/auth/github?next=${encodeURIComponent(props.next)}`} data-testid="github-sign-in">
            Sign in with GitHub
          </a>
        </Show>
        <p class="muted account-switch">
          {props.mode === 'login' ? 'No account yet? ' : 'Have an account? '}
          <a
            class="link"
            href={`/${props.mode === 'login' ? 'signup' : 'login'}?next=${encodeURIComponent(props.next)}`}
            onClick={(e) => {
              e.preventDefault();
              props.onSwitch(props.mode === 'login' ? 'signup' : 'login');
            }}
          >
            {props.mode === 'login' ? 'Create one' : 'Sign in'}
          </a>
        </p>
      </form>
    </div>
  );
}

/** `/account`: the signed-in person's account page. */
export function AccountSettingsPage(props: { api: Api; user: User; onHome: () => void }): JSX.Element {
  return (
    <div class="account-page account-page--settings">
      <main class="account-card account-card--wide" aria-labelledby="account-settings-title">
        <a
          class="link"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            props.onHome();
          }}
        >
          ← Back to Boardroom
        </a>
        <h1 id="account-settings-title">Your account</h1>
        <p class="muted" data-testid="account-identity">
          {props.user.name} · {props.user.email}
        </p>
        <TokensSection api={props.api} />
      </main>
    </div>
  );
}
