/** A button that copies a value to the clipboard and says so for a moment. */
import { createSignal, onCleanup, type JSX } from 'solid-js';

/** How long "Copied" stays on the button before it reads "Copy" again. */
const COPIED_DISPLAY_MS = 2_000;

export function CopyButton(props: { value: string; label?: string; what: string; class?: string }): JSX.Element {
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setState('copied');
    } catch (error) {
      // No clipboard permission (or an insecure origin): the value is selectable next to us.
      console.warn('clipboard write refused', error);
      setState('failed');
    }
    clearTimeout(timer);
    timer = setTimeout(() => setState('idle'), COPIED_DISPLAY_MS);
  };
  return (
    <button type="button" class={props.class ?? 'button button--small'} title={`Copy ${props.what}`} onClick={() => void copy()}>
      <span aria-live="polite">{state() === 'copied' ? 'Copied' : state() === 'failed' ? 'Select and copy' : (props.label ?? 'Copy')}</span>
      <span class="visually-hidden"> {props.what}</span>
    </button>
  );
}
