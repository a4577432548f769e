/**
 * Webhooks of a configuration (owner only, in the Share dialog): add one (URL and events), and for
 * each its URL, events and on/off switch, edit, "Send test", a new secret, delete (asks once more),
 * and its delivery log: every event sent, its status, each attempt's answer, and Redeliver. A
 * signing secret is shown once, when made (creation or "New secret"), to copy now; the server
 * never shows it again (docs/webhooks.md).
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ConfirmButton } from '../app/confirm-button.tsx';
import { CopyButton } from '../app/copy-button.tsx';
import { WEBHOOK_EVENTS, type DeliveryInfo, type WebhookInfo, type WebhooksApi } from '../app/webhooks-api.ts';
import { plural, relativeTime } from '../app/words.ts';

const eventLabel = (type: string) => WEBHOOK_EVENTS.find((e) => e.type === type)?.label ?? type;

/** URL and events: the new-webhook form, and a webhook's edit form. */
function WebhookForm(props: {
  initial?: { url: string; events: string[] };
  submitLabel: string;
  busy: boolean;
  /** Resolves true when saved: a new-webhook form then empties its URL for the next one. */
  onSubmit: (hook: { url: string; events: string[] }) => Promise<boolean>;
  onCancel?: () => void;
}): JSX.Element {
  const [url, setUrl] = createSignal(props.initial?.url ?? '');
  const [events, setEvents] = createSignal<string[]>(props.initial?.events ?? WEBHOOK_EVENTS.map((e) => e.type));
  const toggle = (type: string, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((t) => t !== type)));
  return (
    <form
      class="share-form webhook-form"
      aria-label={props.initial ? 'Edit webhook' : 'New webhook'}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit({ url: url().trim(), events: WEBHOOK_EVENTS.map((ev) => ev.type).filter((t) => events().includes(t)) }).then((saved) => {
          if (saved && !props.initial) setUrl('');
        });
      }}
    >
      <label class="share-field share-field--grow">
        <span>Payload URL</span>
        <input class="input mono" type="url" required placeholder="https://ci.example.com/hooks/boardroom" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <fieldset class="share-kind">
        <legend>Send when</legend>
        <For each={WEBHOOK_EVENTS}>
          {(ev) => (
            <label class="check">
              <input type="checkbox" checked={events().includes(ev.type)} onChange={(e) => toggle(ev.type, e.currentTarget.checked)} />
              {ev.label}
            </label>
          )}
        </For>
      </fieldset>
      <button class="button button--primary" type="submit" disabled={props.busy || events().length === 0}>
        {props.submitLabel}
      </button>
      <Show when={props.onCancel}>
        <button class="button" type="button" onClick={() => props.onCancel?.()}>
          Cancel
        </button>
      </Show>
    </form>
  );
}

function statusBadge(status: string): JSX.Element {
  const cls = status === 'succeeded' ? 'badge badge--ok' : status === 'failed' ? 'badge badge--eos' : 'badge badge--wip';
  const word = status === 'succeeded' ? 'delivered' : status === 'failed' ? 'failed' : 'pending';
  return <span class={cls}>{word}</span>;
}

function DeliveryRow(props: {
  delivery: DeliveryInfo;
  busy: boolean;
  canSend: boolean;
  /** Whether its details are open: kept by the log, since a refresh renders every row anew. */
  open: boolean;
  onToggle: (open: boolean) => void;
  onRedeliver: () => void;
}): JSX.Element {
  const last = () => props.delivery.attempts[props.delivery.attempts.length - 1];
  const answer = () => {
    const a = last();
    if (!a) return 'not sent yet';
    return a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? 'no answer');
  };
  return (
    <li class="delivery-row" data-delivery={props.delivery.id} data-testid="webhook-delivery">
      <details open={props.open} onToggle={(e) => props.onToggle(e.currentTarget.open)}>
        <summary>
          <span class="delivery-event">{props.delivery.eventType === 'ping' ? 'Test' : eventLabel(props.delivery.eventType)}</span>
          {statusBadge(props.delivery.status)}
          <span class="muted">
            {relativeTime(props.delivery.createdAt)} · {plural(props.delivery.attempts.length, 'attempt')} · {answer()}
          </span>
        </summary>
        <p class="muted mono delivery-ids">
          event {props.delivery.eventId} · delivery {props.delivery.id}
        </p>
        <ol class="delivery-attempts">
          <For each={props.delivery.attempts}>
            {(a) => (
              <li>
                #{a.attempt}
                {a.redelivery ? ' (redelivery)' : ''} · {relativeTime(a.at)} · {a.statusCode !== null ? `HTTP ${a.statusCode}` : 'no answer'} · {a.durationMs} ms
                {/* "HTTP 500" is already said; an error says more only without a status. */}
                <Show when={a.error && a.error !== `HTTP ${a.statusCode}`}>
                  {' '}
                  · <span class="delivery-error">{a.error}</span>
                </Show>
                <Show when={a.responseExcerpt}>
                  <pre class="delivery-body">{a.responseExcerpt}</pre>
                </Show>
              </li>
            )}
          </For>
        </ol>
      </details>
      <button
        type="button"
        class="button button--small"
        disabled={props.busy || !props.canSend}
        aria-label={`Redeliver ${eventLabel(props.delivery.eventType)} event`}
        onClick={() => props.onRedeliver()}
      >
        Redeliver
      </button>
    </li>
  );
}

function DeliveryLog(props: { api: WebhooksApi; configId: string; webhookId: string; canSend: boolean; refreshKey: number }): JSX.Element {
  const [log, { refetch }] = createResource(
    () => [props.webhookId, props.refreshKey] as const,
    ([id]) => props.api.deliveries(props.configId, id),
  );
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // Deliveries whose details the user opened: a refresh (theirs or after a redelivery) brings new
  // objects and so new rows, which would otherwise close what they were reading.
  const [opened, setOpened] = createSignal<ReadonlySet<string>>(new Set());
  const toggle = (id: string, open: boolean) => {
    if (opened().has(id) === open) return;
    const next = new Set(opened());
    if (open) next.add(id);
    else next.delete(id);
    setOpened(next);
  };
  const redeliver = async (deliveryId: string) => {
    setBusy(true);
    setError(null);
    try {
      await props.api.redeliver(props.configId, props.webhookId, deliveryId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      await refetch();
    }
  };
  return (
    <div class="delivery-log" role="group" aria-label="Recent deliveries">
      <div class="delivery-log-head">
        <span class="subhead-small">Recent deliveries</span>
        <button type="button" class="button button--small" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="delivery-list" data-testid="webhook-deliveries">
        <For each={log()?.deliveries ?? []} fallback={<li class="muted share-empty">{log.loading ? 'Loading…' : 'Nothing sent yet.'}</li>}>
          {(d) => (
            <DeliveryRow
              delivery={d}
              busy={busy()}
              canSend={props.canSend}
              open={opened().has(d.id)}
              onToggle={(open) => toggle(d.id, open)}
              onRedeliver={() => void redeliver(d.id)}
            />
          )}
        </For>
      </ul>
    </div>
  );
}

function WebhookRow(props: {
  hook: WebhookInfo;
  api: WebhooksApi;
  configId: string;
  busy: boolean;
  canSend: boolean;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  onSecret: (hook: WebhookInfo, secret: string) => void;
  /** Held by the section: rows are rebuilt whenever the list is read again. */
  view: { editing: boolean; showLog: boolean; refreshKey: number };
  onView: (change: Partial<{ editing: boolean; showLog: boolean; refresh: boolean }>) => void;
}): JSX.Element {
  const editing = () => props.view.editing;
  const showLog = () => props.view.showLog;
  const setEditing = (editing: boolean) => props.onView({ editing });
  const setShowLog = (showLog: boolean) => props.onView({ showLog });
  const id = () => props.hook.id;
  return (
    <li class="webhook-row" data-webhook={props.hook.id} data-testid="webhook">
      <Show
        when={!editing()}
        fallback={
          <WebhookForm
            initial={props.hook}
            submitLabel="Save"
            busy={props.busy}
            onCancel={() => setEditing(false)}
            onSubmit={async (change) => {
              const saved = await props.run(() => props.api.update(props.configId, id(), change));
              if (saved) setEditing(false);
              return saved;
            }}
          />
        }
      >
        <div class="share-row">
          <span class="share-row-main">
            <span class="share-row-title mono webhook-url">{props.hook.url}</span>
            <span class="muted">
              {props.hook.events.map(eventLabel).join(', ')} · added {relativeTime(props.hook.createdAt)}
            </span>
          </span>
          <label class="check" title="Inactive webhooks are sent nothing">
            <input
              type="checkbox"
              checked={props.hook.active}
              disabled={props.busy}
              onChange={(e) => void props.run(() => props.api.update(props.configId, id(), { active: e.currentTarget.checked }))}
            />
            Active
          </label>
        </div>
        <div class="webhook-actions" role="group" aria-label={`Webhook ${props.hook.url}`}>
          <button type="button" class="button button--small" aria-expanded={showLog()} onClick={() => setShowLog(!showLog())}>
            {showLog() ? 'Hide deliveries' : 'Deliveries'}
          </button>
          <button
            type="button"
            class="button button--small"
            disabled={props.busy || !props.canSend}
            onClick={() => void props.run(() => props.api.ping(props.configId, id())).then(() => props.onView({ showLog: true, refresh: true }))}
          >
            Send test
          </button>
          <button type="button" class="button button--small" disabled={props.busy} onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            class="button button--small"
            disabled={props.busy}
            title="Make a new signing secret; the old one stops working at once"
            onClick={() =>
              void props.run(async () => {
                const rotated = await props.api.rotateSecret(props.configId, id());
                props.onSecret(rotated.webhook, rotated.secret);
              })
            }
          >
            New secret
          </button>
          <ConfirmButton
            label="Delete"
            question="Delete this webhook?"
            action="Delete with its log"
            disabled={props.busy}
            onConfirm={() => props.run(() => props.api.remove(props.configId, id()))}
          />
        </div>
        <Show when={showLog()}>
          <DeliveryLog api={props.api} configId={props.configId} webhookId={id()} canSend={props.canSend} refreshKey={props.view.refreshKey} />
        </Show>
      </Show>
    </li>
  );
}

export function WebhooksSection(props: { api: WebhooksApi; configId: string }): JSX.Element {
  const [list, { refetch }] = createResource(() => props.configId, (id) => props.api.list(id));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  /** Secrets made in this dialog and not yet dismissed. */
  const [secrets, setSecrets] = createSignal<Array<{ hook: WebhookInfo; secret: string }>>([]);
  const onSecret = (hook: WebhookInfo, secret: string) => setSecrets((s) => [{ hook, secret }, ...s.filter((x) => x.hook.id !== hook.id)]);
  /** Runs a change, then reads the list again; false (and the error shown) when it failed. */
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      await refetch();
      setBusy(false);
    }
  };
  const canSend = () => list()?.deliveriesEnabled ?? false;
  const [views, setViews] = createSignal<Record<string, { editing: boolean; showLog: boolean; refreshKey: number }>>({});
  const viewOf = (id: string) => views()[id] ?? { editing: false, showLog: false, refreshKey: 0 };
  const changeView = (id: string, change: Partial<{ editing: boolean; showLog: boolean; refresh: boolean }>) =>
    setViews((all) => {
      const was = all[id] ?? { editing: false, showLog: false, refreshKey: 0 };
      return {
        ...all,
        [id]: { editing: change.editing ?? was.editing, showLog: change.showLog ?? was.showLog, refreshKey: was.refreshKey + (change.refresh ? 1 : 0) },
      };
    });

  return (
    <section class="share-section" aria-labelledby="share-webhooks" data-testid="webhooks-section">
      <h3 id="share-webhooks" class="subhead">
        Webhooks
      </h3>
      <p class="muted webhook-intro">
        Boardroom POSTs a signed JSON event to each URL when a build finishes, a review is decided or a version is made. Receivers check the{' '}
        <code>Boardroom-Signature</code> header with the webhook's secret.
      </p>
      <WebhookForm
        submitLabel="Add webhook"
        busy={busy()}
        onSubmit={(hook) =>
          run(async () => {
            const created = await props.api.create(props.configId, hook);
            onSecret(created.webhook, created.secret);
          })
        }
      />
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={list.error}>
        <p class="field-issue field-issue--error" role="alert">
          The webhooks could not be loaded: {list.error instanceof Error ? list.error.message : String(list.error)}
        </p>
      </Show>
      <Show when={list() && !canSend()}>
        <p class="muted webhook-intro">This server has no Redis: webhooks are kept, but nothing is sent.</p>
      </Show>
      <For each={secrets()}>
        {(made) => (
          <div class="new-link" role="status" data-testid="webhook-secret">
            <p class="new-link-note">
              <strong>Copy this signing secret now:</strong> it is shown only this once. Keep it with the receiver at{' '}
              <span class="mono">{made.hook.url}</span>.
            </p>
            <div class="new-link-row">
              <input class="input mono" readOnly value={made.secret} aria-label="Signing secret" data-testid="webhook-secret-value" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={made.secret} what="secret" class="button button--primary" />
              <button type="button" class="button" onClick={() => setSecrets((s) => s.filter((x) => x !== made))}>
                Done
              </button>
            </div>
          </div>
        )}
      </For>
      <ul class="share-list" aria-label="Webhooks" data-testid="webhooks">
        <For each={list()?.webhooks ?? []} fallback={<li class="muted share-empty">{list.loading ? 'Loading…' : 'No webhooks yet.'}</li>}>
          {(hook) => <WebhookRow hook={hook} api={props.api} configId={props.configId} busy={busy()} canSend={canSend()} run={run} onSecret={onSecret} view={viewOf(hook.id)} onView={(change) => changeView(hook.id, change)} />}
        </For>
      </ul>
    </section>
  );
}
