/**
 * The History panel: the configuration's change log (all fields, or one — chosen here or with a
 * field's history button in the form), live, with older pages on demand; and the named versions
 * (save, compare with now, restore whole or one field).
 */
import { createEffect, createSignal, For, on, onCleanup, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { formSections } from '../form/form-model.ts';
import { ChangeList } from '../history/change-list.tsx';
import { createTimeline } from '../history/timeline.ts';
import { NOTES_PATH } from '../history/value-format.ts';
import { VersionList } from '../history/version-list.tsx';
import type { ReviewCenter } from '../review/review-center.ts';
import { SessionGate } from './session-gate.tsx';

type View = 'changes' | 'versions';

function Changes(props: { ctx: AppContext; center: ReviewCenter; path: string | null; onFilter: (path: string | null) => void }): JSX.Element {
  const { center } = props;
  let disposed = false;
  const timeline = createTimeline(props.ctx.api.history, center.session.configId, props.path, () => disposed);
  void timeline.reload();
  onCleanup(() => {
    disposed = true;
  });
  onCleanup(center.onHistoryEvent((event) => timeline.apply(event)));
  // Events sent while disconnected are lost: read the page again after a reconnect.
  createEffect(on(center.resyncs, () => void timeline.reload(), { defer: true }));
  return (
    <>
      <Show when={timeline.error()}>
        <p class="field-issue field-issue--error history-error" role="alert">
          The history could not be loaded: {timeline.error()}
        </p>
      </Show>
      <Show
        when={timeline.entries().length > 0}
        fallback={
          <p class="panel-empty">
            {timeline.loading() ? 'Loading history…' : props.path ? 'No recorded changes to this field yet.' : 'No recorded changes yet.'}
          </p>
        }
      >
        <ChangeList entries={timeline.entries()} schema={center.session.schema} now={center.now()} onFilter={props.path ? null : (path) => props.onFilter(path)} />
        <Show when={timeline.hasMore()}>
          <div class="history-more">
            <button type="button" class="button button--small" disabled={timeline.loading()} onClick={() => void timeline.loadMore()}>
              {timeline.loading() ? 'Loading…' : 'Older changes'}
            </button>
          </div>
        </Show>
      </Show>
    </>
  );
}

function History(props: { ctx: AppContext; center: ReviewCenter }): JSX.Element {
  const { center } = props;
  const session = center.session;
  const [view, setView] = createSignal<View>('changes');
  const fields = formSections(session.schema).flatMap((s) => s.properties.map((p) => ({ path: `/${p}`, title: session.schema.properties[p].title })));
  // A field's history button in the form asks for that field: show its changes.
  createEffect(
    on(center.historyPath, (path) => {
      if (path !== null) setView('changes');
    }),
  );
  const tab = (value: View, label: string) => (
    <button type="button" role="tab" class="subtab" aria-selected={view() === value} onClick={() => setView(value)} data-testid={`history-tab-${value}`}>
      {label}
    </button>
  );
  return (
    <>
      <div class="panel-toolbar history-toolbar">
        <div class="subtabs" role="tablist" aria-label="History">
          {tab('changes', 'Changes')}
          {tab('versions', 'Versions')}
        </div>
        <span class="top-spacer" />
        <Show when={view() === 'changes'}>
          <select
            class="input select history-filter"
            aria-label="Show the changes of"
            value={center.historyPath() ?? ''}
            onChange={(e) => center.setHistoryPath(e.currentTarget.value || null)}
            data-testid="history-filter"
          >
            <option value="">All fields</option>
            <For each={fields}>{(f) => <option value={f.path}>{f.title}</option>}</For>
            <option value={NOTES_PATH}>Notes</option>
          </select>
        </Show>
      </div>
      <Show when={view() === 'changes'} fallback={<VersionList api={props.ctx.api.history} center={center} canEdit={session.may('edit')} />}>
        {/* Keyed on the filter: another field is another timeline. */}
        <Show when={{ path: center.historyPath() }} keyed>
          {(filter) => <Changes ctx={props.ctx} center={center} path={filter.path} onFilter={(path) => center.setHistoryPath(path)} />}
        </Show>
      </Show>
    </>
  );
}

export function HistoryPanel(props: { ctx: AppContext }): JSX.Element {
  return (
    <div class="panel panel--history">
      <SessionGate ctx={props.ctx}>
        {(session) => (
          <Show when={props.ctx.review()?.session === session ? props.ctx.review() : null} keyed>
            {(center) => <History ctx={props.ctx} center={center} />}
          </Show>
        )}
      </SessionGate>
    </div>
  );
}
