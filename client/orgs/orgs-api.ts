/** Organisations of the signed-in account (`/api/orgs`, session only): the organisation, its
 * members and invitations, and moving a configuration between workspaces. */
import type { OrgRole } from '../../shared/org-roles.ts';
import type { Role, ShareRole } from '../../shared/roles.ts';
import type { ApiCall } from '../app/api.ts';
import { auditPath, type AuditPage, type AuditQuery } from './audit-api.ts';

export interface OrgSummary {
  id: string;
  name: string;
  /** Your role in it. */
  role: OrgRole;
  createdAt: string;
}

export interface OrgPolicies {
  memberRole: Role | null;
  requireApproval: boolean;
  requiredApprovals: number;
  allowedLinkRoles: ShareRole[];
  maxLinkLifetimeMs: number | null;
  configCreators: 'members' | 'admins';
  auditRetentionDays: number;
}

export interface OrgDetails extends OrgSummary {
  policies: OrgPolicies;
}

export interface TeamPerson {
  userId: string;
  name: string;
  email: string;
}

export interface Team {
  id: string;
  name: string;
  /** The role the team gets on each new configuration of the organisation. */
  defaultRole: Role | null;
  members: TeamPerson[];
}

export interface OrgMember {
  userId: string;
  name: string;
  email: string;
  role: OrgRole;
}

export interface OrgInvitation {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: string;
  /** Only in the answer that made it, when no e-mail was sent: the link, shown once. */
  url?: string;
  delivery?: 'email' | 'link';
}

export interface OrgInvitationInfo {
  orgId: string;
  orgName: string;
  role: OrgRole;
  email: string;
  invitedBy: string | null;
  expiresAt: string;
}

export interface OrgsApi {
  teams(orgId: string): Promise<Team[]>;
  createTeam(orgId: string, team: { name: string; defaultRole: Role | null }): Promise<Team>;
  updateTeam(orgId: string, teamId: string, change: { name?: string; defaultRole?: Role | null; applyToExisting?: boolean }): Promise<{ appliedTo?: number }>;
  deleteTeam(orgId: string, teamId: string): Promise<void>;
  addTeamMember(orgId: string, teamId: string, userId: string): Promise<void>;
  removeTeamMember(orgId: string, teamId: string, userId: string): Promise<void>;
  list(): Promise<OrgSummary[]>;
  create(name: string): Promise<OrgSummary>;
  get(orgId: string): Promise<OrgDetails>;
  /** A page of the audit log (admins and owners). */
  audit(orgId: string, query: AuditQuery): Promise<AuditPage>;
  /** Changes some policies (admins and owners); says how many links it revoked or shortened. */
  setPolicies(orgId: string, change: PolicyChange): Promise<{ policies: OrgPolicies; effect: { linksRevoked: number; linksShortened: number } }>;
  members(orgId: string): Promise<OrgMember[]>;
  setRole(orgId: string, userId: string, role: OrgRole): Promise<unknown>;
  /** Removes a member; your own id: you leave. */
  removeMember(orgId: string, userId: string): Promise<void>;
  invitations(orgId: string): Promise<OrgInvitation[]>;
  invite(orgId: string, email: string, role: OrgRole): Promise<OrgInvitation>;
  revokeInvitation(orgId: string, invitationId: string): Promise<void>;
  /** Tokens go in the body, not the path, so they stay out of request logs. */
  lookupInvitation(token: string): Promise<OrgInvitationInfo>;
  acceptInvitation(token: string): Promise<{ orgId: string; role: OrgRole }>;
  /** Moves a configuration into an organisation, or out of one (`null`: personal). */
  moveConfig(configId: string, orgId: string | null): Promise<{ orgId: string | null; moved: boolean }>;
}

/** What `PUT /api/orgs/:orgId/policies` accepts (the audit retention has its own place). */
export type PolicyChange = Partial<Omit<OrgPolicies, 'auditRetentionDays'>>;

export function createOrgsApi(call: ApiCall): OrgsApi {
  const org = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`;
  return {
    list: () => call('GET', '/api/orgs'),
    create: (name) => call('POST', '/api/orgs', { json: { name } }),
    audit: (orgId, query) => call('GET', auditPath(orgId, query)),
    setPolicies: (orgId, change) => call('PUT', `${org(orgId)}/policies`, { json: change }),
    teams: (orgId) => call('GET', `${org(orgId)}/teams`),
    createTeam: (orgId, team) => call('POST', `${org(orgId)}/teams`, { json: team }),
    updateTeam: (orgId, teamId, change) => call('PATCH', `${org(orgId)}/teams/${encodeURIComponent(teamId)}`, { json: change }),
    deleteTeam: (orgId, teamId) => call('DELETE', `${org(orgId)}/teams/${encodeURIComponent(teamId)}`),
    addTeamMember: (orgId, teamId, userId) => call('PUT', `${org(orgId)}/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`),
    removeTeamMember: (orgId, teamId, userId) => call('DELETE', `${org(orgId)}/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`),
    get: (orgId) => call('GET', org(orgId)),
    members: (orgId) => call('GET', `${org(orgId)}/members`),
    setRole: (orgId, userId, role) => call('PATCH', `${org(orgId)}/members/${encodeURIComponent(userId)}`, { json: { role } }),
    removeMember: (orgId, userId) => call('DELETE', `${org(orgId)}/members/${encodeURIComponent(userId)}`),
    invitations: (orgId) => call('GET', `${org(orgId)}/invitations`),
    invite: (orgId, email, role) => call('POST', `${org(orgId)}/invitations`, { json: { email, role } }),
    revokeInvitation: (orgId, id) => call('DELETE', `${org(orgId)}/invitations/${encodeURIComponent(id)}`),
    lookupInvitation: (token) => call('POST', '/api/org-invitations/lookup', { json: { token } }),
    acceptInvitation: (token) => call('POST', '/api/org-invitations/accept', { json: { token } }),
    moveConfig: (configId, orgId) => call('POST', `/api/configs/${encodeURIComponent(configId)}/move`, { json: { orgId } }),
  };
}
