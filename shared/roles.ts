/**
 * Roles on a configuration and what each may do. The server enforces these on every request and
 * message; the client uses the same table only to hide what would be refused anyway.
 */
export const ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a share link may carry: never owner. */
export const SHARE_ROLES = ['viewer', 'commenter', 'editor'] as const satisfies readonly Role[];
export type ShareRole = (typeof SHARE_ROLES)[number];

/**
 * Every action a person may take on a configuration, and the least role that may take it. The
 * server decides with this table in one place (`server/access/policy.ts`, architecture.md,
 * "Access"); the client asks the same table (`may(action)` on the configuration session) only to
 * hide what would be refused anyway.
 */
export const ACTION_MIN_ROLE = {
  /** Open the document, its history, reviews, comments and builds. */
  read: 'viewer',
  /** Start or reply to a comment thread, resolve or reopen one. */
  comment: 'commenter',
  /** Change the text of a comment: a commenter, and only its author. */
  editOwnComment: 'commenter',
  /** Approve a review or request changes (what a commenter link is for). */
  decide: 'commenter',
  /** Change the document (sync updates, REST writes, versions, restores). */
  edit: 'editor',
  /** Start, cancel or retry a build; check the framework. */
  build: 'editor',
  /** Open a review of the current state. */
  openReview: 'editor',
  /** Whether builds need approval, and how many. */
  configureReview: 'owner',
  /** Members, invitations and share links. */
  manageAccess: 'owner',
  /** First-boot secrets (root password, user password, Wi-Fi passphrase): see which are set, set,
   * replace or clear them; nobody ever reads a value back. People only: a share link never may
   * (server/access/policy.ts, `PERSON_ONLY_ACTIONS`). */
  manageSecrets: 'editor',
  /** Webhooks: their URLs and signing secrets, and their delivery log. */
  manageWebhooks: 'owner',
  /** Move the configuration to the trash and back. */
  delete: 'owner',
  /** Move the configuration into an organisation, out of one, or between two (the organisation
   * roles asked for on top: server/orgs/move-config.ts). */
  transfer: 'owner',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTION_MIN_ROLE;

/** Actions a role held through a share link never grants: only members (and their tokens) may. A
 * link is passed around; the image's passwords are not for whoever holds it. */
export const PERSON_ONLY_ACTIONS: ReadonlySet<Action> = new Set<Action>(['manageSecrets']);
export const ACTIONS = Object.keys(ACTION_MIN_ROLE) as Action[];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isShareRole(value: unknown): value is ShareRole {
  return typeof value === 'string' && (SHARE_ROLES as readonly string[]).includes(value);
}

/** What the role alone allows; conditions beyond the role (authorship) are the policy's. */
export function can(role: Role | null | undefined, action: Action): boolean {
  return !!role && roleRank(role) >= roleRank(ACTION_MIN_ROLE[action]);
}

/** The stronger of two roles (a member who also holds a link gets the better of both). */
export function maxRole(a: Role | null, b: Role | null): Role | null {
  if (!a) return b;
  if (!b) return a;
  return roleRank(a) >= roleRank(b) ? a : b;
}
