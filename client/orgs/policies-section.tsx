/**
 * The organisation's policies on its page: defaults every configuration of it may only tighten.
 * Admins and owners change them here (the server decides again, and revokes or shortens the
 * links a tighter policy forbids); members read them in words.
 */
import { createEffect, createSignal, For, Show, type JSX } from 'solid-js';
import { lifetimeWords } from '../../shared/link-lifetime.ts';
import { orgCan } from '../../shared/org-roles.ts';
import { SHARE_ROLES, type Role, type ShareRole } from '../../shared/roles.ts';
import { ApiRequestError } from '../app/api.ts';
import { plural } from '../app/words.ts';
import { ROLE_WORDS } from '../share/role-words.ts';
import type { OrgSectionProps } from './org-sections.tsx';
import type { OrgPolicies, PolicyChange } from './orgs-api.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Maximum link lifetimes offered (the server accepts a minute to a year). */
const LIFETIME_CHOICES = [HOUR_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS, 365 * DAY_MS];
/** Same limit as the server's MAX_REQUIRED_APPROVALS. */
const MAX_APPROVALS = 10;

const memberRoleWords = (role: Role | null) => (role ? `${ROLE_WORDS[role].name} (${ROLE_WORDS[role].can})` : 'None: only what teams and direct invitations give');
const linkRolesWords = (roles: readonly ShareRole[]) =>
  roles.length === 0 ? 'No share links at all' : SHARE_ROLES.filter((r) => roles.includes(r)).map((r) => ROLE_WORDS[r].name).join(', ');
const lifetimeText = (ms: number | null) => (ms === null ? 'No limit (at most a year, as everywhere)' : lifetimeWords(ms));

function messageOf(e: unknown): string {
  if (e instanceof ApiRequestError) return [e.message, ...e.details.map((d) => d.message)].filter((m, i, all) => all.indexOf(m) === i).join(': ');
  return e instanceof Error ? e.message : String(e);
}

function ReadOnlyPolicies(props: { policies: OrgPolicies }): JSX.Element {
  const p = () => props.policies;
  return (
    <dl class="policy-list" data-testid="policies-read-only">
      <dt>Every member's role on every configuration</dt>
      <dd>{memberRoleWords(p().memberRole)}</dd>
      <dt>Approval before builds</dt>
      <dd>{p().requireApproval ? `Required: at least ${plural(p().requiredApprovals, 'approval')} of the exact state` : 'Not required (each configuration decides)'}</dd>
      <dt>Share links may give</dt>
      <dd>{linkRolesWords(p().allowedLinkRoles)}</dd>
      <dt>Longest a share link may live</dt>
      <dd>{lifetimeText(p().maxLinkLifetimeMs)}</dd>
      <dt>Who may create configurations</dt>
      <dd>{p().configCreators === 'admins' ? 'Admins and owners only' : 'Every member'}</dd>
    </dl>
  );
}

export function PoliciesSection(props: OrgSectionProps): JSX.Element {
  const canManage = () => orgCan(props.org.role, 'managePolicies');
  const [draft, setDraft] = createSignal<OrgPolicies>({ ...props.org.policies });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  // A reload of the organisation (after saving, or another section's change) resets the form.
  createEffect(() => setDraft({ ...props.org.policies }));
  const set = <K extends keyof OrgPolicies>(key: K, value: OrgPolicies[K]) => {
    setDone(null);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const lifetimes = () => {
    const current = draft().maxLinkLifetimeMs;
    return current === null || LIFETIME_CHOICES.includes(current) ? LIFETIME_CHOICES : [...LIFETIME_CHOICES, current].sort((a, b) => a - b);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const d = draft();
    const change: PolicyChange = {
      memberRole: d.memberRole,
      requireApproval: d.requireApproval,
      requiredApprovals: d.requiredApprovals,
      allowedLinkRoles: SHARE_ROLES.filter((r) => d.allowedLinkRoles.includes(r)),
      maxLinkLifetimeMs: d.maxLinkLifetimeMs,
      configCreators: d.configCreators,
    };
    try {
      const { effect } = await props.api.orgs.setPolicies(props.org.id, change);
      const links = [effect.linksRevoked ? `${plural(effect.linksRevoked, 'link')} revoked` : '', effect.linksShortened ? `${plural(effect.linksShortened, 'link')} now expire sooner` : ''].filter(Boolean);
      setDone(`Saved.${links.length ? ` ${links.join(', ')} to keep to the new policy.` : ''}`);
      props.onChanged();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="org-policies" aria-labelledby="org-policies-title" data-testid="policies-section">
      <h2 id="org-policies-title">Policies</h2>
      <p class="muted">Defaults for every configuration of {props.org.name}. A configuration may be stricter, never looser; the server enforces them everywhere.</p>
      <Show when={canManage()} fallback={<ReadOnlyPolicies policies={props.org.policies} />}>
        <form class="policy-form" onSubmit={(e) => void save(e)} aria-label="Organisation policies">
          <label class="account-field">
            <span>Every member's role on every configuration</span>
            <select class="input" name="member-role" value={draft().memberRole ?? ''} onChange={(e) => set('memberRole', (e.currentTarget.value || null) as Role | null)}>
              <option value="">{memberRoleWords(null)}</option>
              <For each={SHARE_ROLES}>{(r) => <option value={r}>{memberRoleWords(r)}</option>}</For>
            </select>
          </label>
          <fieldset class="token-fieldset">
            <legend>Approval before builds</legend>
            <label class="token-choice">
              <input type="checkbox" name="require-approval" checked={draft().requireApproval} onChange={(e) => set('requireApproval', e.currentTarget.checked)} />
              <span>Every build needs an approved review of the exact state</span>
            </label>
            <Show when={draft().requireApproval}>
              <label class="token-choice">
                <span>At least</span>
                <input
                  class="input input--narrow"
                  type="number"
                  name="required-approvals"
                  min={1}
                  max={MAX_APPROVALS}
                  value={draft().requiredApprovals}
                  onChange={(e) => set('requiredApprovals', Number(e.currentTarget.value))}
                />
                <span>approvals (configurations may ask for more)</span>
              </label>
            </Show>
          </fieldset>
          <fieldset class="token-fieldset">
            <legend>Share links may give</legend>
            <For each={SHARE_ROLES}>
              {(r) => (
                <label class="token-choice">
                  <input
                    type="checkbox"
                    name="link-role"
                    value={r}
                    checked={draft().allowedLinkRoles.includes(r)}
                    onChange={(e) => set('allowedLinkRoles', e.currentTarget.checked ? [...draft().allowedLinkRoles, r] : draft().allowedLinkRoles.filter((x) => x !== r))}
                  />
                  <span>
                    <strong>{ROLE_WORDS[r].name}</strong> <span class="muted">{ROLE_WORDS[r].can}</span>
                  </span>
                </label>
              )}
            </For>
            <span class="muted">Existing links with a role you untick are revoked when you save; people on them are disconnected.</span>
          </fieldset>
          <label class="account-field">
            <span>Longest a share link may live</span>
            <select
              class="input"
              name="max-link-lifetime"
              value={String(draft().maxLinkLifetimeMs ?? '')}
              onChange={(e) => set('maxLinkLifetimeMs', e.currentTarget.value ? Number(e.currentTarget.value) : null)}
            >
              <option value="">{lifetimeText(null)}</option>
              <For each={lifetimes()}>{(ms) => <option value={String(ms)}>{lifetimeWords(ms)}</option>}</For>
            </select>
          </label>
          <fieldset class="token-fieldset">
            <legend>Who may create configurations</legend>
            <label class="token-choice">
              <input type="radio" name="config-creators" checked={draft().configCreators === 'members'} onChange={() => set('configCreators', 'members')} />
              <span>Every member</span>
            </label>
            <label class="token-choice">
              <input type="radio" name="config-creators" checked={draft().configCreators === 'admins'} onChange={() => set('configCreators', 'admins')} />
              <span>Admins and owners only</span>
            </label>
          </fieldset>
          <Show when={error()}>
            <p class="field-issue field-issue--error" role="alert">
              {error()}
            </p>
          </Show>
          <Show when={done()}>
            <p class="muted" role="status" data-testid="policies-saved">
              {done()}
            </p>
          </Show>
          <button class="button button--primary" type="submit" disabled={busy()}>
            Save policies
          </button>
        </form>
      </Show>
    </section>
  );
}
