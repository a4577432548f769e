/**
 * "Check with Armbian": asks the real build framework (through a builder that has a checkout)
 * whether it accepts the configuration as it is now, and shows its answer in Problems in the
 * framework's own words. The answer belongs to the moment it was asked: the panel says so, and
 * asking again replaces it.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import { ApiRequestError } from '../app/api.ts';
import type { AppContext } from '../app/app-context.ts';
import type { FrameworkCheckAnswer } from '../app/build-api.ts';
import type { ConfigSession } from '../session/config-session.ts';

type CheckState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'answered'; answer: FrameworkCheckAnswer; at: Date }
  | { kind: 'failed'; message: string; unavailable: boolean };

export function createFrameworkCheck(ctx: AppContext, session: ConfigSession) {
  const [state, setState] = createSignal<CheckState>({ kind: 'idle' });
  const run = async (): Promise<void> => {
    setState({ kind: 'running' });
    try {
      const answer = await ctx.api.builds.frameworkCheck(session.configId);
      setState({ kind: 'answered', answer, at: new Date() });
    } catch (err) {
      const unavailable = err instanceof ApiRequestError && err.code === 'framework_check_unavailable';
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err), unavailable });
    }
  };
  return { state, run };
}

export function FrameworkCheckButton(props: { check: ReturnType<typeof createFrameworkCheck> }): JSX.Element {
  return (
    <button
      type="button"
      class="button button--small"
      data-testid="framework-check"
      disabled={props.check.state().kind === 'running'}
      title="Ask the Armbian build framework (./compile.sh config-dump-json) whether it accepts this configuration"
      onClick={() => void props.check.run()}
    >
      {props.check.state().kind === 'running' ? 'Checking with Armbian…' : 'Check with Armbian'}
    </button>
  );
}

export function FrameworkCheckResult(props: { check: ReturnType<typeof createFrameworkCheck> }): JSX.Element {
  const state = () => props.check.state();
  return (
    <Show when={state().kind === 'answered' || state().kind === 'failed'}>
      <section class="framework-check" role="status" aria-label="Armbian framework check" data-testid="framework-check-result">
        <Show when={state().kind === 'failed' ? (state() as Extract<CheckState, { kind: 'failed' }>) : null}>
          {(failed) => (
            <p class={failed().unavailable ? 'muted' : 'problem--error'}>
              {failed().unavailable ? 'The Armbian check is unavailable: ' : 'The Armbian check did not run: '}
              {failed().message}
            </p>
          )}
        </Show>
        <Show when={state().kind === 'answered' ? (state() as Extract<CheckState, { kind: 'answered' }>) : null}>
          {(answered) => {
            const a = () => answered().answer;
            return (
              <>
                <p class="framework-check-verdict">
                  <strong>{a().accepted ? 'Armbian accepts this configuration' : 'Armbian refuses this configuration'}</strong>
                  <span class="muted">
                    {' '}
                    (Armbian {a().framework.version ?? '?'} at {a().framework.commit?.slice(0, 12) ?? 'an unknown commit'}, checked{' '}
                    {answered().at.toLocaleTimeString()} in {(a().durationMs / 1000).toFixed(1)} s)
                  </span>
                </p>
                <Show when={a().predictedImageName}>
                  {(name) => (
                    <p>
                      Image: <code data-testid="framework-image-name">{name()}</code>
                    </p>
                  )}
                </Show>
                <ul class="problems" aria-label="Armbian says">
                  <For each={a().errors}>
                    {(message) => (
                      <li class="problem problem--error">
                        <span class="problem-icon" aria-label="error">✖</span>
                        <span class="problem-field">Armbian</span>
                        <span class="problem-message">{message}</span>
                      </li>
                    )}
                  </For>
                  <For each={a().warnings}>
                    {(message) => (
                      <li class="problem problem--warning">
                        <span class="problem-icon" aria-label="warning">▲</span>
                        <span class="problem-field">Armbian</span>
                        <span class="problem-message">{message}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </>
            );
          }}
        </Show>
      </section>
    </Show>
  );
}
