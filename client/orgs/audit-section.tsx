/**
 * The organisation's audit log on its page (admins and owners; the server decides again): who
 * changed membership, teams, policies, links, secrets, builds and configurations, when and from
 * where. Filters by action, person, configuration and dates; "Load more" pages back in time;
 * "Export JSON lines" downloads every entry the filters match.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import { AUDIT_ACTIONS, type AuditAction } from '../../shared/audit-actions.ts';
import { orgCan } from '../../shared/org-roles.ts';
import { ApiRequestError } from '../app/api.ts';
import { auditExportUrl, type AuditEntry, type AuditQuery } from './audit-api.ts';
import { actionWords, detailWords } from './audit-words.ts';
import type { OrgSectionProps } from './org-sections.tsx';
import '../styles/orgs-audit.css';

/** Entries per "Load more": a screenful or two. */
const AUDIT_VIEW_PAGE = 50;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function messageOf(e: unknown): string {
  if (e instanceof ApiRequestError) return [e.message, ...e.details.map((d) => d.message)].join(': ');
  return e instanceof Error ? e.message : String(e);
}

/** A date input's day as the instant it starts (or, for `until`, ends) in the viewer's zone. */
function dayBound(value: string, end: boolean): string | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, end ? d + 1 : d, 0, 0, 0, end ? -1 : 0).toISOString();
}

export function AuditSection(props: OrgSectionProps): JSX.Element {
  return (
    <Show when={orgCan(props.org.role, 'readAudit')}>
      <AuditLog {...props} />
    </Show>
  );
}

function AuditLog(props: OrgSectionProps): JSX.Element {
  const [action, setAction] = createSignal<AuditAction | ''>('');
  const [actor, setActor] = createSignal('');
  const [configId, setConfigId] = createSignal('');
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  const [entries, setEntries] = createSignal<AuditEntry[]>([]);
  const [next, setNext] = createSignal<number | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // People and configurations seen so far: the choices of their filters (a filter never hides
  // its own choice, so they only grow).
  const [people, setPeople] = createSignal<ReadonlyMap<string, string>>(new Map());
  const [configs, setConfigs] = createSignal<ReadonlyMap<string, string>>(new Map());

  const query = (): AuditQuery => ({
    actions: action() ? [action() as AuditAction] : undefined,
    actor: actor() || undefined,
    configId: configId() || undefined,
    since: dayBound(from(), false),
    until: dayBound(to(), true),
  });

  let generation = 0;
  const load = async (more: boolean) => {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await props.api.orgs.audit(props.org.id, { ...query(), limit: AUDIT_VIEW_PAGE, before: more ? (next() ?? undefined) : undefined });
      // A newer filter change has started another load: this answer is stale.
      if (mine !== generation) return;
      setEntries(more ? [...entries(), ...page.entries] : page.entries);
      setNext(page.next);
      const seenPeople = new Map(people());
      const seenConfigs = new Map(configs());
      for (const e of page.entries) {
        if (e.actorId) seenPeople.set(e.actorId, e.actorName);
        if (e.configId) seenConfigs.set(e.configId, e.configName ?? 'a deleted configuration');
      }
      setPeople(seenPeople);
      setConfigs(seenConfigs);
    } catch (e) {
      if (mine === generation) setError(messageOf(e));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  const refilter = (set: () => void) => {
    set();
    void load(false);
  };
  void load(false);

  return (
    <section class="audit" aria-labelledby="audit-title" data-testid="audit-section">
      <h2 id="audit-title">Audit log</h2>
      <p class="muted">
        Changes to membership, teams, policies, share links, secrets, builds and configurations of this organisation, newest first. Entries are
        kept {props.org.policies.auditRetentionDays} days.
      </p>
      <form class="audit-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label class="account-field">
          <span>Action</span>
          <select class="input" name="audit-action" value={action()} onChange={(e) => refilter(() => setAction(e.currentTarget.value as AuditAction | ''))}>
            <option value="">Any action</option>
            <For each={AUDIT_ACTIONS}>{(a) => <option value={a}>{actionWords(a)}</option>}</For>
          </select>
        </label>
        <label class="account-field">
          <span>Person</span>
          <select class="input" name="audit-actor" value={actor()} onChange={(e) => refilter(() => setActor(e.currentTarget.value))}>
            <option value="">Anyone</option>
            <For each={[...people()].sort((a, b) => a[1].localeCompare(b[1]))}>{([id, name]) => <option value={id}>{name}</option>}</For>
          </select>
        </label>
        <label class="account-field">
          <span>Configuration</span>
          <select class="input" name="audit-config" value={configId()} onChange={(e) => refilter(() => setConfigId(e.currentTarget.value))}>
            <option value="">Any</option>
            <For each={[...configs()].sort((a, b) => a[1].localeCompare(b[1]))}>{([id, name]) => <option value={id}>{name}</option>}</For>
          </select>
        </label>
        <label class="account-field">
          <span>From</span>
          <input class="input" type="date" name="audit-from" value={from()} onChange={(e) => refilter(() => setFrom(e.currentTarget.value))} />
        </label>
        <label class="account-field">
          <span>To</span>
          <input class="input" type="date" name="audit-to" value={to()} onChange={(e) => refilter(() => setTo(e.currentTarget.value))} />
        </label>
        <a class="button audit-export" href={auditExportUrl(props.org.id, query())} download="" data-testid="audit-export">
          Export JSON lines
        </a>
      </form>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={entries().length > 0} fallback={<p class="muted" data-testid="audit-empty">{loading() ? 'Loading…' : 'No entries match.'}</p>}>
        <div class="audit-scroll">
          <table class="token-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Configuration</th>
                <th scope="col">Details</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              <For each={entries()}>
                {(e) => (
                  <tr data-testid="audit-row" data-action={e.action}>
                    <td class="audit-time">
                      <time datetime={e.at}>{when(e.at)}</time>
                    </td>
                    <td>{e.actorName}</td>
                    <td>{actionWords(e.action)}</td>
                    <td>{e.configId ? (e.configName ?? 'a deleted configuration') : <span class="muted">—</span>}</td>
                    <td class="audit-details">{detailWords(e)}</td>
                    <td>
                      <code>{e.address ?? '—'}</code>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={next() !== null}>
        <button type="button" class="button audit-more" disabled={loading()} onClick={() => void load(true)}>
          {loading() ? 'Loading…' : 'Load more'}
        </button>
      </Show>
    </section>
  );
}
