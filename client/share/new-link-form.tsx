/**
 * Making a share link: role, label, expiry and kind (live: follows the configuration; snapshot:
 * a frozen read-only copy). Each new link's address is shown once, to copy now, and stays until
 * dismissed: making another link adds its address above, never replaces one not yet copied.
 */
import { createEffect, createResource, createSignal, For, Show, type JSX } from 'solid-js';
import type { ShareRole } from '../../shared/roles.ts';
import type { AccessApi, CreatedShareLink, ShareKind } from '../app/access-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { customDateBounds, expiryFor } from './expiry.ts';
import { allowedRoles, customDaysAhead, expiryOptions, limitExpiry, NO_LINK_POLICY, policyNote, type PolicyExpiryChoice } from './link-policy.ts';
import { ROLE_WORDS } from './role-words.ts';

/** Same limit as the server's MAX_SHARE_LABEL_LENGTH. */
const MAX_LABEL_LENGTH = 100;

export function NewLinkForm(props: { api: AccessApi; configId: string; onCreated: () => void }): JSX.Element {
  const [role, setRole] = createSignal<ShareRole>('viewer');
  const [kind, setKind] = createSignal<ShareKind>('live');
  const [label, setLabel] = createSignal('');
  const [expiry, setExpiry] = createSignal<PolicyExpiryChoice>('7d');
  const [customDate, setCustomDate] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  /** Addresses made in this dialog and not yet dismissed, newest first. */
  const [created, setCreated] = createSignal<CreatedShareLink[]>([]);
  const dismiss = (link: CreatedShareLink) => setCreated((list) => list.filter((l) => l !== link));
  // The organisation's link policy: only what it allows is offered (the server refuses the rest).
  const [loadedPolicy] = createResource(() => props.configId, (id) => props.api.linkPolicy(id));
  const policy = () => loadedPolicy() ?? NO_LINK_POLICY;
  const roles = () => allowedRoles(policy());
  const expiries = () => expiryOptions(policy());
  const note = () => policyNote(policy());
  const bounds = () => customDateBounds(new Date(), customDaysAhead(policy()));
  // Keep the choices among what is offered once the policy has loaded.
  createEffect(() => {
    const allowed = roles();
    if (allowed.length && !allowed.includes(role())) setRole(allowed[0]);
    const options = expiries();
    if (!options.some((o) => o.id === expiry())) setExpiry(options.find((o) => o.id !== 'custom')?.id ?? options[0].id);
  });
  const viewerAllowed = () => roles().includes('viewer');

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    let expiresAt: string | undefined;
    try {
      const choice = expiry();
      expiresAt = choice === 'limit' ? limitExpiry(policy()) : expiryFor(choice, customDate());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    setBusy(true);
    try {
      const link = await props.api.createShare(props.configId, {
        role: kind() === 'snapshot' ? 'viewer' : role(),
        kind: kind(),
        ...(label().trim() ? { label: label().trim() } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
      setCreated((list) => [link, ...list]);
      setLabel('');
      props.onCreated();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Show when={note()}>
        <p class="muted share-policy-note" data-testid="link-policy-note">
          {note()}
        </p>
      </Show>
      <Show when={roles().length > 0}>
        <form class="share-form share-form--link" onSubmit={(e) => void create(e)} aria-label="New link">
          <fieldset class="share-kind">
            <legend>Kind</legend>
            <label class="check">
              <input type="radio" name="share-kind" value="live" checked={kind() === 'live'} onChange={() => setKind('live')} />
              Live — follows every change
            </label>
            <label class="check">
              <input type="radio" name="share-kind" value="snapshot" checked={kind() === 'snapshot'} disabled={!viewerAllowed()} onChange={() => setKind('snapshot')} />
              Snapshot — frozen copy as it is now, read-only
            </label>
          </fieldset>
          <label class="share-field">
            <span>Role</span>
            <select class="input" value={kind() === 'snapshot' ? 'viewer' : role()} disabled={kind() === 'snapshot'} onChange={(e) => setRole(e.currentTarget.value as ShareRole)}>
              <For each={roles()}>
                {(r) => (
                  <option value={r}>
                    {ROLE_WORDS[r].name} ({ROLE_WORDS[r].can})
                  </option>
                )}
              </For>
            </select>
          </label>
          <label class="share-field share-field--grow">
            <span>Label (optional)</span>
            <input class="input" maxLength={MAX_LABEL_LENGTH} placeholder="e.g. for the hardware team" value={label()} onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
          <label class="share-field">
            <span>Expires</span>
            <select class="input" value={expiry()} onChange={(e) => setExpiry(e.currentTarget.value as PolicyExpiryChoice)}>
              <For each={expiries()}>{(c) => <option value={c.id}>{c.label}</option>}</For>
            </select>
          </label>
          <Show when={expiry() === 'custom'}>
            <label class="share-field">
              <span>Last day</span>
              <input class="input" type="date" required min={bounds().min} max={bounds().max} value={customDate()} onInput={(e) => setCustomDate(e.currentTarget.value)} />
            </label>
          </Show>
          <button class="button button--primary" type="submit" disabled={busy()}>
            Create link
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <For each={created()}>
        {(link) => (
          <div class="new-link" role="status" data-testid="new-link" data-share={link.id}>
            <p class="new-link-note">
              <strong>Copy this link now{link.label ? ` (${link.label})` : ''}:</strong> it is shown only this once. Anyone who has it can
              open this configuration as {ROLE_WORDS[link.role].name.toLowerCase()}
              {link.kind === 'snapshot' ? ' (a frozen snapshot)' : ''} until you revoke it{link.expiresAt ? ' or it expires' : ''}.
            </p>
            <div class="new-link-row">
              <input
                class="input mono"
                readOnly
                value={link.url}
                aria-label={`New link address${link.label ? ` (${link.label})` : ''}`}
                data-testid="new-link-url"
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton value={link.url} what="link" class="button button--primary" />
              <button type="button" class="button" aria-label={`Done with ${link.label || 'this link'}`} onClick={() => dismiss(link)}>
                Done
              </button>
            </div>
          </div>
        )}
      </For>
    </>
  );
}
