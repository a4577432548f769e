/**
 * A build log that follows new lines while you are at the bottom, stops following as soon as you
 * scroll up to read, and follows again when you scroll back down (or press "Follow").
 */
import { createEffect, createSignal, For, on, Show, type JSX } from 'solid-js';
import type { BuildLogLine } from '../app/build-api.ts';

/** Within this distance of the bottom counts as "at the bottom": sub-pixel rounding and a line
 * arriving mid-scroll must not stop the follow. */
export const FOLLOW_SLACK_PX = 24;

export function isAtBottom(el: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = FOLLOW_SLACK_PX): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= slack;
}

function time(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour12: false });
}

export function LogView(props: { lines: readonly BuildLogLine[]; trimmed: number; streaming: boolean }): JSX.Element {
  const [following, setFollowing] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  let box!: HTMLDivElement;

  const toBottom = () => {
    box.scrollTop = box.scrollHeight;
  };
  // Keyed on the last line's seq, not the count: once old lines are trimmed the count stays put.
  createEffect(
    on(
      () => props.lines[props.lines.length - 1]?.seq ?? 0,
      (seq, previous) => {
        // Effects run after the DOM update: the new lines are in, their height is known.
        if (following()) toBottom();
        else if (previous !== undefined && seq > previous) setUnseen((n) => n + seq - previous);
      },
    ),
  );
  const onScroll = () => {
    const bottom = isAtBottom(box);
    if (bottom !== following()) setFollowing(bottom);
    if (bottom) setUnseen(0);
  };

  return (
    <div class="log">
      <div
        class="log-lines"
        ref={box}
        onScroll={onScroll}
        tabindex="0"
        role="log"
        aria-label="Build log"
        aria-live="off"
        data-testid="build-log"
        data-following={following() ? 'true' : 'false'}
      >
        <Show when={props.trimmed > 0}>
          <div class="log-note">{props.trimmed} earlier lines are not shown.</div>
        </Show>
        <For each={props.lines} fallback={<div class="log-note">{props.streaming ? 'Waiting for the builder…' : 'No log lines.'}</div>}>
          {(line) => (
            <div class={`log-line log-line--${line.stream}`} data-seq={line.seq}>
              <span class="log-time" aria-hidden="true">
                {time(line.ts)}
              </span>
              <span class="log-text">{line.line}</span>
            </div>
          )}
        </For>
      </div>
      <Show when={!following()}>
        <button
          type="button"
          class="button button--small log-follow"
          data-testid="log-follow"
          onClick={() => {
            toBottom();
            setFollowing(true);
            setUnseen(0);
          }}
        >
          ↓ Follow{unseen() > 0 ? ` (${unseen()} new)` : ''}
        </button>
      </Show>
    </div>
  );
}
