/**
 * Accounts, sessions, per-configuration roles, invitations and share links. Secrets (session,
 * invitation and share tokens) are stored only as sha256 hashes: a copied row lets nobody in.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './bytea.ts';
import { configs } from './schema.ts';
import { tenantOrgId } from './tenant-column.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased; unique. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url); null for accounts that only sign in with GitHub. */
    passwordHash: text('password_hash'),
    githubId: text('github_id'),
    /** Instance admin (docs/security.md, "Instance admins"); never from signing up. */
    isAdmin: boolean('is_admin').notNull().default(false),
    /** Why `isAdmin`: 'grant' (the operator's `npm run admin -- grant`) or 'list' (an ADMIN_EMAILS
     * address whose owner opened its proof link); a 'list' admin whose address leaves the list
     * stops being admin at the next start. Null when not admin. */
    adminVia: text('admin_via'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email), uniqueIndex('users_github_idx').on(t.githubId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** sha256 (hex) of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token_idx').on(t.tokenHash)],
);

export const configMembers = pgTable(
  'config_members',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | editor | commenter | viewer */
    role: text('role').notNull(),
    invitedBy: uuid('invited_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.userId] }), index('config_members_user_idx').on(t.userId)],
);

/**
 * Invitations: a role on a configuration offered to whoever opens the link (the email is where it
 * was sent and what the owner sees). Only the token's sha256 is stored; an invitation is used at
 * most once (`accepted_at`), and is void after `expires_at` or `revoked_at`.
 */
export const configInvitations = pgTable(
  'config_invitations',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    id: uuid('id').primaryKey().defaultRandom(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    /** Lower-cased; where the link was (or is to be) sent. Not required to match the accepting account. */
    email: text('email').notNull(),
    role: text('role').notNull(),
    /** sha256 (hex) of the invitation token. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('config_invitations_token_idx').on(t.tokenHash), index('config_invitations_config_idx').on(t.configId)],
);

export const shareLinks = pgTable(
  'share_links',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    id: uuid('id').primaryKey().defaultRandom(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    /** sha256 (hex) of the token. */
    tokenHash: text('token_hash').notNull(),
    /** viewer | commenter | editor */
    role: text('role').notNull(),
    /** live: the configuration as it changes; snapshot: a frozen copy, read-only. */
    kind: text('kind').notNull().default('live'),
    label: text('label'),
    expiresAt: ts('expires_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    uses: integer('uses').notNull().default(0),
    /** For snapshot links: the frozen configuration and notes. */
    snapshotJson: jsonb('snapshot_json'),
    snapshotState: bytea('snapshot_state'),
  },
  (t) => [
    uniqueIndex('share_links_token_idx').on(t.tokenHash),
    index('share_links_config_idx')
      .on(t.configId)
      .where(sql`revoked_at is null`),
  ],
);

/**
 * Personal access tokens for scripts (security.md, "Personal access tokens"). The secret is
 * `brt_<public_id>_<secret>`; only sha256 of the secret part is stored, and rows are found by
 * `public_id` (unique), so a lookup is one index probe and the hash is compared in constant time.
 * A token acts as its owner, capped by `scopes` and, when set, by `config_ids`.
 */
export const accessTokens = pgTable(
  'access_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The visible part of the token (`brt_<public_id>_…`): shown in lists, found by the index. */
    publicId: text('public_id').notNull(),
    /** sha256 (hex) of the secret part; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    /** read | write | build | review (shared/token-scopes.ts). */
    scopes: text('scopes').array().notNull(),
    /** The configurations the token may reach; null: every configuration its owner can reach. */
    configIds: uuid('config_ids').array(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    lastUsedAt: ts('last_used_at'),
    lastUsedAddress: text('last_used_address'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('access_tokens_public_id_idx').on(t.publicId), index('access_tokens_user_idx').on(t.userId)],
);

/**
 * One row counting changes to what an access decision reads (memberships, links, sessions,
 * configuration ownership, organisations, admins). Constraint triggers advance it when such a
 * change commits, in the same transaction (migration 0017), so the steady access re-check can
 * tell "nothing changed since my last full read" with one tiny query (docs/architecture.md,
 * "Access").
 */
export const accessGeneration = pgTable('access_generation', {
  /** Always true: the table holds one row. */
  id: boolean('id').primaryKey().default(true),
  n: bigint('n', { mode: 'number' }).notNull().default(0),
});
