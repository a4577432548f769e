/**
 * Share links: make one, and for each existing link its role (changeable), label, kind, expiry,
 * last use and use count, and revoke (asks once more: a revoked link cannot be brought back, and
 * everyone using it is disconnected at once).
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ConfirmButton } from '../app/confirm-button.tsx';
import type { ShareRole } from '../../shared/roles.ts';
import type { AccessApi, ShareLinkInfo } from '../app/access-api.ts';
import { plural, relativeTime } from '../app/words.ts';
import { describeExpiry } from './expiry.ts';
import { NewLinkForm } from './new-link-form.tsx';
import { GRANTABLE_ROLES, ROLE_WORDS } from './role-words.ts';

function LinkRow(props: { link: ShareLinkInfo; roles: readonly ShareRole[]; busy: boolean; onRole: (role: ShareRole) => void; onRevoke: () => void }): JSX.Element {
  const title = () => props.link.label || (props.link.kind === 'snapshot' ? 'Snapshot link' : 'Link');
  const expiry = () => describeExpiry(props.link.expiresAt);
  return (
    <li class="share-row" data-share={props.link.id}>
      <span class="share-row-main">
        <span class="share-row-title">
          {title()} <span class="badge">{props.link.kind}</span>
        </span>
        <span class="muted" data-testid="share-usage">
          made {relativeTime(props.link.createdAt)} · {expiry() === 'never' ? 'never expires' : `expires ${expiry()}`} ·{' '}
          {props.link.uses === 0 ? 'never used' : `${plural(props.link.uses, 'use')}, last ${relativeTime(props.link.lastUsedAt ?? props.link.createdAt)}`}
        </span>
      </span>
      <select
        class="input share-role"
        aria-label={`Role of ${title()}`}
        value={props.link.role}
        disabled={props.busy || props.link.kind === 'snapshot'}
        title={props.link.kind === 'snapshot' ? 'A snapshot link is always read-only' : undefined}
        onChange={(e) => props.onRole(e.currentTarget.value as ShareRole)}
      >
        {/* The roles the organisation allows (its own role always shows: it is what the link has). */}
        <For each={GRANTABLE_ROLES.filter((r) => r === props.link.role || props.roles.includes(r))}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
      </select>
      <ConfirmButton
        label="Revoke"
        labelFor={`Revoke ${title()}`}
        question={`Revoke ${title()}?`}
        action="Revoke now"
        disabled={props.busy}
        onConfirm={props.onRevoke}
      />
    </li>
  );
}

export function LinksSection(props: { api: AccessApi; configId: string }): JSX.Element {
  const [links, { refetch }] = createResource(() => props.configId, (id) => props.api.shares(id));
  const [policy] = createResource(() => props.configId, (id) => props.api.linkPolicy(id));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      await refetch();
      setBusy(false);
    }
  };

  return (
    <section class="share-section" aria-labelledby="share-links">
      <h3 id="share-links" class="subhead">
        Links
      </h3>
      <NewLinkForm api={props.api} configId={props.configId} onCreated={() => void refetch()} />
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={links.error}>
        <p class="field-issue field-issue--error" role="alert">
          The links could not be loaded: {links.error instanceof Error ? links.error.message : String(links.error)}
        </p>
      </Show>
      <ul class="share-list" aria-label="Share links" data-testid="share-links">
        <For each={links() ?? []} fallback={<li class="muted share-empty">{links.loading ? 'Loading…' : 'No links yet.'}</li>}>
          {(link) => (
            <LinkRow
              link={link}
              roles={policy()?.allowedLinkRoles ?? GRANTABLE_ROLES}
              busy={busy()}
              onRole={(role) => void run(() => props.api.updateShare(props.configId, link.id, { role }))}
              onRevoke={() => void run(() => props.api.revokeShare(props.configId, link.id))}
            />
          )}
        </For>
      </ul>
    </section>
  );
}
