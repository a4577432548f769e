/**
 * Moving a configuration into an organisation, out of one, or between two (issue #20 item 7).
 * Everything the configuration has (history, comments, reviews, builds, links, direct members)
 * is keyed by the configuration and stays; what changes is `configs.org_id` and, with it, who
 * holds a role through the organisation and its teams.
 *
 * Who may: the configuration's owner (`transfer`, checked by the route), who may also create
 * configurations in the target organisation; taking it out of an organisation also needs an
 * admin or owner of that organisation (it leaves the organisation's control).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { organisations, teamConfigGrants } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { orgCan } from '../../shared/org-roles.ts';
import type { Db } from '../db/connect.ts';
import { ApiError, notFound } from '../http-errors.ts';
import { applyTeamDefaults, requireCreateIn } from './config-placement.ts';
import type { OrgStore } from './org-store.ts';

export interface MoveResult {
  configId: string;
  from: string | null;
  to: string | null;
  /** False when it already was where it was asked to go. */
  moved: boolean;
}

export interface MoveDeps {
  db: Db;
  orgs: Pick<OrgStore, 'roleOf' | 'get'>;
}

const moved = () => new ApiError(409, 'conflict', 'the configuration was moved meanwhile; reload and try again');

export async function moveConfig(deps: MoveDeps, input: { configId: string; to: string | null; actorId: string }): Promise<MoveResult> {
  const { configId, to, actorId } = input;
  const [current] = await deps.db.select({ orgId: configs.orgId }).from(configs).where(and(eq(configs.id, configId), isNull(configs.deletedAt)));
  if (!current) throw notFound();
  const from = current.orgId;
  if (from === to) return { configId, from, to, moved: false };
  if (from !== null) {
    const role = await deps.orgs.roleOf(from, actorId);
    if (!orgCan(role, 'manageMembers')) {
      throw new ApiError(403, 'forbidden', "moving a configuration out of its organisation needs an admin or owner of that organisation");
    }
  }
  if (to !== null) await requireCreateIn(deps.orgs, actorId, to);

  await deps.db.transaction(async (tx) => {
    const [row] = await tx.select({ orgId: configs.orgId }).from(configs).where(and(eq(configs.id, configId), isNull(configs.deletedAt))).for('update');
    if (!row) throw notFound();
    if (row.orgId !== from) throw moved();
    if (to !== null) {
      // The lock an organisation's deletion takes (org-members.ts `softDelete`): it cannot be
      // deleted under a configuration arriving in it.
      const [org] = await tx.select({ id: organisations.id }).from(organisations).where(and(eq(organisations.id, to), isNull(organisations.deletedAt))).for('update');
      if (!org) throw new ApiError(404, 'not_found', 'unknown organisation');
    }
    await tx.update(configs).set({ orgId: to }).where(eq(configs.id, configId));
    // The old organisation's teams lose what they held on it; the new one's get their defaults.
    await tx.delete(teamConfigGrants).where(eq(teamConfigGrants.configId, configId));
    if (to !== null) await applyTeamDefaults(tx, configId, to);
    // Rows of other tables that carry the configuration's organisation follow here, in this
    // transaction (the row-level security work keeps an org_id on every tenant table).
  });
  return { configId, from, to, moved: true };
}
