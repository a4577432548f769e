/**
 * A modal dialog on the native `<dialog>` element: the browser traps focus, Escape closes it, and
 * it sits in the top layer above golden-layout's panels. Rendered into `<body>` so a panel being
 * hidden or moved does not take it along.
 */
import { onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';

export function ModalDialog(props: {
  title: string;
  /** A line under the title. */
  subtitle?: JSX.Element;
  onClose: () => void;
  testId?: string;
  wide?: boolean;
  children: JSX.Element;
}): JSX.Element {
  let dialog!: HTMLDialogElement;
  const titleId = `dialog-title-${Math.random().toString(36).slice(2, 9)}`;
  onMount(() => dialog.showModal());
  onCleanup(() => dialog.close());
  return (
    <Portal>
      <dialog
        ref={dialog}
        class="modal"
        classList={{ 'modal--wide': props.wide }}
        aria-labelledby={titleId}
        data-testid={props.testId}
        onCancel={(event) => {
          // Escape: let the owner unmount us, which closes the dialog.
          event.preventDefault();
          props.onClose();
        }}
      >
        <header class="modal-header">
          <div>
            <h2 id={titleId}>{props.title}</h2>
            {props.subtitle}
          </div>
          <button type="button" class="icon-button modal-close" aria-label="Close" onClick={() => props.onClose()}>
            ✕
          </button>
        </header>
        <div class="modal-body">{props.children}</div>
      </dialog>
    </Portal>
  );
}
