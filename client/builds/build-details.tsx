/**
 * One build, live: status, stage and progress, cancel and retry, the exact configuration it used,
 * its artifacts and its log. Built afresh for each selected build (keyed by the caller).
 */
import { createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { BuildApi } from '../app/build-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { relativeTime } from '../app/words.ts';
import { ArtifactList } from './artifact-list.tsx';
import { followBuild } from './build-follower.ts';
import { buildDuration, isActive } from './build-format.ts';
import { LogView } from './log-view.tsx';
import { SnapshotDialog } from './snapshot-dialog.tsx';
import { ProgressBar, StatusBadge } from './status-badge.tsx';

type BuildTab = 'log' | 'artifacts';
const TABS: readonly BuildTab[] = ['log', 'artifacts'];

/** Log and artifacts share the space under the header: a panel is rarely tall enough for both. */
function BuildTabs(props: { tab: BuildTab; onTab: (tab: BuildTab) => void; artifactCount: number; streaming: boolean }): JSX.Element {
  const label = (tab: BuildTab) => (tab === 'log' ? 'Log' : `Artifacts (${props.artifactCount})`);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const next = TABS[(TABS.indexOf(props.tab) + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    props.onTab(next);
    document.getElementById(`build-tab-${next}-label`)?.focus();
  };
  return (
    <div class="build-tabs" role="tablist" aria-label="Build output" onKeyDown={onKeyDown}>
      <For each={TABS}>
        {(tab) => (
          <button
            type="button"
            role="tab"
            class="build-tab"
            id={`build-tab-${tab}-label`}
            aria-selected={props.tab === tab}
            aria-controls={`build-tab-${tab}`}
            tabindex={props.tab === tab ? 0 : -1}
            data-testid={`build-tab-${tab}`}
            onClick={() => props.onTab(tab)}
          >
            {label(tab)}
            <Show when={tab === 'log' && props.streaming}>
              <span class="live-dot" role="img" aria-label="live" title="Live: new lines appear as the builder writes them" />
            </Show>
          </button>
        )}
      </For>
    </div>
  );
}

export function BuildDetails(props: {
  api: BuildApi;
  buildId: string;
  configName: string;
  canBuild: boolean;
  now: number;
  onCancel: (id: string) => Promise<void>;
  onRetry: (id: string) => Promise<void>;
  onFinished: () => void;
}): JSX.Element {
  const follower = followBuild(props.api, props.buildId, props.onFinished);
  onCleanup(() => follower.close());
  const [showSnapshot, setShowSnapshot] = createSignal(false);
  const [tab, setTab] = createSignal<BuildTab>('log');
  const [busy, setBusy] = createSignal(false);
  const act = async (action: (id: string) => Promise<void>) => {
    setBusy(true);
    try {
      await action(props.buildId);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="build-details" aria-label="Selected build" data-testid="build-details" data-status={follower.build()?.status ?? 'loading'}>
      <Show when={follower.build()} fallback={<p class="panel-empty">{follower.error() ?? 'Loading the build…'}</p>}>
        {(build) => (
          <>
            <header class="build-header">
              <StatusBadge status={build().status} />
              <span class="build-title">
                Build <code title={build().id}>{build().id.slice(0, 8)}</code>
              </span>
              <span class="muted">
                {relativeTime(build().createdAt, props.now)}
                {build().startedAt ? ` · ${buildDuration(build(), props.now)}` : ''}
                {build().attempts > 1 ? ` · attempt ${build().attempts}` : ''}
              </span>
            </header>
            <Show when={isActive(build().status)}>
              <ProgressBar progress={build().progress} stage={build().stage} status={build().status} />
            </Show>
            <Show when={build().error}>
              <p class="field-issue field-issue--error build-error" role="alert">
                {build().error}
              </p>
            </Show>
            <div class="build-meta">
              <span>
                Content <code title={build().contentHash}>{build().contentHash.slice(0, 12)}</code>
                <CopyButton value={build().contentHash} what="content hash" class="icon-button icon-button--text" />
              </span>
              <Show when={build().executor}>
                <span class="muted">executor {build().executor}</span>
              </Show>
              <Show when={build().retryOf}>
                <span class="muted">retry of {build().retryOf!.slice(0, 8)}</span>
              </Show>
              <button type="button" class="button button--small" onClick={() => setShowSnapshot(true)} data-testid="open-snapshot">
                Open the exact configuration this build used
              </button>
              <Show when={props.canBuild && isActive(build().status)}>
                <button type="button" class="button button--small" disabled={busy() || build().cancelRequested} onClick={() => void act(props.onCancel)}>
                  {build().cancelRequested ? 'Cancelling…' : 'Cancel build'}
                </button>
              </Show>
              <Show when={props.canBuild && (build().status === 'failed' || build().status === 'cancelled')}>
                <button type="button" class="button button--small" disabled={busy()} onClick={() => void act(props.onRetry)}>
                  Retry
                </button>
              </Show>
            </div>
            <BuildTabs
              tab={tab()}
              onTab={setTab}
              artifactCount={build().artifacts.length}
              streaming={follower.streaming()}
            />
            <Show when={follower.error()}>
              <p class="field-issue field-issue--error build-error">{follower.error()}</p>
            </Show>
            <div class="build-tabpanel" role="tabpanel" id="build-tab-log" aria-labelledby="build-tab-log-label" hidden={tab() !== 'log'}>
              <LogView lines={follower.lines()} trimmed={follower.trimmed()} streaming={follower.streaming()} />
            </div>
            <div class="build-tabpanel build-tabpanel--scroll" role="tabpanel" id="build-tab-artifacts" aria-labelledby="build-tab-artifacts-label" hidden={tab() !== 'artifacts'}>
              <ArtifactList api={props.api} buildId={build().id} artifacts={build().artifacts} streaming={follower.streaming()} />
            </div>
            <Show when={showSnapshot()}>
              <SnapshotDialog api={props.api} buildId={build().id} configName={props.configName} onClose={() => setShowSnapshot(false)} />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
