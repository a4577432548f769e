/**
 * Personal access tokens (for scripts and CI): what each scope lets a token do. A token acts as its
 * owner, capped twice: by the owner's role on the configuration (shared/roles.ts) and by these
 * scopes. Shared with the client, which offers the scopes as checkboxes (security.md, "Personal
 * access tokens").
 */
import type { Action } from './roles.ts';

export const TOKEN_SCOPES = ['read', 'write', 'build', 'review', 'secrets'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Every token secret starts with this, so secret scanners can find leaked ones by pattern. */
export const TOKEN_PREFIX = 'brt_';

/**
 * The scope each action needs. `null`: no scope grants it. Owner-only actions (members and links,
 * review settings, webhooks, the trash) stay with a signed-in person: a script that leaked must not be
 * able to hand out access or delete a configuration.
 */
export const SCOPE_OF_ACTION: Record<Action, TokenScope | null> = {
  read: 'read',
  comment: 'write',
  editOwnComment: 'write',
  edit: 'write',
  build: 'build',
  decide: 'review',
  openReview: 'review',
  // Its own scope, not `write`: a CI token that edits settings need not be able to set the
  // image's root password.
  manageSecrets: 'secrets',
  configureReview: null,
  manageAccess: null,
  // A webhook's URL and secret decide where a configuration's events go: a person's decision.
  manageWebhooks: null,
  delete: null,
  // Where a configuration lives decides who else may see it: a person's decision.
  transfer: null,
};

/** What a person reads next to each checkbox. */
export const SCOPE_WORDS: Record<TokenScope, string> = {
  read: 'Read configurations, history, reviews and builds',
  write: 'Edit configurations and comment',
  build: 'Start, cancel and retry builds; check with Armbian',
  review: 'Open reviews, approve or request changes',
  secrets: 'Set and clear first-boot secrets (never read them back)',
};

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && (TOKEN_SCOPES as readonly string[]).includes(value);
}
