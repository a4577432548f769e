/**
 * The tenant of a row (issue #20 item 4, "isolation you can prove"): every table that holds a
 * configuration's data carries the organisation of that configuration in `org_id` (null: a
 * personal configuration). The column is never written by the application: a trigger of
 * migration 0014 copies it from `configs.org_id` on insert (from the parent row for tables keyed
 * by a build, matrix, review, webhook or delivery) and `boardroom_move_config_rows` rewrites it
 * when a configuration moves organisation. Row-Level Security policies on these tables compare it
 * with the tenant of the transaction (server/db/tenant.ts). No foreign key: the trigger keeps it
 * equal to the configuration's, and a key would add a lookup to every edit's INSERT.
 */
import { uuid } from 'drizzle-orm/pg-core';

export const tenantOrgId = () => uuid('org_id');

/** Tables whose rows belong to one configuration, keyed directly by `config_id`. */
export const CONFIG_TENANT_TABLES = [
  'doc_updates',
  'doc_snapshots',
  'config_members',
  'config_invitations',
  'share_links',
  'build_jobs',
  'build_matrices',
  'file_blobs',
  'change_log',
  'config_versions',
  'comments',
  'reviews',
  'config_secrets',
  'webhooks',
] as const;

/** Tables keyed by a parent row of a configuration: [table, its key column, parent table]. */
export const CHILD_TENANT_TABLES = [
  ['build_logs', 'build_id', 'build_jobs'],
  ['build_artifacts', 'build_id', 'build_jobs'],
  ['build_matrix_cells', 'matrix_id', 'build_matrices'],
  ['review_decisions', 'review_id', 'reviews'],
  ['webhook_deliveries', 'webhook_id', 'webhooks'],
  ['webhook_attempts', 'delivery_id', 'webhook_deliveries'],
] as const;

/** Organisation tables (org_id since 0013, not null except audit_log's personal entries) that
 * Row-Level Security also covers, with `configs` itself and `organisations` (keyed by `id`). */
export const ORG_TENANT_TABLES = ['org_members', 'org_invitations', 'teams', 'team_members', 'team_config_grants', 'audit_log'] as const;

/** Every table under a tenant policy. */
export const TENANT_TABLES = ['configs', 'organisations', ...CONFIG_TENANT_TABLES, ...CHILD_TENANT_TABLES.map(([t]) => t), ...ORG_TENANT_TABLES] as const;
