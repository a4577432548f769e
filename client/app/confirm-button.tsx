/**
 * A button that asks once more before something that cannot be taken back in one click (delete,
 * revoke, move): the first click shows a group with what will happen, the action and "Keep".
 * The action's own failure is said in place (role=alert), next to the button that caused it,
 * and the group stays open to try again; on success it closes.
 */
import { createSignal, Show, type JSX } from 'solid-js';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface ConfirmButtonProps {
  /** The first button's text ("Delete…", "Revoke"). */
  label: string;
  /** The first button's accessible name, when the text alone is ambiguous in a list. */
  labelFor?: string;
  /** The group's accessible name: the question asked ("Delete team kernel?"). */
  question: string;
  /** What happens, said before the action (muted). */
  note?: JSX.Element;
  /** The action's button ("Move to trash", "Revoke now"). */
  action: string;
  /** Its text while it runs. */
  busyAction?: string;
  /** The button that closes the group without acting. */
  keep?: string;
  /** Class of the first button; a small button unless said. */
  triggerClass?: string;
  /** Class of the action button; a danger button unless said. */
  actionClass?: string;
  disabled?: boolean;
  testId?: string;
  /** Runs the action; what it throws is shown in place. */
  onConfirm: () => Promise<unknown> | unknown;
  /** Extra controls inside the group, before the action (a destination to choose). */
  children?: JSX.Element;
}

export function ConfirmButton(props: ConfirmButtonProps): JSX.Element {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setConfirming(false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setConfirming(false);
    setError(null);
  };
  return (
    <>
      <Show
        when={confirming()}
        fallback={
          <button type="button" class={props.triggerClass ?? 'button button--small'} aria-label={props.labelFor} disabled={props.disabled} onClick={() => setConfirming(true)}>
            {props.label}
          </button>
        }
      >
        {/* Focus moves into the group (its first control), so a keyboard user answers at once. */}
        <span class="confirm" role="group" aria-label={props.question} data-testid={props.testId} ref={(el) => queueMicrotask(() => el.querySelector<HTMLElement>('select, input, button')?.focus())}>
          <Show when={props.note}>
            <span class="muted">{props.note}</span>
          </Show>
          {props.children}
          <button
            type="button"
            class={props.actionClass ?? 'button button--small button--danger'}
            disabled={busy() || props.disabled}
            onClick={() => void run()}
          >
            {busy() && props.busyAction ? props.busyAction : props.action}
          </button>
          <button type="button" class="button button--small" onClick={close}>
            {props.keep ?? 'Keep'}
          </button>
        </span>
      </Show>
      <Show when={error()}>
        <span class="field-issue field-issue--error" role="alert">
          {error()}
        </span>
      </Show>
    </>
  );
}
