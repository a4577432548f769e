/**
 * Personal access tokens on the account page: make one (name, scopes, configurations, expiry),
 * see its secret once with a Copy button, list them with scopes, expiry and last use, revoke one
 * (asked twice). The server decides everything again (security.md, "Personal access tokens").
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ConfirmButton } from './confirm-button.tsx';
import { SCOPE_WORDS, TOKEN_SCOPES, type TokenScope } from '../../shared/token-scopes.ts';
import { ApiRequestError, type Api } from './api.ts';
import { CopyButton } from './copy-button.tsx';
import type { AccessToken } from './tokens-api.ts';

/** Lifetimes offered; the server caps them at TOKEN_MAX_LIFETIME_DAYS and says so. */
const EXPIRY_DAYS = [7, 30, 90, 365] as const;
const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

function messageOf(e: unknown): string {
  if (e instanceof ApiRequestError) return [e.message, ...e.details.map((d) => d.message)].filter((m, i, all) => all.indexOf(m) === i).join(': ');
  return e instanceof Error ? e.message : String(e);
}

export function TokensSection(props: { api: Api }): JSX.Element {
  const [tokens, { refetch }] = createResource(() => props.api.tokens.list());
  // null: the list could not be read (the names are then not known, which is not "no access").
  const [configs] = createResource(() => props.api.listConfigs().catch(() => null));
  const [scopes, setScopes] = createSignal<ReadonlySet<TokenScope>>(new Set(['read']));
  const [restricted, setRestricted] = createSignal(false);
  const [picked, setPicked] = createSignal<ReadonlySet<string>>(new Set());
  const [expiryDays, setExpiryDays] = createSignal<number>(DEFAULT_EXPIRY_DAYS);
  const [created, setCreated] = createSignal<{ name: string; token: string } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let name!: HTMLInputElement;

  const toggle = <T,>(set: ReadonlySet<T>, value: T, on: boolean): ReadonlySet<T> => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    return next;
  };
  const configName = (id: string): string => {
    const list = configs();
    // Until the list is in (it loads beside the tokens), a name not found there means nothing yet.
    if (list === undefined) return 'a configuration (loading its name…)';
    if (list === null) return 'a configuration (its name could not be loaded)';
    return list.find((c) => c.id === id)?.name ?? 'a configuration you no longer reach';
  };

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await props.api.tokens.create({
        name: name.value,
        scopes: TOKEN_SCOPES.filter((s) => scopes().has(s)),
        configIds: restricted() ? [...picked()] : null,
        expiresAt: new Date(Date.now() + expiryDays() * DAY_MS).toISOString(),
      });
      setCreated({ name: made.name, token: made.token });
      name.value = '';
      await refetch();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  // A refusal is said beside the token's own button (ConfirmButton), not above the table.
  const revoke = async (token: AccessToken) => {
    setError(null);
    await props.api.tokens.revoke(token.id);
    await refetch();
  };

  return (
    <section class="tokens" aria-labelledby="tokens-title" data-testid="tokens-section">
      <h2 id="tokens-title">Access tokens</h2>
      <p class="muted">
        For scripts and CI jobs: send a token as <code>Authorization: Bearer &lt;token&gt;</code> to the REST API. It acts as you, with
        only the scopes you tick, until it expires or you revoke it. It cannot open the editor or manage your account.
      </p>

      <Show when={created()}>
        {(made) => (
          <div class="token-created" role="status" data-testid="token-created">
            <strong>Copy “{made().name}” now: it is not shown again.</strong>
            <div class="token-secret-row">
              <code class="token-secret" data-testid="token-secret">{made().token}</code>
              <CopyButton value={made().token} what="access token" />
            </div>
            <button type="button" class="button button--small" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        )}
      </Show>

      <form class="token-form" onSubmit={(e) => void create(e)} aria-label="New access token">
        <label class="account-field">
          <span>Name</span>
          <input ref={name} class="input" name="token-name" required maxLength={100} placeholder="e.g. nightly build on CI" />
        </label>
        <fieldset class="token-fieldset">
          <legend>Scopes</legend>
          <For each={TOKEN_SCOPES}>
            {(scope) => (
              <label class="token-choice">
                <input type="checkbox" name="scope" value={scope} checked={scopes().has(scope)} onChange={(e) => setScopes(toggle(scopes(), scope, e.currentTarget.checked))} />
                <span>
                  <strong>{scope}</strong> <span class="muted">{SCOPE_WORDS[scope]}</span>
                </span>
              </label>
            )}
          </For>
        </fieldset>
        <fieldset class="token-fieldset">
          <legend>Configurations</legend>
          <label class="token-choice">
            <input type="radio" name="token-configs" checked={!restricted()} onChange={() => setRestricted(false)} />
            <span>Every configuration you can reach</span>
          </label>
          <label class="token-choice">
            <input type="radio" name="token-configs" checked={restricted()} onChange={() => setRestricted(true)} />
            <span>Only these:</span>
          </label>
          <Show when={restricted()}>
            <div class="token-config-list">
              <For
                each={configs() ?? []}
                fallback={
                  <span class="muted">
                    {configs() === undefined ? 'Loading your configurations…' : configs() === null ? 'Your configurations could not be loaded; reload the page to try again.' : 'You have no configurations yet.'}
                  </span>
                }
              >
                {(config) => (
                  <label class="token-choice">
                    <input type="checkbox" name="token-config" value={config.id} checked={picked().has(config.id)} onChange={(e) => setPicked(toggle(picked(), config.id, e.currentTarget.checked))} />
                    <span>{config.name}</span>
                  </label>
                )}
              </For>
            </div>
          </Show>
        </fieldset>
        <label class="account-field">
          <span>Expires after</span>
          <select class="input" name="token-expiry" value={String(expiryDays())} onChange={(e) => setExpiryDays(Number(e.currentTarget.value))}>
            <For each={EXPIRY_DAYS}>{(days) => <option value={String(days)}>{days} days</option>}</For>
          </select>
        </label>
        <Show when={error()}>
          <p class="field-issue field-issue--error" role="alert">
            {error()}
          </p>
        </Show>
        <button class="button button--primary" type="submit" disabled={busy() || scopes().size === 0 || (restricted() && picked().size === 0)}>
          Create token
        </button>
      </form>

      <h3>Your tokens</h3>
      <Show when={!tokens.error} fallback={<p class="field-issue field-issue--error" role="alert">{messageOf(tokens.error)}</p>}>
        <Show when={(tokens() ?? []).length > 0} fallback={<p class="muted" data-testid="no-tokens">No tokens yet.</p>}>
          <table class="token-table" data-testid="token-list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Scopes</th>
                <th scope="col">Configurations</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              <For each={tokens()}>
                {(token) => (
                  <tr data-testid="token-row">
                    <th scope="row">{token.name}</th>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.scopes.join(', ')}</td>
                    <td>{token.configIds ? token.configIds.map(configName).join(', ') : 'all'}</td>
                    <td>{day(token.expiresAt)}</td>
                    <td>{token.lastUsedAt ? `${when(token.lastUsedAt)}${token.lastUsedAddress ? ` from ${token.lastUsedAddress}` : ''}` : 'never'}</td>
                    <td>
                      <ConfirmButton
                        label="Revoke…"
                        labelFor={`Revoke ${token.name}`}
                        question={`Revoke ${token.name}?`}
                        note="Scripts using it stop at once."
                        action="Revoke"
                        onConfirm={() => revoke(token)}
                      />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
}
