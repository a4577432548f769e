/**
 * The History panel: the configuration's change log (all fields, or one — chosen here or with a
 * field's history button in the form), live, with older pages on demand; and the named versions
 * (save, compare with now, restore whole or one field).
 *
 * Which field and which tab are this panel's own state (componentState, panel-instance.ts): two
 * History panels can follow two fields side by side, and both come back after a reload. A
 * field's history button goes to the History panel used last (`ReviewCenter.showHistory`).
 */
import { createEffect, createMemo, For, on, onCleanup, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { formSections } from '../form/form-model.ts';
import { ChangeList } from '../history/change-list.tsx';
import { createTimeline } from '../history/timeline.ts';
import { fieldTitle, NOTES_PATH } from '../history/value-format.ts';
import { VersionList } from '../history/version-list.tsx';
import type { ReviewCenter } from '../review/review-center.ts';
import type { ConfigContainer } from '../session/config-container.ts';
import { stateString, type PanelInstance } from '../workspace/panel-instance.ts';
import { PANEL_TITLES } from '../workspace/panel-types.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

type View = 'changes' | 'versions';

/** This panel's field (null: all fields) and tab, from its saved state. */
function historyState(panel: PanelInstance): { path: string | null; view: View } {
  const state = panel.state();
  const path = stateString(state, 'path');
  return { path: path && (path.startsWith('/') || path === NOTES_PATH) ? path : null, view: state.view === 'versions' ? 'versions' : 'changes' };
}

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

function History(props: { ctx: AppContext; container: ConfigContainer; panel: PanelInstance }): JSX.Element {
  const { container, panel } = props;
  const center = container.review;
  const session = container.session;
  const path = createMemo(() => historyState(panel).path);
  const view = createMemo(() => historyState(panel).view);
  const setView = (next: View) => panel.setState({ view: next });
  const setPath = (next: string | null) => panel.setState({ path: next ?? '' });
  const fields = formSections(session.schema).flatMap((s) => s.properties.map((p) => ({ path: `/${p}`, title: session.schema.properties[p].title })));
  // A field's history button in the form asks this panel (or every one) for that field's changes.
  // Deferred: a request made before this panel existed was for another one.
  createEffect(
    on(
      center.historyRequest,
      (request) => {
        if (request && (request.target === null || request.target === panel.id)) panel.setState({ path: request.path ?? '', view: 'changes' });
      },
      { defer: true },
    ),
  );
  // The tab says which field, so two History panels side by side can be told apart.
  createEffect(() => {
    const shown = path();
    panel.setTitle(shown ? `${PANEL_TITLES.history} · ${fieldTitle(session.schema, shown)}` : PANEL_TITLES.history);
  });
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
            value={path() ?? ''}
            onChange={(e) => setPath(e.currentTarget.value || null)}
            data-testid="history-filter"
          >
            <option value="">All fields</option>
            <For each={fields}>{(f) => <option value={f.path}>{f.title}</option>}</For>
            <option value={NOTES_PATH}>Notes</option>
          </select>
        </Show>
      </div>
      <Show when={view() === 'changes'} fallback={<VersionList api={props.ctx.api.history} center={center} canEdit={container.may('edit')} />}>
        {/* Keyed on the filter: another field is another timeline. */}
        <Show when={{ path: path() }} keyed>
          {(filter) => <Changes ctx={props.ctx} center={center} path={filter.path} onFilter={setPath} />}
        </Show>
      </Show>
    </>
  );
}

export function HistoryPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--history">
      <SessionGate ctx={props.ctx}>{(container) => <History ctx={props.ctx} container={container} panel={props.panel} />}</SessionGate>
    </div>
  );
}
