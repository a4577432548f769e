/**
 * One review: its title and status, who opened it and when, the decisions so far, Approve and
 * Request changes (commenters and up), and — when the configuration moved on — what changed since
 * (prominently when it had been approved: the approval no longer covers what is there).
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { DiffEntry } from '../../shared/config-diff.ts';
import type { Decision, ReviewStatus, ReviewView } from '../../shared/history-types.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { relativeTime } from '../app/words.ts';
import { DiffView } from '../history/diff-view.tsx';

export const STATUS_WORDS: Record<ReviewStatus, string> = {
  open: 'Waiting for review',
  approved: 'Approved',
  changes_requested: 'Changes requested',
};

const short = (hash: string) => hash.slice(0, 10);

function Decisions(props: { review: ReviewView; now: number }): JSX.Element {
  return (
    <ul class="decisions" aria-label="Decisions">
      <For each={props.review.decisions}>
        {(d) => (
          <li class={`decision decision--${d.decision}`}>
            <span class="decision-mark" aria-hidden="true">
              {d.decision === 'approve' ? '✓' : '✎'}
            </span>
            <span>
              <strong>{d.by.name}</strong> {d.decision === 'approve' ? 'approved' : 'requested changes'}{' '}
              <time class="muted" dateTime={d.at} title={new Date(d.at).toLocaleString()}>
                {relativeTime(d.at, props.now)}
              </time>
              <Show when={d.comment}>
                <span class="decision-comment">“{d.comment}”</span>
              </Show>
              <Show when={d.counts === false && d.notCounted}>
                {(why) => (
                  <span class="decision-not-counted" data-testid="approval-not-counted" data-code={why().code}>
                    Does not count: {why().reason}.
                  </span>
                )}
              </Show>
            </span>
          </li>
        )}
      </For>
    </ul>
  );
}

function DecisionForm(props: { review: ReviewView; onDecide: (decision: Decision, comment: string) => Promise<unknown> }): JSX.Element {
  const [busy, setBusy] = createSignal<Decision | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let note!: HTMLInputElement;
  const decide = async (decision: Decision) => {
    setBusy(decision);
    setError(null);
    try {
      await props.onDecide(decision, note.value.trim());
      note.value = '';
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="decision-form" role="group" aria-label="Your decision">
      <input ref={note} class="input" maxLength={10_000} placeholder="A note with your decision (optional)" aria-label="Note with your decision" />
      <div class="decision-buttons">
        <button type="button" class="button button--small button--approve" disabled={!!busy()} onClick={() => void decide('approve')} data-testid="approve-button">
          {busy() === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" class="button button--small" disabled={!!busy()} onClick={() => void decide('request_changes')} data-testid="request-changes-button">
          {busy() === 'request_changes' ? 'Sending…' : 'Request changes'}
        </button>
      </div>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}

export function ReviewCard(props: {
  review: ReviewView & { diff?: DiffEntry[] };
  schema: ConfigSchema;
  now: number;
  canDecide: boolean;
  onDecide: (decision: Decision, comment: string) => Promise<unknown>;
}): JSX.Element {
  const review = () => props.review;
  return (
    <div class="review-card" data-testid="review-card" data-review={review().id} data-status={review().status} data-changed-since-approval={String(review().changedSinceApproval)}>
      <div class="review-head">
        <span class="review-title">{review().title}</span>
        <span class={`badge review-status review-status--${review().status}`} data-testid="review-status">
          {STATUS_WORDS[review().status]}
        </span>
      </div>
      <p class="review-meta muted">
        Opened by {review().openedBy.name} ·{' '}
        <time dateTime={review().openedAt} title={new Date(review().openedAt).toLocaleString()}>
          {relativeTime(review().openedAt, props.now)}
        </time>{' '}
        · reviews <code title={`Content hash ${review().contentHash}`}>{short(review().contentHash)}</code>
      </p>
      <Show when={review().changedSinceApproval}>
        <div class="review-alert" role="status" data-testid="changed-since-approval">
          <p class="review-alert-title">Changed since approval</p>
          <p class="review-alert-text">
            The approval covers <code>{short(review().contentHash)}</code>; the configuration is now <code>{short(review().current.contentHash)}</code>. Open a new
            review to approve what is there now.
          </p>
          <DiffView entries={review().changesSinceReview} schema={props.schema} empty="" testId="changes-since-approval" />
        </div>
      </Show>
      <Show when={!review().changedSinceApproval && review().current.changed}>
        <details class="review-moved">
          <summary>The configuration changed since this review was opened ({review().changesSinceReview.length})</summary>
          <DiffView entries={review().changesSinceReview} schema={props.schema} empty="" />
        </details>
      </Show>
      <Show when={review().decisions.length > 0}>
        <Decisions review={review()} now={props.now} />
      </Show>
      <Show when={review().approvals}>
        {(a) => (
          <p class="review-approvals muted" data-testid="review-approvals">
            {a().counted} of {a().required} {a().required === 1 ? 'approval' : 'approvals'} counted · approvals count from signed-in members other than
            the opener and the people who changed this content
          </p>
        )}
      </Show>
      <Show when={props.canDecide}>
        <DecisionForm review={review()} onDecide={props.onDecide} />
      </Show>
    </div>
  );
}
