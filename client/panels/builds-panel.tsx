/**
 * The Builds panel: the Build button (with why it cannot build, when it cannot), the builds of
 * the open configuration, and the selected build live (progress, log, artifacts, snapshot).
 */
import { createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { BuildButton, useBuildAvailability } from '../builds/build-button.tsx';
import type { BuildCenter } from '../builds/build-center.ts';
import { BuildDetails } from '../builds/build-details.tsx';
import { BuildList } from '../builds/build-list.tsx';
import { MatrixView } from '../builds/matrix-view.tsx';
import type { ConfigSession } from '../session/config-session.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

/** Relative times ("2 min ago") and running durations are redrawn this often. */
const CLOCK_TICK_MS = 5_000;

function Builds(props: { ctx: AppContext; session: ConfigSession; center: BuildCenter }): JSX.Element {
  const { session, center } = props;
  const [now, setNow] = createSignal(Date.now());
  onMount(() => {
    const stopWatching = center.watch();
    const tick = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    onCleanup(() => {
      stopWatching();
      clearInterval(tick);
    });
  });
  const availability = useBuildAvailability(center);
  const canBuild = () => session.may('build');
  const [view, setView] = createSignal<'builds' | 'matrix'>('builds');

  return (
    <>
      <div class="builds-views" role="tablist" aria-label="Builds view">
        <button type="button" role="tab" class="build-tab" aria-selected={view() === 'builds'} data-testid="builds-view-list" onClick={() => setView('builds')}>
          Builds
        </button>
        <button type="button" role="tab" class="build-tab" aria-selected={view() === 'matrix'} data-testid="builds-view-matrix" onClick={() => setView('matrix')}>
          Matrix
        </button>
      </div>
      <Show when={view() === 'matrix'}>
        <MatrixView api={props.ctx.api.builds} session={session} canBuild={canBuild()} now={now()} />
      </Show>
      <Show when={view() === 'builds'}>
      <div class="panel-toolbar">
        <BuildButton
          id="panel-build-button"
          center={center}
          onStarted={() => {}}
          onShowProblems={() => props.ctx.revealPanel('problems')}
        />
        <span class="muted builds-count">{center.builds().length > 0 ? `${center.builds().length} recent` : ''}</span>
        <span class="top-spacer" />
        <button type="button" class="button button--small" onClick={() => void center.refresh()}>
          Refresh
        </button>
      </div>
      <Show when={!availability().enabled && availability().reason}>
        <p class="build-blocked" role="status" data-testid="panel-build-blocked">
          {availability().reason}
        </p>
      </Show>
      <Show when={center.note()}>
        <p class="build-note" role="status">
          {center.note()}
        </p>
      </Show>
      <Show when={center.listError()}>
        <p class="field-issue field-issue--error builds-error" role="alert">
          The builds could not be loaded: {center.listError()}
        </p>
      </Show>
      <Show
        when={center.builds().length > 0}
        fallback={
          <p class="panel-empty">
            {!center.loaded()
              ? 'Loading builds…'
              : center.queueUnavailable()
                ? 'Builds are not available on this server.'
                : canBuild()
                  ? 'No builds yet. Press Build to freeze this configuration and build it.'
                  : 'No builds yet.'}
          </p>
        }
      >
        <div class="builds-body">
          <BuildList builds={center.builds()} selectedId={center.selectedId()} now={now()} onSelect={(id) => center.select(id)} />
          <Show when={center.selectedId()} keyed>
            {(id) => (
              <BuildDetails
                api={props.ctx.api.builds}
                buildId={id}
                configName={session.name()}
                canBuild={canBuild()}
                now={now()}
                onCancel={(b) => center.cancel(b)}
                onRetry={(b) => center.retry(b)}
                onFinished={() => void center.refresh()}
              />
            )}
          </Show>
        </div>
      </Show>
      </Show>
    </>
  );
}

export function BuildsPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--builds">
      <SessionGate ctx={props.ctx}>{(container) => <Builds ctx={props.ctx} session={container.session} center={container.builds} />}</SessionGate>
    </div>
  );
}
