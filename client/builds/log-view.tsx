/**
 * A build log that follows new lines while you are at the bottom, stops following as soon as you
 * scroll up to read, and follows again when you scroll back down (or press "Follow").
 */
import { createEffect, createMemo, createSignal, For, on, Show, type JSX } from 'solid-js';
import { frameworkAlert } from '../../shared/builds/framework-alerts.ts';
import type { BuildLogLine } from '../app/build-api.ts';
import './log-alerts.css';

/** Alerts listed above the log; the rest are counted (every one stays marked in the log). */
export const MAX_LISTED_ALERTS = 20;

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

function lineAlertClass(text: string): string {
  const alert = frameworkAlert(text);
  return alert ? ` log-line--alert log-line--${alert.level}` : '';
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
  // The framework's own error and warning alerts (`[💥] …`, `[🐳|💥] …` in its container): the
  // lines someone reading a long log needs first.
  const alerts = createMemo(() =>
    props.lines.flatMap((line) => {
      const alert = frameworkAlert(line.line);
      return alert ? [{ ...alert, seq: line.seq }] : [];
    }),
  );
  const showLine = (seq: number) => {
    const el = box.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (!el) return;
    setFollowing(false);
    el.scrollIntoView({ block: 'center' });
    el.focus();
  };
  const onScroll = () => {
    const bottom = isAtBottom(box);
    if (bottom !== following()) setFollowing(bottom);
    if (bottom) setUnseen(0);
  };

  return (
    <div class="log">
      <Show when={alerts().length > 0}>
        <ul class="log-alerts" aria-label="Framework alerts" data-testid="log-alerts">
          <For each={alerts().slice(0, MAX_LISTED_ALERTS)}>
            {(alert) => (
              <li class={`log-alert log-alert--${alert.level}`} data-level={alert.level}>
                <button type="button" class="log-alert-link" title="Show this line in the log" onClick={() => showLine(alert.seq)}>
                  <span class="log-alert-level">{alert.level === 'error' ? 'Error' : 'Warning'}</span> {alert.text}
                </button>
              </li>
            )}
          </For>
          <Show when={alerts().length > MAX_LISTED_ALERTS}>
            <li class="log-alert muted">and {alerts().length - MAX_LISTED_ALERTS} more, marked in the log</li>
          </Show>
        </ul>
      </Show>
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
            <div class={`log-line log-line--${line.stream}${lineAlertClass(line.line)}`} data-seq={line.seq} tabindex="-1">
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
