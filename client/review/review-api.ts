/**
 * The review part of the REST API (server/review/routes.ts): comment threads, reviews and their
 * decisions, whether the current state may be built, and the review settings. Commenters may
 * comment and decide, editors open reviews, the owner changes the settings.
 */
import type { CommentAnchor } from '../../shared/comment-anchor.ts';
import type { ApprovalView, Decision, OrgReviewRule, ReviewView, ThreadView } from '../../shared/history-types.ts';
import type { ApiCall } from '../app/api.ts';

export type { ApprovalView, Decision, ReviewView, ThreadView };

export interface ReviewSettings {
  requireApproval: boolean;
  /** Approvals that count needed before a build (server/review/approval-rules.ts). */
  requiredApprovals: number;
  /** The organisation's approval policy: a floor these settings may only tighten (null: a
   * personal configuration; absent from older servers). */
  organisation?: OrgReviewRule | null;
}

export interface NewComment {
  body: string;
  /** Absent or null: a comment on the configuration as a whole. */
  anchor?: CommentAnchor | null;
  /** A reply to this thread. */
  threadId?: string;
  reviewId?: string;
}

export interface ReviewApi {
  threads(configId: string, filter?: { path?: string; reviewId?: string; resolved?: boolean }): Promise<ThreadView[]>;
  /** A new thread, or a reply with `threadId`; answers with the whole thread. */
  comment(configId: string, comment: NewComment): Promise<ThreadView>;
  /** Resolve or reopen the comment's thread, or edit the text (its author only). */
  updateComment(configId: string, commentId: string, change: { resolved?: boolean; body?: string; anchor?: CommentAnchor }): Promise<ThreadView>;
  reviews(configId: string): Promise<ReviewView[]>;
  /** One review with the diff from its base. */
  review(configId: string, reviewId: string): Promise<ReviewView>;
  openReview(configId: string, title?: string): Promise<ReviewView>;
  decide(configId: string, reviewId: string, decision: { decision: Decision; comment?: string; contentHash?: string }): Promise<ReviewView>;
  approval(configId: string): Promise<ApprovalView>;
  settings(configId: string): Promise<ReviewSettings>;
  updateSettings(configId: string, settings: Partial<ReviewSettings>): Promise<ReviewSettings>;
}

export function createReviewApi(call: ApiCall): ReviewApi {
  const config = (id: string) => `/api/configs/${encodeURIComponent(id)}`;
  return {
    threads(id, filter = {}) {
      const search = new URLSearchParams();
      if (filter.path !== undefined) search.set('path', filter.path);
      if (filter.reviewId !== undefined) search.set('reviewId', filter.reviewId);
      if (filter.resolved !== undefined) search.set('resolved', String(filter.resolved));
      const text = search.toString();
      return call('GET', `${config(id)}/comments${text ? `?${text}` : ''}`);
    },
    comment: (id, comment) => call('POST', `${config(id)}/comments`, { json: comment }),
    updateComment: (id, commentId, change) => call('PATCH', `${config(id)}/comments/${encodeURIComponent(commentId)}`, { json: change }),
    reviews: (id) => call('GET', `${config(id)}/reviews`),
    review: (id, reviewId) => call('GET', `${config(id)}/reviews/${encodeURIComponent(reviewId)}`),
    openReview: (id, title) => call('POST', `${config(id)}/reviews`, { json: title ? { title } : {} }),
    decide: (id, reviewId, decision) => call('POST', `${config(id)}/reviews/${encodeURIComponent(reviewId)}/decision`, { json: decision }),
    approval: (id) => call('GET', `${config(id)}/approval`),
    settings: (id) => call('GET', `${config(id)}/settings`),
    updateSettings: (id, settings) => call('PUT', `${config(id)}/settings`, { json: settings }),
  };
}
