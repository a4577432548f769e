/**
 * Beside a field's label: its open comment threads (a badge that opens them), its history, and on
 * hover who changed it last and when. Renders nothing outside a decorated form. The buttons are a
 * toolbar in the row's roving group of actions (client/fields/field-actions.ts): not Tab stops
 * beside an editable control, the row's one Tab stop in a read-only form.
 */
import { createUniqueId, Show, splitProps, useContext, type JSX } from 'solid-js';
import { relativeTime } from '../app/words.ts';
import { FIELD_ACTION_ATTR } from '../fields/field-actions.ts';
import { sourceWords } from '../history/value-format.ts';
import { FormDecorationsContext, type FormDecorations } from './form-decorations.tsx';

function CommentIcon(): JSX.Element {
  return (
    <svg class="aside-icon" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M2.5 3h11a1 1 0 0 1 1 1v6.5a1 1 0 0 1-1 1H7l-3.5 2.8v-2.8h-1a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
    </svg>
  );
}

function HistoryIcon(): JSX.Element {
  return (
    <svg class="aside-icon" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.4" />
      <path d="M8 4.6V8l2.4 1.6" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
    </svg>
  );
}

/**
 * A button that keeps working inside the form's disabled fieldset (viewers and commenters see a
 * read-only form, yet read history and comment): a focusable span with the button role, which
 * the fieldset does not disable the way it disables a <button>.
 */
function AsideButton(props: JSX.HTMLAttributes<HTMLSpanElement> & { onPress: (element: HTMLElement) => void; tabStop: boolean }): JSX.Element {
  const [local, rest] = splitProps(props, ['onPress', 'children', 'tabStop']);
  return (
    <span
      {...rest}
      {...{ [FIELD_ACTION_ATTR]: '' }}
      role="button"
      tabIndex={local.tabStop ? 0 : -1}
      onClick={(event) => local.onPress(event.currentTarget)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          local.onPress(event.currentTarget);
        }
      }}
    >
      {local.children}
    </span>
  );
}

function Aside(props: { decorations: FormDecorations; pointer: string; title: string }): JSX.Element {
  const { center } = props.decorations;
  const session = center.session;
  const tipId = createUniqueId();
  const count = () => center.comments.counts().get(props.pointer) ?? 0;
  const last = () => center.lastChanges.all()[props.pointer];
  const lastWords = () => {
    const change = last();
    if (!change) return null;
    const how = sourceWords(change.source);
    return `Last changed by ${change.author.name} · ${relativeTime(change.at, center.now())}${how ? ` (${how})` : ''}`;
  };
  const canComment = () => session.may('comment');
  const showComments = () => count() > 0 || canComment();
  // With the control disabled, the row's first action is its Tab stop (see field-actions.ts).
  const readOnly = () => !session.may('edit');
  const commentsLabel = () =>
    count() === 0 ? `Comment on ${props.title}` : `Comments on ${props.title}: ${count()} open thread${count() === 1 ? '' : 's'}`;
  return (
    <span class="field-aside" role="toolbar" aria-label={`${props.title}: comments and history`}>
      <Show when={showComments()}>
        <AsideButton
          tabStop={readOnly()}
          class="aside-button field-comments"
          classList={{ 'field-comments--open': count() > 0 }}
          aria-label={commentsLabel()}
          title={commentsLabel()}
          aria-haspopup="dialog"
          aria-expanded={props.decorations.commentsOpenFor() === props.pointer}
          data-testid="comment-badge"
          data-count={count()}
          onPress={(element) => props.decorations.openComments(props.pointer, props.title, element)}
        >
          <CommentIcon />
          <Show when={count() > 0}>
            <span class="field-comments-count">{count()}</span>
          </Show>
        </AsideButton>
      </Show>
      <AsideButton
        tabStop={readOnly() && !showComments()}
        class="aside-button field-history"
        aria-label={`History of ${props.title}`}
        aria-describedby={lastWords() ? tipId : undefined}
        data-testid="field-history"
        onPress={() => props.decorations.showHistory(props.pointer)}
      >
        <HistoryIcon />
      </AsideButton>
      <Show when={lastWords()}>
        <span class="field-last-change" role="tooltip" id={tipId} data-testid="field-last-change">
          {lastWords()}
        </span>
      </Show>
    </span>
  );
}

export function FieldAside(props: { pointer: string; title: string }): JSX.Element {
  const decorations = useContext(FormDecorationsContext);
  return <Show when={decorations}>{(d) => <Aside decorations={d()} pointer={props.pointer} title={props.title} />}</Show>;
}
