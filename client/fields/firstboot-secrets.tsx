/**
 * First-boot secrets under the form (docs/security.md, "First-boot secrets"): one write-only row
 * per secret. A set secret shows "set", who set it and when, with Replace and Clear; an unset one a
 * Set button. The value is typed into a password input, sent once, and dropped: the page never
 * gets it back, so there is nothing to show.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { FIRSTBOOT_SECRETS, firstbootSecretProblem, type FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import type { SecretsApi, SecretStatus } from '../app/secrets-api.ts';
import { relativeTime } from '../app/words.ts';

function SecretRow(props: { status: SecretStatus; busy: boolean; onSet: (value: string) => Promise<boolean>; onClear: () => void }): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [value, setValue] = createSignal('');
  const info = () => FIRSTBOOT_SECRETS[props.status.name];
  const problem = () => (value() === '' ? null : firstbootSecretProblem(props.status.name, value()));
  const inputId = () => `secret-${props.status.name}`;
  return (
    <li class="secret-row" data-secret={props.status.name} data-testid="firstboot-secret">
      <div class="secret-row-head">
        <label for={inputId()} class="secret-title">
          {info().title} <span class="muted mono">{info().preset}</span>
        </label>
        <Show when={props.status.set} fallback={<span class="badge">not set</span>}>
          <span class="badge badge--ok">set</span>
          <span class="muted">
            by {props.status.updatedBy?.name ?? 'someone'}
            {props.status.updatedAt ? `, ${relativeTime(props.status.updatedAt)}` : ''}
          </span>
        </Show>
        <Show when={!editing()}>
          <span class="secret-actions">
            <button class="button" type="button" disabled={props.busy} onClick={() => setEditing(true)}>
              {props.status.set ? 'Replace' : 'Set'}
            </button>
            <Show when={props.status.set}>
              <button class="button button--danger" type="button" disabled={props.busy} onClick={() => props.onClear()}>
                Clear
              </button>
            </Show>
          </span>
        </Show>
      </div>
      <Show when={editing()}>
        <form
          class="secret-form"
          onSubmit={(e) => {
            e.preventDefault();
            void props.onSet(value()).then((saved) => {
              if (!saved) return;
              setValue('');
              setEditing(false);
            });
          }}
        >
          <input
            id={inputId()}
            class="input mono"
            type="password"
            autocomplete="new-password"
            placeholder={props.status.set ? 'new value (replaces the one set)' : 'value'}
            value={value()}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
          <button class="button button--primary" type="submit" disabled={props.busy || value() === '' || problem() !== null}>
            Save
          </button>
          <button
            class="button"
            type="button"
            onClick={() => {
              setValue('');
              setEditing(false);
            }}
          >
            Cancel
          </button>
          <Show when={problem()}>
            <span class="field-issue field-issue--error">{problem()}</span>
          </Show>
        </form>
      </Show>
    </li>
  );
}

export function FirstbootSecrets(props: { api: SecretsApi; configId: string }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // A list that cannot be fetched (offline, the server restarting) is said in the section, never
  // thrown into the page: the rest of the form keeps working on the local copy.
  const [list, { refetch }] = createResource(
    () => props.configId,
    (id) =>
      props.api.list(id).catch((e: unknown) => {
        setError(`Which secrets are set could not be read: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }),
  );
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await refetch();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="form-section firstboot-secrets" aria-labelledby="section-firstboot-secrets" data-testid="firstboot-secrets">
      <header class="form-section-header">
        <h2 id="section-firstboot-secrets">First-boot secrets</h2>
        <p>For the image's first login; write-only, never in the configuration.</p>
      </header>
      <Show when={error()}>
        <p class="notice notice--error" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="secret-list">
        <For each={list()?.secrets ?? []}>
          {(status) => (
            <SecretRow
              status={status}
              busy={busy()}
              onSet={(value) => run(() => props.api.set(props.configId, status.name as FirstbootSecretName, value))}
              onClear={() => void run(() => props.api.clear(props.configId, status.name))}
            />
          )}
        </For>
      </ul>
    </section>
  );
}
