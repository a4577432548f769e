/**
 * Organisations (workspaces), their members, invitations, teams and team grants, and the audit
 * log (architecture.md, "Organisations"). A configuration belongs to one organisation
 * (`configs.org_id`) or to nobody (a personal configuration, `org_id` null).
 *
 * Effective role on a configuration = the highest of (docs/security.md, "Organisations"):
 * - ownership (`configs.owner_id`) and a direct membership (`config_members`);
 * - each team the person is in that holds a grant on the configuration (`team_config_grants`);
 * - the organisation: its owners and admins own every configuration of it; its members get the
 *   organisation's `member_role` (none when null).
 * The one place that computes it is the SQL function `boardroom_effective_role` (migration
 * 0013), so admission, REST and the live re-checks agree.
 *
 * Policies are columns of `organisations`: defaults the configurations of the organisation may
 * only tighten, enforced by the server on every path.
 */
import { sql } from 'drizzle-orm';
import { bigserial, bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth-schema.ts';
import { configs } from './schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** The role every member holds on every configuration of the organisation (viewer | commenter |
   * editor), or null: members see only what they are given directly or through a team. */
  memberRole: text('member_role').default('viewer'),
  /** Policy: builds of every configuration need an approved review (a configuration may only
   * tighten: require it where the organisation does not, or ask for more approvals). */
  requireApproval: boolean('require_approval').notNull().default(false),
  requiredApprovals: integer('required_approvals').notNull().default(1),
  /** Policy: the roles a share link of an organisation configuration may carry. */
  allowedLinkRoles: text('allowed_link_roles').array().notNull().default(sql`'{viewer,commenter,editor}'::text[]`),
  /** Policy: the longest a share link may live, in ms; null: no limit. */
  maxLinkLifetimeMs: bigint('max_link_lifetime_ms', { mode: 'number' }),
  /** Policy: who may create configurations in the organisation: 'members' | 'admins'. */
  configCreators: text('config_creators').notNull().default('members'),
  /** How long audit entries are kept, in days. */
  auditRetentionDays: integer('audit_retention_days').notNull().default(365),
  deletedAt: ts('deleted_at'),
});

/** Organisation roles: owner (everything, including deleting the organisation and naming
 * owners), admin (members, teams, policies, every configuration), member. */
export const orgMembers = pgTable(
  'org_members',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | admin | member */
    role: text('role').notNull(),
    invitedBy: uuid('invited_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('org_members_user_idx').on(t.userId)],
);

/** Invitations into an organisation: the same proof-of-address flow as configuration invitations
 * (a token whose sha256 alone is stored, used once, expiring, revocable). */
export const orgInvitations = pgTable(
  'org_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('org_invitations_token_idx').on(t.tokenHash), index('org_invitations_org_idx').on(t.orgId)],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The role the team is given on each configuration created in (or moved into) the
     * organisation, as a `team_config_grants` row the owner can change or remove; null: none. */
    defaultRole: text('default_role'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('teams_org_name_idx').on(t.orgId, t.name)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)],
);

/** A team's role on one configuration of its organisation. */
export const teamConfigGrants = pgTable(
  'team_config_grants',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    /** viewer | commenter | editor | owner */
    role: text('role').notNull(),
    grantedBy: uuid('granted_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.configId] }), index('team_config_grants_config_idx').on(t.configId)],
);

/**
 * What happened in an organisation (or, with `org_id` null, to a personal configuration): who
 * (`actor_id`, and a label kept when the account is gone), when, from which address, what
 * (`action`, e.g. `member.added`), on what (`config_id`, `target`). Never a secret value.
 * Entries older than the organisation's `audit_retention_days` are deleted by a sweep.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    configId: uuid('config_id'),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label'),
    address: text('address'),
    action: text('action').notNull(),
    target: jsonb('target').notNull().default(sql`'{}'::jsonb`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // Pages go newest first by id (`where org_id = … and id < before order by id desc limit n`,
  // server/audit/audit-store.ts): the index walks backwards from `before`, reading a page's rows
  // and no more. Ids grow with time, so the optional since/until filters stay cheap on it too.
  (t) => [index('audit_log_org_id_idx').on(t.orgId, t.id), index('audit_log_config_id_idx').on(t.configId, t.id)],
);
