/**
 * Where a new configuration goes (docs/architecture.md, "Organisations"): personal (no
 * organisation) or an organisation the creator may create in. One decision for `POST
 * /api/configs`, the import and the move (`move-config.ts`), and the one statement that gives
 * an organisation's teams their default role on a configuration that arrives in it.
 */
import { sql } from 'drizzle-orm';
import { orgCan } from '../../shared/org-roles.ts';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../http-errors.ts';
import { unknownOrganisation } from './org-access.ts';
import type { OrgStore } from './org-store.ts';

/**
 * May `userId` create configurations in `orgId`? Resolves with the organisation id; 404 for an
 * organisation they are not in (another tenant's id is no oracle), 403 naming the reason when
 * their role may not (the `configCreators` policy says admins only).
 */
export async function requireCreateIn(orgs: Pick<OrgStore, 'roleOf' | 'get'>, userId: string, orgId: string): Promise<string> {
  const role = await orgs.roleOf(orgId, userId);
  if (!role) throw unknownOrganisation();
  if (!orgCan(role, 'createConfig')) throw new ApiError(403, 'forbidden', `your organisation role (${role}) may not create configurations`);
  const org = await orgs.get(orgId);
  if (!org) throw unknownOrganisation();
  if (org.policies.configCreators === 'admins' && !orgCan(role, 'manageMembers')) {
    throw new ApiError(403, 'forbidden', "the organisation's policy config_creators is 'admins': only its admins and owners may create configurations in it");
  }
  return orgId;
}

/** Reads the optional `orgId` of a create request: absent or null is personal. */
export function orgIdOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0) throw new ApiError(422, 'validation_failed', 'orgId must be an organisation id or null', [{ path: '/orgId', message: 'expected a string or null', keyword: 'type' }]);
  return value;
}

/** What `storage.createConfig` is given for a create request's `orgId`: nothing for a personal
 * configuration; the organisation and its teams' default grants otherwise (after the checks). */
export async function placementOf(
  orgs: Pick<OrgStore, 'roleOf' | 'get'>,
  userId: string,
  requested: unknown,
): Promise<{ orgId?: string; inTransaction?: (tx: Db, config: { id: string }) => Promise<void> }> {
  const wanted = orgIdOf(requested);
  if (wanted === null) return {};
  const orgId = await requireCreateIn(orgs, userId, wanted);
  return {
    orgId,
    inTransaction: async (tx, config) => {
      await holdLiveOrg(tx, orgId);
      await applyTeamDefaults(tx, config.id, orgId);
    },
  };
}

/**
 * Holds the organisation's row (FOR KEY SHARE) until the creating transaction ends, or throws
 * 404 when it was deleted meanwhile. The checks above ran before the transaction, and the
 * organisation's deletion (`OrgMembers.softDelete`) counts its configurations under FOR UPDATE on
 * the same row: a creation whose insert came first makes the deletion wait and then count it (409
 * org_not_empty); a deletion that came first makes this wait for its commit, and the statement then
 * reads the row as deleted, so the configuration is rolled back instead of landing in a deleted
 * organisation (issue #20, the creation race).
 */
export async function holdLiveOrg(tx: Db, orgId: string): Promise<void> {
  const live = await tx.execute(sql`SELECT 1 FROM organisations WHERE id = ${orgId}::uuid AND deleted_at IS NULL FOR KEY SHARE`);
  const found = ((live as { rows?: unknown[] }).rows ?? (live as unknown as unknown[])).length;
  if (found === 0) throw unknownOrganisation();
}

/** Each team of `orgId` with a default role gets that role on `configId` (a grant the owner may
 * change or remove later). Run inside the transaction that places the configuration. */
export async function applyTeamDefaults(tx: Db, configId: string, orgId: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO team_config_grants (team_id, config_id, org_id, role)
    SELECT t.id, ${configId}::uuid, t.org_id, t.default_role FROM teams t
    WHERE t.org_id = ${orgId}::uuid AND t.default_role IS NOT NULL
    ON CONFLICT (team_id, config_id) DO UPDATE SET role = excluded.role, org_id = excluded.org_id`);
}
