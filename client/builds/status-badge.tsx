/** A build's status as a coloured badge, and its progress as a bar with the stage it is in. */
import type { JSX } from 'solid-js';
import type { BuildStatus } from '../app/build-api.ts';
import { STATUS_WORDS } from './build-format.ts';

export function StatusBadge(props: { status: BuildStatus }): JSX.Element {
  return (
    <span class={`badge build-badge build-badge--${props.status}`} data-testid="build-status" data-status={props.status}>
      {STATUS_WORDS[props.status]}
    </span>
  );
}

export function ProgressBar(props: { progress: number; stage: string | null; status: BuildStatus; compact?: boolean }): JSX.Element {
  const pct = () => Math.max(0, Math.min(100, Math.round(props.progress)));
  const label = () => (props.status === 'queued' ? 'Waiting for a builder' : (props.stage ?? 'Starting'));
  return (
    <div class="build-progress" classList={{ 'build-progress--compact': props.compact }}>
      <div
        class="build-progress-track"
        role="progressbar"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow={pct()}
        aria-valuetext={`${label()}, ${pct()} %`}
        aria-label="Build progress"
      >
        <div class="build-progress-fill" classList={{ 'build-progress-fill--waiting': props.status === 'queued' }} style={{ width: `${pct()}%` }} />
      </div>
      <span class="build-progress-text">
        {label()} · {pct()} %
      </span>
    </div>
  );
}
