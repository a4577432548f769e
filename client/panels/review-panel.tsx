/**
 * The Review panel: open a review of the current state (editors), see what it changes from the
 * last approved (or built) state, approve or request changes (commenters and up), see who is
 * here and on which field and follow them, comment on the configuration, and — for the owner —
 * require an approved review before building.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { AppContext } from '../app/app-context.ts';
import { plural } from '../app/words.ts';
import { ThreadList } from '../comments/thread-list.tsx';
import { DiffView } from '../history/diff-view.tsx';
import { PeopleList } from '../review/people-list.tsx';
import { ReviewCard, STATUS_WORDS } from '../review/review-card.tsx';
import type { ReviewCenter } from '../review/review-center.ts';
import type { PanelProps } from '../workspace/panels.tsx';
import { SessionGate } from './session-gate.tsx';

/** Same bound as the server's (server/review/approval-rules.ts), which refuses more. */
const MAX_REQUIRED_APPROVALS = 10;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function OpenReviewForm(props: { onOpen: (title: string) => Promise<unknown>; onCancel: () => void }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let input!: HTMLInputElement;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onOpen(input.value.trim());
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form review-open-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <input
        ref={(el) => {
          input = el;
          queueMicrotask(() => el.focus());
        }}
        class="input" maxLength={200} placeholder="What to review, e.g. Ready for the v1 image" aria-label="Review title" />
      <button type="submit" class="button button--small button--primary" disabled={busy()} data-testid="open-review-submit">
        Open
      </button>
      <button type="button" class="button button--small" onClick={() => props.onCancel()}>
        Cancel
      </button>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}

function ApprovalSetting(props: { center: ReviewCenter; isOwner: boolean }): JSX.Element {
  const { center } = props;
  const [error, setError] = createSignal<string | null>(null);
  const setRequired = async (value: number) => {
    setError(null);
    try {
      await center.reviews.setRequiredApprovals(value);
    } catch (e) {
      setError(message(e));
    }
  };
  const toggle = async (value: boolean) => {
    setError(null);
    try {
      await center.reviews.setRequireApproval(value);
    } catch (e) {
      setError(message(e));
    }
  };
  // The organisation's policy is a floor: what it requires is shown, and nothing looser offered.
  const floor = () => {
    const org = center.reviews.organisation();
    return org?.requireApproval ? org : null;
  };
  return (
    <div class="approval-setting">
      <Show when={floor()}>
        {(org) => (
          <span class="muted" data-testid="org-approval-rule">
            Required by {org().name}: at least {org().requiredApprovals === 1 ? '1 approval' : `${org().requiredApprovals} approvals`} before every build.
          </span>
        )}
      </Show>
      <Show
        when={props.isOwner}
        fallback={
          <Show when={center.reviews.requireApproval()}>
            <span class="muted">Builds need an approved review of the exact state.</span>
          </Show>
        }
      >
        <label class="check" title={floor() ? `${floor()!.name} requires approval; a configuration may only ask for more` : undefined}>
          <input
            type="checkbox"
            checked={center.reviews.requireApproval()}
            disabled={floor() !== null}
            onChange={(e) => void toggle(e.currentTarget.checked)}
            data-testid="require-approval"
          />
          Require an approved review before building
        </label>
        <Show when={center.reviews.requireApproval()}>
          <label class="check">
            Approvals needed
            <input
              class="input input--narrow"
              type="number"
              min={floor()?.requiredApprovals ?? 1}
              max={MAX_REQUIRED_APPROVALS}
              value={center.reviews.requiredApprovals()}
              onChange={(e) => void setRequired(Number(e.currentTarget.value))}
              data-testid="required-approvals"
            />
          </label>
        </Show>
      </Show>
      <Show when={center.reviews.requireApproval()}>
        <span class="approval-state" classList={{ 'approval-state--ok': center.approval.approval()?.ok === true }} data-testid="approval-state">
          {center.approval.approval()?.ok ? '✓ This exact state is approved and can be built.' : (center.approval.blockedReason() ?? '')}
        </span>
      </Show>
      <Show when={error()}>
        <span class="field-issue field-issue--error" role="alert">
          {error()}
        </span>
      </Show>
    </div>
  );
}

function Review(props: { ctx: AppContext; center: ReviewCenter }): JSX.Element {
  const { center } = props;
  const session = center.session;
  const store = center.reviews;
  const [opening, setOpening] = createSignal(false);
  const canOpen = () => session.may('openReview');
  const canDecide = () => session.may('decide');
  const showField = (path: string) => session.requestFocus(path, props.ctx.revealPanel('form'));

  return (
    <>
      <div class="panel-toolbar review-toolbar">
        <Show when={store.reviews().length > 0} fallback={<span class="review-toolbar-title">Reviews</span>}>
          <select
            class="input select review-select"
            aria-label="Review shown"
            value={store.selectedId() ?? ''}
            onChange={(e) => store.select(e.currentTarget.value)}
            data-testid="review-select"
          >
            <For each={store.reviews()}>
              {(r) => (
                <option value={r.id}>
                  {r.title} · {STATUS_WORDS[r.status].toLowerCase()}
                </option>
              )}
            </For>
          </select>
        </Show>
        <span class="top-spacer" />
        <Show when={canOpen() && !opening()}>
          <button type="button" class="button button--small" onClick={() => setOpening(true)} data-testid="open-review">
            Open review
          </button>
        </Show>
      </div>
      <Show when={opening()}>
        <OpenReviewForm
          onCancel={() => setOpening(false)}
          onOpen={async (title) => {
            await store.open(title);
            setOpening(false);
          }}
        />
      </Show>
      <ApprovalSetting center={center} isOwner={session.may('configureReview')} />
      <Show when={store.error()}>
        <p class="field-issue field-issue--error review-error" role="alert">
          {store.error()}
        </p>
      </Show>
      <Show
        when={store.selected()}
        fallback={
          <p class="panel-empty">
            {!store.loaded()
              ? 'Loading reviews…'
              : canOpen()
                ? 'Open a review to freeze this state and ask the others to approve it.'
                : 'Nobody has asked for a review yet.'}
          </p>
        }
      >
        {(review) => (
          <>
            <ReviewCard
              review={review()}
              schema={session.schema}
              now={center.now()}
              canDecide={canDecide()}
              onDecide={(decision, comment) => store.decide(review().id, decision, comment)}
            />
            <Show
              when={review().baseVersionId}
              fallback={
                // A first review has nothing to compare with: every value is "added". Folded.
                <details class="review-section review-contents">
                  <summary class="subhead">
                    Contents under review
                    <Show when={review().diff}>{(diff) => <span class="muted subhead-count">{plural(diff().length, 'value')} · first review</span>}</Show>
                  </summary>
                  <Show when={review().diff} fallback={<p class="muted review-loading">Loading…</p>}>
                    {(diff) => <DiffView entries={diff()} schema={session.schema} empty="The configuration is empty." testId="review-diff" />}
                  </Show>
                </details>
              }
            >
              <section class="review-section" aria-labelledby="review-changes-title">
                <h3 class="subhead" id="review-changes-title">
                  Changes since the last approved state
                  <Show when={review().diff}>{(diff) => <span class="muted subhead-count">{plural(diff().length, 'field')}</span>}</Show>
                </h3>
                <Show when={review().diff} fallback={<p class="muted review-loading">Loading the changes…</p>}>
                  {(diff) => (
                    <DiffView entries={diff()} schema={session.schema} empty="Nothing changed since the last approved state." testId="review-diff" />
                  )}
                </Show>
              </section>
            </Show>
          </>
        )}
      </Show>
      <section class="review-section" aria-labelledby="review-people-title">
        <h3 class="subhead" id="review-people-title">
          People here
        </h3>
        <PeopleList center={center} selfId={props.ctx.user?.id ?? null} onFollow={() => props.ctx.revealPanel('form')} />
      </section>
      <section class="review-section" aria-labelledby="review-comments-title">
        <h3 class="subhead" id="review-comments-title">
          Comments
        </h3>
        <ThreadList center={center} onShowField={showField} />
      </section>
    </>
  );
}

export function ReviewPanel(props: PanelProps): JSX.Element {
  return (
    <div class="panel panel--review">
      <SessionGate ctx={props.ctx}>{(container) => <Review ctx={props.ctx} center={container.review} />}</SessionGate>
    </div>
  );
}
