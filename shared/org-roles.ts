/**
 * Roles in an organisation (architecture.md, "Organisations"): an owner may do everything,
 * including naming other owners and deleting the organisation; an admin manages members, teams,
 * policies and owns every configuration of the organisation; a member holds the organisation's
 * member role on its configurations and whatever teams and direct grants add.
 */
export const ORG_ROLES = ['member', 'admin', 'owner'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export function isOrgRole(value: unknown): value is OrgRole {
  return typeof value === 'string' && (ORG_ROLES as readonly string[]).includes(value);
}

export function orgRoleRank(role: OrgRole): number {
  return ORG_ROLES.indexOf(role);
}

/** Every action on an organisation itself, and the least organisation role that may take it. */
export const ORG_ACTION_MIN_ROLE = {
  /** See the organisation, its members and teams. */
  readOrg: 'member',
  /** Create configurations in it (unless the policy `configCreators` says only admins). */
  createConfig: 'member',
  /** Invite, remove and change members (but not make or unmake owners). */
  manageMembers: 'admin',
  /** Create, rename and delete teams, their members and grants. */
  manageTeams: 'admin',
  /** Change the organisation's policies. */
  managePolicies: 'admin',
  /** Read and export the audit log. */
  readAudit: 'admin',
  /** Name or remove owners; rename or delete the organisation. */
  manageOrg: 'owner',
} as const satisfies Record<string, OrgRole>;
export type OrgAction = keyof typeof ORG_ACTION_MIN_ROLE;

export function orgCan(role: OrgRole | null | undefined, action: OrgAction): boolean {
  return !!role && orgRoleRank(role) >= orgRoleRank(ORG_ACTION_MIN_ROLE[action]);
}
