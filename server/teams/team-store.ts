/**
 * Teams of an organisation, their members and their grants on configurations, in Postgres
 * (shared/node/db/orgs-schema.ts). Every read and write names the organisation: a team id of
 * another organisation is "no such team" here, so no route can reach across tenants by id.
 * Roles are never decided here: `boardroom_effective_role` reads these rows.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { teamConfigGrants, teamMembers, teams, orgMembers } from '../../shared/node/db/orgs-schema.ts';
import { users } from '../../shared/node/db/auth-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { isRole, type Role } from '../../shared/roles.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';

/** Longest team name: a label in lists and the Share dialog ("via team kernel"). */
export const TEAM_NAME_MAX = 60;
/** Teams one organisation may hold: a list people pick from, not a directory service. */
export const MAX_TEAMS_PER_ORG = 200;

export interface TeamMember {
  userId: string;
  name: string;
  email: string;
}

export interface Team {
  id: string;
  name: string;
  defaultRole: Role | null;
  members: TeamMember[];
  createdAt: Date;
}

const rowsOf = <T>(r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as T[];
const isUniqueViolation = (e: unknown) => (e as { code?: string; cause?: { code?: string } })?.code === '23505' || (e as { cause?: { code?: string } })?.cause?.code === '23505';

export class TeamNameTaken extends Error {}

export function createTeamStore(db: Db) {
  /** The team, if it is one of `orgId`'s. */
  async function find(orgId: string, teamId: string): Promise<{ id: string; name: string; defaultRole: Role | null } | null> {
    if (!isUuid(orgId) || !isUuid(teamId)) return null;
    const [row] = await db.select({ id: teams.id, name: teams.name, defaultRole: teams.defaultRole }).from(teams).where(and(eq(teams.id, teamId), eq(teams.orgId, orgId)));
    return row ? { ...row, defaultRole: isRole(row.defaultRole) ? row.defaultRole : null } : null;
  }

  return {
    find,

    /** The organisation's teams by name, each with its members. */
    async list(orgId: string): Promise<Team[]> {
      const rows = await db.select().from(teams).where(eq(teams.orgId, orgId)).orderBy(asc(teams.name));
      if (rows.length === 0) return [];
      const people = await db
        .select({ teamId: teamMembers.teamId, userId: users.id, name: users.name, email: users.email })
        .from(teamMembers)
        .innerJoin(users, eq(users.id, teamMembers.userId))
        .where(eq(teamMembers.orgId, orgId))
        .orderBy(asc(users.name));
      return rows.map((t) => ({
        id: t.id,
        name: t.name,
        defaultRole: isRole(t.defaultRole) ? t.defaultRole : null,
        createdAt: t.createdAt,
        members: people.filter((p) => p.teamId === t.id).map(({ userId, name, email }) => ({ userId, name, email })),
      }));
    },

    async count(orgId: string): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(teams).where(eq(teams.orgId, orgId));
      return row?.n ?? 0;
    },

    /** @throws TeamNameTaken when the organisation already has a team of that name. */
    async create(orgId: string, name: string, defaultRole: Role | null): Promise<{ id: string; name: string; defaultRole: Role | null; createdAt: Date }> {
      try {
        const [row] = await db.insert(teams).values({ orgId, name, defaultRole }).returning();
        return { id: row.id, name: row.name, defaultRole, createdAt: row.createdAt };
      } catch (e) {
        if (isUniqueViolation(e)) throw new TeamNameTaken();
        throw e;
      }
    },

    /** @throws TeamNameTaken when another team of the organisation has that name. */
    async update(orgId: string, teamId: string, patch: { name?: string; defaultRole?: Role | null }): Promise<boolean> {
      if (!isUuid(teamId)) return false;
      try {
        const set: Partial<typeof teams.$inferInsert> = {};
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.defaultRole !== undefined) set.defaultRole = patch.defaultRole;
        if (Object.keys(set).length === 0) return (await find(orgId, teamId)) !== null;
        const done = await db.update(teams).set(set).where(and(eq(teams.id, teamId), eq(teams.orgId, orgId))).returning({ id: teams.id });
        return done.length > 0;
      } catch (e) {
        if (isUniqueViolation(e)) throw new TeamNameTaken();
        throw e;
      }
    },

    /** Deletes the team (its members and grants go with it); answers the configurations it had
     * grants on and the people who were in it, whose access that changed. Null: no such team. */
    async remove(orgId: string, teamId: string): Promise<{ configIds: string[]; memberIds: string[] } | null> {
      if (!isUuid(teamId)) return null;
      return db.transaction(async (tx) => {
        const grants = await tx.select({ configId: teamConfigGrants.configId }).from(teamConfigGrants).where(eq(teamConfigGrants.teamId, teamId));
        const members = await tx.select({ userId: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, teamId));
        const done = await tx.delete(teams).where(and(eq(teams.id, teamId), eq(teams.orgId, orgId))).returning({ id: teams.id });
        if (done.length === 0) return null;
        return { configIds: grants.map((g) => g.configId), memberIds: members.map((m) => m.userId) };
      });
    },

    /** Adds a person to the team. 'not_member': they are not in the organisation. */
    async addMember(orgId: string, teamId: string, userId: string): Promise<'added' | 'already' | 'not_member'> {
      if (!isUuid(userId)) return 'not_member';
      const [inOrg] = await db.select({ userId: orgMembers.userId }).from(orgMembers).where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)));
      if (!inOrg) return 'not_member';
      const added = await db.insert(teamMembers).values({ teamId, userId, orgId }).onConflictDoNothing().returning({ userId: teamMembers.userId });
      return added.length > 0 ? 'added' : 'already';
    },

    async removeMember(orgId: string, teamId: string, userId: string): Promise<boolean> {
      if (!isUuid(userId)) return false;
      const done = await db
        .delete(teamMembers)
        .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), eq(teamMembers.orgId, orgId)))
        .returning({ userId: teamMembers.userId });
      return done.length > 0;
    },

    /** Takes a person out of every team of the organisation: call it (in the same transaction, via
     * `tx`) when they leave the organisation. `boardroom_effective_role` does not ask whether a
     * team member is still in the organisation, so a membership left behind would keep giving
     * them the team's roles. Answers how many teams they were in. */
    async leaveAllTeams(orgId: string, userId: string, tx: Pick<Db, 'delete'> = db): Promise<number> {
      const done = await tx.delete(teamMembers).where(and(eq(teamMembers.orgId, orgId), eq(teamMembers.userId, userId))).returning({ teamId: teamMembers.teamId });
      return done.length;
    },

    /** Gives the team `role` on every live configuration of the organisation it has no grant on
     * yet (a default role applied to what exists); answers those configurations. */
    async grantOnAllConfigs(orgId: string, teamId: string, role: Role, grantedBy: string): Promise<string[]> {
      const rows = rowsOf<{ config_id: string }>(
        await db.execute(sql`
          insert into team_config_grants (team_id, config_id, org_id, role, granted_by)
          select ${teamId}::uuid, c.id, c.org_id, ${role}, ${grantedBy}::uuid from configs c
          where c.org_id = ${orgId}::uuid and c.deleted_at is null
          on conflict (team_id, config_id) do nothing
          returning config_id::text`),
      );
      return rows.map((r) => r.config_id);
    },

    /** The organisation of a live configuration (null: personal); undefined: no such configuration. */
    async orgOfConfig(configId: string): Promise<string | null | undefined> {
      if (!isUuid(configId)) return undefined;
      const [row] = await db.select({ orgId: configs.orgId }).from(configs).where(eq(configs.id, configId));
      return row ? row.orgId : undefined;
    },

    /** Sets the team's role on a configuration of its organisation; answers the role before. */
    async setGrant(orgId: string, configId: string, teamId: string, role: Role, grantedBy: string | null): Promise<Role | null> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select({ role: teamConfigGrants.role }).from(teamConfigGrants).where(and(eq(teamConfigGrants.teamId, teamId), eq(teamConfigGrants.configId, configId)));
        await tx
          .insert(teamConfigGrants)
          .values({ teamId, configId, orgId, role, grantedBy })
          .onConflictDoUpdate({ target: [teamConfigGrants.teamId, teamConfigGrants.configId], set: { role, grantedBy } });
        return before && isRole(before.role) ? before.role : null;
      });
    },

    async removeGrant(configId: string, teamId: string): Promise<boolean> {
      const done = await db
        .delete(teamConfigGrants)
        .where(and(eq(teamConfigGrants.teamId, teamId), eq(teamConfigGrants.configId, configId)))
        .returning({ teamId: teamConfigGrants.teamId });
      return done.length > 0;
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
