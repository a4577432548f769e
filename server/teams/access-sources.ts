/**
 * Where each person's access to a configuration comes from, for the Share dialog: ownership, a
 * direct membership, each team grant, the organisation. The SQL below has one branch per branch
 * of `boardroom_effective_role` (migrations/0013_organisations.sql) with the same joins and
 * conditions, so that the highest role among a person's sources is exactly what that function
 * answers; tests/access-sources.test.ts checks this for every person, so the two cannot drift
 * apart unnoticed. The effective role itself is still read from the function, never computed here.
 */
import { sql } from 'drizzle-orm';
import { isOrgRole, type OrgRole } from '../../shared/org-roles.ts';
import { isRole, roleRank, type Role } from '../../shared/roles.ts';
import type { Db } from '../db/connect.ts';

export type AccessSource =
  | { kind: 'owner'; role: 'owner' }
  | { kind: 'direct'; role: Role }
  | { kind: 'team'; teamId: string; teamName: string; role: Role }
  | { kind: 'organisation'; orgRole: OrgRole; role: Role };

export interface PersonAccess {
  userId: string;
  name: string;
  email: string;
  /** The effective role (`boardroom_effective_role`). */
  role: Role;
  /** Every grant that gives this person a role, highest first. */
  sources: AccessSource[];
}

interface SourceRow {
  user_id: string;
  name: string;
  email: string;
  kind: AccessSource['kind'];
  role: string;
  team_id: string | null;
  team_name: string | null;
  org_role: string | null;
  effective: string | null;
}

const rowsOf = <T>(r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as T[];

/** Order in which sources of the same role are listed: the one a person can act on first. */
const KIND_ORDER: Record<AccessSource['kind'], number> = { owner: 0, direct: 1, team: 2, organisation: 3 };

export async function accessSources(db: Db, configId: string): Promise<PersonAccess[]> {
  const rows = rowsOf<SourceRow>(
    await db.execute(sql`
      with s as (
        select c.owner_id as user_id, 'owner'::text as kind, 'owner'::text as role, null::uuid as team_id, null::text as team_name, null::text as org_role
          from configs c where c.id = ${configId}::uuid and c.owner_id is not null
        union all
        select m.user_id, 'direct', m.role, null, null, null from config_members m where m.config_id = ${configId}::uuid
        union all
        select tm.user_id, 'team', tg.role, t.id, t.name, null from team_config_grants tg
          join team_members tm on tm.team_id = tg.team_id
          join org_members tom on tom.org_id = tg.org_id and tom.user_id = tm.user_id
          join teams t on t.id = tg.team_id
          join configs c on c.id = tg.config_id and c.org_id = tg.org_id
          where tg.config_id = ${configId}::uuid
        union all
        select om.user_id, 'organisation', case when om.role in ('owner', 'admin') then 'owner' else o.member_role end, null, null, om.role
          from configs c
          join organisations o on o.id = c.org_id and o.deleted_at is null
          join org_members om on om.org_id = c.org_id
          where c.id = ${configId}::uuid
      )
      select s.user_id::text, u.name, u.email, s.kind, s.role, s.team_id::text, s.team_name, s.org_role,
             boardroom_effective_role(${configId}::uuid, s.user_id) as effective
        from s join users u on u.id = s.user_id
        where s.role is not null
        order by u.name, u.email`),
  );
  const people = new Map<string, PersonAccess>();
  for (const r of rows) {
    if (!isRole(r.role) || !isRole(r.effective)) continue;
    let person = people.get(r.user_id);
    if (!person) {
      person = { userId: r.user_id, name: r.name, email: r.email, role: r.effective, sources: [] };
      people.set(r.user_id, person);
    }
    person.sources.push(sourceOf(r, r.role));
  }
  for (const p of people.values()) p.sources.sort((a, b) => roleRank(b.role) - roleRank(a.role) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return [...people.values()];
}

function sourceOf(r: SourceRow, role: Role): AccessSource {
  switch (r.kind) {
    case 'owner':
      return { kind: 'owner', role: 'owner' };
    case 'team':
      return { kind: 'team', teamId: r.team_id!, teamName: r.team_name!, role };
    case 'organisation':
      return { kind: 'organisation', orgRole: isOrgRole(r.org_role) ? r.org_role : 'member', role };
    default:
      return { kind: 'direct', role };
  }
}

/** The teams holding a role on the configuration, by name. */
export async function teamGrantsOf(db: Db, configId: string): Promise<Array<{ teamId: string; teamName: string; role: Role; members: number }>> {
  const rows = rowsOf<{ team_id: string; team_name: string; role: string; members: number }>(
    await db.execute(sql`
      select t.id::text as team_id, t.name as team_name, tg.role, (select count(*)::int from team_members tm where tm.team_id = t.id) as members
        from team_config_grants tg join teams t on t.id = tg.team_id
        join configs c on c.id = tg.config_id and c.org_id = tg.org_id
        where tg.config_id = ${configId}::uuid
        order by t.name`),
  );
  return rows.filter((r) => isRole(r.role)).map((r) => ({ teamId: r.team_id, teamName: r.team_name, role: r.role as Role, members: r.members }));
}
