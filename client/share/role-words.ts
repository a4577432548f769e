/** How roles read in the Share dialog and the status line. */
import type { Role } from '../../shared/roles.ts';

export const ROLE_WORDS: Record<Role, { name: string; can: string }> = {
  viewer: { name: 'Viewer', can: 'can look' },
  commenter: { name: 'Commenter', can: 'can look and comment' },
  editor: { name: 'Editor', can: 'can edit and build' },
  owner: { name: 'Owner', can: 'can do everything, including sharing' },
};

/** Roles the owner can give to members and links (never "owner"). */
export const GRANTABLE_ROLES = ['viewer', 'commenter', 'editor'] as const;
