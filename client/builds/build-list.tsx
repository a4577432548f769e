/** The builds of the open configuration, newest first: status, progress, when, content hash. */
import { For, Show, type JSX } from 'solid-js';
import type { BuildSummary } from '../app/build-api.ts';
import { relativeTime } from '../app/words.ts';
import { buildDuration, isActive, shortHash } from './build-format.ts';
import { ProgressBar, StatusBadge } from './status-badge.tsx';

export function BuildList(props: { builds: readonly BuildSummary[]; selectedId: string | null; now: number; onSelect: (id: string) => void }): JSX.Element {
  const move = (event: KeyboardEvent, index: number) => {
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : -1;
    if (next < 0 || next >= props.builds.length || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
    event.preventDefault();
    props.onSelect(props.builds[next].id);
    const list = (event.currentTarget as HTMLElement).closest('ul');
    (list?.querySelectorAll<HTMLButtonElement>('.build-row')[next])?.focus();
  };
  return (
    <ul class="build-list" aria-label="Builds" data-testid="build-list">
      <For each={props.builds}>
        {(build, i) => (
          <li>
            <button
              type="button"
              class="build-row"
              aria-current={build.id === props.selectedId ? 'true' : undefined}
              data-build={build.id}
              data-status={build.status}
              onClick={() => props.onSelect(build.id)}
              onKeyDown={(e) => move(e, i())}
            >
              <StatusBadge status={build.status} />
              <span class="build-row-main">
                <Show when={isActive(build.status)} fallback={<span class="muted">{buildDuration(build, props.now) || '—'}</span>}>
                  <ProgressBar progress={build.progress} stage={build.stage} status={build.status} compact />
                </Show>
              </span>
              <span class="build-row-when muted" title={new Date(build.createdAt).toLocaleString()}>
                {relativeTime(build.createdAt, props.now)}
              </span>
              <code class="build-row-hash" title={`Content hash ${build.contentHash}`}>
                {shortHash(build.contentHash)}
              </code>
            </button>
          </li>
        )}
      </For>
    </ul>
  );
}
