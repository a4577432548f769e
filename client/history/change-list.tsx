/**
 * The change log as a compact timeline: the field, what changed (text as what was inserted and
 * deleted where, other values before → after), who and when. An edit still going on shows as
 * "editing…" until its final entry arrives.
 */
import { For, Show, type JSX } from 'solid-js';
import type { ChangeView } from '../../shared/history-types.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { relativeTime } from '../app/words.ts';
import { isPending, type TimelineEntry } from './timeline.ts';
import { TextEdits } from './text-edits.tsx';
import { ValueChange } from './value-change.tsx';
import { editsOfEntry, fieldTitle, NOTES_PATH, SECRET_OP_WORDS, secretOfPath, sourceWords } from './value-format.ts';

function Meta(props: { entry: TimelineEntry; now: number }): JSX.Element {
  const entry = () => props.entry;
  const at = () => (isPending(entry()) ? entry().startedAt : (entry() as { at: string }).at);
  const coauthors = () => (isPending(entry()) ? [] : ((entry() as { coauthors?: { name: string }[] }).coauthors ?? []));
  return (
    <span class="change-meta">
      <span class="change-author">{entry().author.name}</span>
      <Show when={coauthors().length > 0}>
        <span> with {coauthors().map((p) => p.name).join(', ')}</span>
      </Show>
      {' · '}
      <time dateTime={at()} title={new Date(at()).toLocaleString()}>
        {relativeTime(at(), props.now)}
      </time>
      <Show when={sourceWords(entry().source)}>{(words) => <span> · {words()}</span>}</Show>
    </span>
  );
}

export function ChangeList(props: {
  entries: readonly TimelineEntry[];
  schema: ConfigSchema;
  now: number;
  /** Show only this field's history (null when already filtered). */
  onFilter: ((path: string) => void) | null;
}): JSX.Element {
  return (
    <ol class="timeline" aria-label="Changes, newest first" data-testid="history-timeline">
      <For each={props.entries}>
        {(entry) => (
          <li class="change" classList={{ 'change--pending': isPending(entry) }} data-path={entry.path} data-entry={entry.id}>
            <span class="change-head">
              <Show when={props.onFilter && entry.path !== NOTES_PATH && !secretOfPath(entry.path)} fallback={<span class="change-field">{fieldTitle(props.schema, entry.path)}</span>}>
                <button
                  type="button"
                  class="change-field change-field--link"
                  title={`Show only the history of ${fieldTitle(props.schema, entry.path)}`}
                  onClick={() => props.onFilter!(entry.path)}
                >
                  {fieldTitle(props.schema, entry.path)}
                </button>
              </Show>
              <Show when={!isPending(entry)} fallback={<span class="change-note muted">editing…</span>}>
                <Show
                  when={editsOfEntry(entry as ChangeView)}
                  fallback={
                    <Show when={entry.path !== NOTES_PATH} fallback={<span class="change-note muted">edited</span>}>
                      {/* A secret's entry has no value, only what was done. */}
                      <Show when={!secretOfPath(entry.path)} fallback={<span class="change-note muted">{SECRET_OP_WORDS[(entry as ChangeView).op] ?? 'changed'}</span>}>
                        <ValueChange before={(entry as ChangeView).before} after={(entry as ChangeView).after} />
                      </Show>
                    </Show>
                  }
                >
                  {(edits) => <TextEdits edits={edits()} />}
                </Show>
              </Show>
            </span>
            <Meta entry={entry} now={props.now} />
          </li>
        )}
      </For>
    </ol>
  );
}
