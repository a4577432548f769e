/** A text box for a comment or a reply: Ctrl+Enter (⌘+Enter) sends it, errors stay visible. */
import { createSignal, Show, type JSX } from 'solid-js';

/** The server's limit on a comment (server/review/comments.ts MAX_COMMENT_BODY_LENGTH). */
export const MAX_COMMENT_CHARS = 10_000;

export function CommentComposer(props: {
  placeholder: string;
  submitLabel: string;
  label: string;
  onSubmit: (body: string) => Promise<unknown>;
  autofocus?: boolean;
  /** Offers Cancel (and Escape) that closes the box. */
  onCancel?: () => void;
  testId?: string;
}): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let input!: HTMLTextAreaElement;
  const submit = async (event?: Event) => {
    event?.preventDefault();
    const body = input.value.trim();
    if (!body || busy()) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(body);
      input.value = '';
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="composer" onSubmit={(e) => void submit(e)} data-testid={props.testId}>
      <textarea
        ref={(el) => {
          input = el;
          if (props.autofocus) queueMicrotask(() => el.focus());
        }}
        class="input composer-input"
        rows={2}
        maxLength={MAX_COMMENT_CHARS}
        placeholder={props.placeholder}
        aria-label={props.label}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
          if (e.key === 'Escape' && props.onCancel) {
            // Handled: the popover around it stays open (it looks at defaultPrevented).
            e.preventDefault();
            props.onCancel();
          }
        }}
      />
      <div class="composer-actions">
        <Show when={error()}>
          <span class="field-issue field-issue--error" role="alert">
            {error()}
          </span>
        </Show>
        <Show when={props.onCancel}>
          <button type="button" class="button button--small" onClick={() => props.onCancel!()}>
            Cancel
          </button>
        </Show>
        <button type="submit" class="button button--small button--primary" disabled={busy()}>
          {busy() ? 'Sending…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
