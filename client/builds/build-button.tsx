/**
 * The Build button. When it cannot build it stays focusable (aria-disabled) and says why in a
 * tooltip on hover and keyboard focus; pressing it then shows where the reason is (the Problems
 * panel for validation errors) instead of sending a request the server would refuse.
 */
import { createMemo, Show, type JSX } from 'solid-js';
import { buildAvailability, type BuildAvailability } from './build-availability.ts';
import type { BuildCenter } from './build-center.ts';

/** The availability of the Build button for the center's configuration (reactive). */
export function useBuildAvailability(center: BuildCenter): () => BuildAvailability {
  const session = center.session;
  return createMemo(() =>
    buildAvailability({
      mayBuild: session.may('build'),
      role: session.role(),
      connection: session.connection(),
      synced: session.synced(),
      errors: session.validation().result.errors.length,
      refusal: center.refusal(),
      queueUnavailable: center.queueUnavailable(),
      requesting: center.requesting(),
    }),
  );
}

export function BuildButton(props: {
  /** Keyed by the caller: a new configuration means a new center and a new button. */
  center: BuildCenter;
  /** A build started (or an existing one was found): show it. */
  onStarted: () => void;
  /** Pressed while blocked by validation errors. */
  onShowProblems: () => void;
  id: string;
}): JSX.Element {
  const availability = useBuildAvailability(props.center);
  const tipId = () => `${props.id}-why`;
  const press = async () => {
    const state = availability();
    if (!state.enabled) {
      if (state.kind === 'errors') props.onShowProblems();
      return;
    }
    props.onStarted();
    await props.center.request();
  };
  return (
    <span class="build-button-wrap">
      <button
        type="button"
        id={props.id}
        class="button button--small button--primary build-button"
        aria-disabled={!availability().enabled}
        aria-describedby={availability().enabled ? undefined : tipId()}
        data-testid="build-button"
        onClick={() => void press()}
      >
        {props.center.requesting() ? 'Starting…' : '▶ Build'}
      </button>
      <Show when={availability().reason}>
        <span class="tooltip" role="tooltip" id={tipId()} data-testid="build-blocked-reason">
          {availability().reason}
        </span>
      </Show>
    </span>
  );
}
