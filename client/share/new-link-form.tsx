/**
 * Making a share link: role, label, expiry and kind (live: follows the configuration; snapshot:
 * a frozen read-only copy). Each new link's address is shown once, to copy now, and stays until
 * dismissed: making another link adds its address above, never replaces one not yet copied.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { ShareRole } from '../../shared/roles.ts';
import type { AccessApi, CreatedShareLink, ShareKind } from '../app/access-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { customDateBounds, EXPIRY_CHOICES, expiryFor, type ExpiryChoice } from './expiry.ts';
import { GRANTABLE_ROLES, ROLE_WORDS } from './role-words.ts';

/** Same limit as the server's MAX_SHARE_LABEL_LENGTH. */
const MAX_LABEL_LENGTH = 100;

export function NewLinkForm(props: { api: AccessApi; configId: string; onCreated: () => void }): JSX.Element {
  const [role, setRole] = createSignal<ShareRole>('viewer');
  const [kind, setKind] = createSignal<ShareKind>('live');
  const [label, setLabel] = createSignal('');
  const [expiry, setExpiry] = createSignal<ExpiryChoice>('7d');
  const [customDate, setCustomDate] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  /** Addresses made in this dialog and not yet dismissed, newest first. */
  const [created, setCreated] = createSignal<CreatedShareLink[]>([]);
  const dismiss = (link: CreatedShareLink) => setCreated((list) => list.filter((l) => l !== link));
  const bounds = customDateBounds();

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    let expiresAt: string | undefined;
    try {
      expiresAt = expiryFor(expiry(), customDate());
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
      <form class="share-form share-form--link" onSubmit={(e) => void create(e)} aria-label="New link">
        <fieldset class="share-kind">
          <legend>Kind</legend>
          <label class="check">
            <input type="radio" name="share-kind" value="live" checked={kind() === 'live'} onChange={() => setKind('live')} />
            Live — follows every change
          </label>
          <label class="check">
            <input type="radio" name="share-kind" value="snapshot" checked={kind() === 'snapshot'} onChange={() => setKind('snapshot')} />
            Snapshot — frozen copy as it is now, read-only
          </label>
        </fieldset>
        <label class="share-field">
          <span>Role</span>
          <select class="input" value={kind() === 'snapshot' ? 'viewer' : role()} disabled={kind() === 'snapshot'} onChange={(e) => setRole(e.currentTarget.value as ShareRole)}>
            <For each={GRANTABLE_ROLES}>
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
          <select class="input" value={expiry()} onChange={(e) => setExpiry(e.currentTarget.value as ExpiryChoice)}>
            <For each={EXPIRY_CHOICES}>{(c) => <option value={c.id}>{c.label}</option>}</For>
          </select>
        </label>
        <Show when={expiry() === 'custom'}>
          <label class="share-field">
            <span>Last day</span>
            <input class="input" type="date" required min={bounds.min} max={bounds.max} value={customDate()} onInput={(e) => setCustomDate(e.currentTarget.value)} />
          </label>
        </Show>
        <button class="button button--primary" type="submit" disabled={busy()}>
          Create link
        </button>
      </form>
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
