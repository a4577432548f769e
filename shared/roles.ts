/**
 * Roles on a configuration and what each may do. The server enforces these on every request and
 * message; the client uses the same table only to hide what would be refused anyway.
 */
export const ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a share link may carry: never owner. */
export const SHARE_ROLES = ['viewer', 'commenter', 'editor'] as const satisfies readonly Role[];
export type ShareRole = (typeof SHARE_ROLES)[number];

export const ACTION_MIN_ROLE = {
  read: 'viewer',
  comment: 'commenter',
  edit: 'editor',
  build: 'editor',
  review: 'editor',
  manageAccess: 'owner',
  delete: 'owner',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTION_MIN_ROLE;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isShareRole(value: unknown): value is ShareRole {
  return typeof value === 'string' && (SHARE_ROLES as readonly string[]).includes(value);
}

export function can(role: Role | null | undefined, action: Action): boolean {
  return !!role && roleRank(role) >= roleRank(ACTION_MIN_ROLE[action]);
}

/** The stronger of two roles (a member who also holds a link gets the better of both). */
export function maxRole(a: Role | null, b: Role | null): Role | null {
  if (!a) return b;
  if (!b) return a;
  return roleRank(a) >= roleRank(b) ? a : b;
}
