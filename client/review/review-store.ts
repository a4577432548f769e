/**
 * The reviews of the open configuration: the list (each with its status and whether the
 * configuration moved on since), the one shown in the Review panel with the diff from its base,
 * opening a review, deciding, and the "require approval before build" setting. Kept current from
 * `review` and `settings` events, and read again after edits (the server says whether the content
 * still matches what was reviewed).
 */
import { batch, createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { DiffEntry } from '../../shared/config-diff.ts';
import type { Decision, OrgReviewRule, ReviewView } from '../../shared/history-types.ts';
import type { ReviewApi } from './review-api.ts';

export interface ReviewStore {
  reviews: Accessor<ReviewView[]>;
  loaded: Accessor<boolean>;
  error: Accessor<string | null>;
  /** The review shown: the one chosen, else the newest. */
  selectedId: Accessor<string | null>;
  select(id: string | null): void;
  /** The shown review, with `diff` once it has been read. */
  selected: Accessor<(ReviewView & { diff?: DiffEntry[] }) | null>;
  requireApproval: Accessor<boolean>;
  /** How many approvals that count a build needs. */
  requiredApprovals: Accessor<number>;
  open(title: string): Promise<ReviewView>;
  decide(reviewId: string, decision: Decision, comment: string): Promise<ReviewView>;
  setRequireApproval(value: boolean): Promise<void>;
  setRequiredApprovals(value: number): Promise<void>;
  apply(review: ReviewView): void;
  applySettings(requireApproval: boolean, requiredApprovals?: number, organisation?: OrgReviewRule | null): void;
  /** The organisation's approval policy, which the settings may only tighten (null: none). */
  organisation: Accessor<OrgReviewRule | null>;
  /** Reads the reviews and the settings again. */
  refresh(): Promise<void>;
  /** Reads the reviews again (after edits: whether each still matches what is there now). */
  refreshReviews(): Promise<void>;
}

/** Newest first, one copy per id (the latest one given). */
export function upsertReview(list: readonly ReviewView[], review: ReviewView): ReviewView[] {
  // The list holds reviews without their diff (kept apart: it never changes).
  const plain: ReviewView = { ...review };
  delete plain.diff;
  const rest = list.filter((r) => r.id !== review.id);
  return [...rest, plain].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
}

/** Call inside a reactive root: it reads the diff of the review shown when that changes. */
export function createReviewStore(api: ReviewApi, configId: string, isDestroyed: () => boolean): ReviewStore {
  const [reviews, setReviews] = createSignal<ReviewView[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [chosen, setChosen] = createSignal<string | null>(null);
  /** Base → reviewed state per review: fixed once the review exists, so read once. */
  const [diffs, setDiffs] = createSignal<ReadonlyMap<string, DiffEntry[]>>(new Map());
  const [requireApproval, setRequireApprovalSignal] = createSignal(false);
  const [requiredApprovals, setRequiredApprovalsSignal] = createSignal(1);
  const [organisation, setOrganisation] = createSignal<OrgReviewRule | null>(null);
  const applySettings = (value: boolean, required?: number, org?: OrgReviewRule | null) =>
    batch(() => {
      setRequireApprovalSignal(value);
      if (required !== undefined) setRequiredApprovalsSignal(required);
      if (org !== undefined) setOrganisation(org);
    });
  const asked = new Set<string>();

  const selectedId = () => {
    const id = chosen();
    return id && reviews().some((r) => r.id === id) ? id : (reviews()[0]?.id ?? null);
  };
  const loadDiff = (id: string): void => {
    if (asked.has(id)) return;
    asked.add(id);
    api.review(configId, id).then(
      (review) => {
        if (isDestroyed()) return;
        batch(() => {
          setDiffs((map) => new Map(map).set(id, review.diff ?? []));
          setReviews((list) => upsertReview(list, review));
        });
      },
      (e: unknown) => {
        asked.delete(id);
        if (!isDestroyed()) setError(e instanceof Error ? e.message : String(e));
      },
    );
  };
  const apply = (review: ReviewView): void => {
    if (review.diff) setDiffs((map) => new Map(map).set(review.id, review.diff!));
    setReviews((list) => upsertReview(list, review));
  };

  const failed = (e: unknown) => {
    if (!isDestroyed()) setError(e instanceof Error ? e.message : String(e));
  };
  const loadReviews = async (): Promise<void> => {
    try {
      const list = await api.reviews(configId);
      if (isDestroyed()) return;
      batch(() => {
        setReviews([...list].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt)));
        setError(null);
      });
    } catch (e) {
      failed(e);
    } finally {
      if (!isDestroyed()) setLoaded(true);
    }
  };
  const loadSettings = async (): Promise<void> => {
    try {
      const settings = await api.settings(configId);
      if (!isDestroyed()) applySettings(settings.requireApproval, settings.requiredApprovals, settings.organisation);
    } catch (e) {
      failed(e);
    }
  };

  createEffect(
    on(selectedId, (id) => {
      if (id) loadDiff(id);
    }),
  );

  return {
    reviews,
    loaded,
    error,
    selectedId,
    select: setChosen,
    selected() {
      const id = selectedId();
      const review = id ? reviews().find((r) => r.id === id) : undefined;
      if (!review) return null;
      const diff = diffs().get(review.id);
      return diff ? { ...review, diff } : review;
    },
    requireApproval,
    requiredApprovals,
    organisation,
    async open(title) {
      const review = await api.openReview(configId, title || undefined);
      if (!isDestroyed()) {
        batch(() => {
          apply(review);
          // Show the review just opened.
          setChosen(null);
        });
      }
      return review;
    },
    async decide(reviewId, decision, comment) {
      const review = reviews().find((r) => r.id === reviewId);
      const answer = await api.decide(configId, reviewId, { decision, ...(comment ? { comment } : {}), ...(review ? { contentHash: review.contentHash } : {}) });
      if (!isDestroyed()) apply(answer);
      return answer;
    },
    async setRequireApproval(value) {
      const answer = await api.updateSettings(configId, { requireApproval: value });
      if (!isDestroyed()) applySettings(answer.requireApproval, answer.requiredApprovals, answer.organisation);
    },
    async setRequiredApprovals(value) {
      const answer = await api.updateSettings(configId, { requiredApprovals: value });
      if (!isDestroyed()) applySettings(answer.requireApproval, answer.requiredApprovals, answer.organisation);
    },
    apply,
    applySettings,
    async refresh() {
      await Promise.all([loadReviews(), loadSettings()]);
    },
    refreshReviews: () => loadReviews(),
  };
}
