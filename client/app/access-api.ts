/**
 * Members and share links of a configuration (server/access/routes.ts). Owner only: everyone
 * else gets 403, which is why the client shows the Share button to owners alone.
 */
import type { OrgRole } from '../../shared/org-roles.ts';
import type { Role, ShareRole } from '../../shared/roles.ts';
import type { ApiCall } from './api.ts';

export interface Member {
  /** Null for a pending invitation. */
  userId: string | null;
  email: string;
  name: string | null;
  role: Role;
  /** Invited; the link has not been opened yet. */
  pending: boolean;
  invitationId?: string;
  expiresAt?: string;
  /** A pending invitation whose link no longer works. */
  expired?: boolean;
}

/** An invitation just made. Without mail (`delivery: 'link'`) its link is here, this once. */
export interface CreatedInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  delivery: 'email' | 'link';
  url?: string;
  /** Set when mailing failed and the link is shown instead. */
  mailError?: string;
}

export type ShareKind = 'live' | 'snapshot';

export interface ShareLinkInfo {
  id: string;
  role: ShareRole;
  kind: ShareKind;
  label: string | null;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  uses: number;
}

/** A link just made: the only time its token and URL are ever shown. */
export interface CreatedShareLink extends ShareLinkInfo {
  token: string;
  url: string;
}

export interface NewShareLink {
  role: ShareRole;
  kind: ShareKind;
  label?: string;
  /** ISO date-time; absent for a link that does not expire. */
  expiresAt?: string;
}

/** Where one person's access comes from (server/teams/access-sources.ts). */
export type AccessSource =
  | { kind: 'owner'; role: 'owner' }
  | { kind: 'direct'; role: Role }
  | { kind: 'team'; teamId: string; teamName: string; role: Role }
  | { kind: 'organisation'; orgRole: OrgRole; role: Role };

/** `GET /api/configs/:id/access`: everyone with access, their effective role and its sources. */
export interface AccessOverview {
  /** Null for a personal configuration (no teams, no organisation). */
  orgId: string | null;
  people: Array<{ userId: string; name: string; email: string; role: Role; sources: AccessSource[] }>;
  /** Teams holding a role here. */
  teams: Array<{ teamId: string; teamName: string; role: Role; members: number }>;
  /** Every team of the organisation (to give one a role). */
  orgTeams: Array<{ id: string; name: string }>;
}

export interface AccessApi {
  access(configId: string): Promise<AccessOverview>;
  setTeamRole(configId: string, teamId: string, role: Role): Promise<unknown>;
  removeTeamRole(configId: string, teamId: string): Promise<void>;
  members(configId: string): Promise<Member[]>;
  /** Invites an email: a new link (mailed, or returned to pass on); an older pending one to the
   * same email stops working. */
  invite(configId: string, email: string, role: Role): Promise<CreatedInvitation>;
  revokeInvitation(configId: string, invitationId: string): Promise<void>;
  setMemberRole(configId: string, userId: string, role: Role): Promise<unknown>;
  removeMember(configId: string, userId: string): Promise<void>;
  shares(configId: string): Promise<ShareLinkInfo[]>;
  createShare(configId: string, link: NewShareLink): Promise<CreatedShareLink>;
  updateShare(configId: string, shareId: string, change: { role?: ShareRole; label?: string | null; expiresAt?: string | null }): Promise<ShareLinkInfo>;
  revokeShare(configId: string, shareId: string): Promise<void>;
  /** The roles and longest lifetime a new link may have (its organisation's policy). */
  linkPolicy(configId: string): Promise<LinkPolicyInfo>;
}

/** `GET …/link-policy`: `organisation` names who set the limits (null: a personal configuration). */
export interface LinkPolicyInfo {
  organisation: string | null;
  allowedLinkRoles: ShareRole[];
  maxLinkLifetimeMs: number | null;
}

export function createAccessApi(call: ApiCall): AccessApi {
  const config = (id: string) => `/api/configs/${encodeURIComponent(id)}`;
  return {
    access: (id) => call('GET', `${config(id)}/access`),
    setTeamRole: (id, teamId, role) => call('PUT', `${config(id)}/teams/${encodeURIComponent(teamId)}`, { json: { role } }),
    removeTeamRole: (id, teamId) => call('DELETE', `${config(id)}/teams/${encodeURIComponent(teamId)}`),
    members: (id) => call('GET', `${config(id)}/members`),
    invite: (id, email, role) => call('POST', `${config(id)}/members`, { json: { email, role } }),
    setMemberRole: (id, userId, role) => call('PATCH', `${config(id)}/members/${encodeURIComponent(userId)}`, { json: { role } }),
    revokeInvitation: (id, invitationId) => call('DELETE', `${config(id)}/invitations/${encodeURIComponent(invitationId)}`),
    removeMember: (id, userId) => call('DELETE', `${config(id)}/members/${encodeURIComponent(userId)}`),
    shares: (id) => call('GET', `${config(id)}/shares`),
    createShare: (id, link) => call('POST', `${config(id)}/shares`, { json: link }),
    updateShare: (id, shareId, change) => call('PATCH', `${config(id)}/shares/${encodeURIComponent(shareId)}`, { json: change }),
    revokeShare: (id, shareId) => call('DELETE', `${config(id)}/shares/${encodeURIComponent(shareId)}`),
    linkPolicy: (id) => call('GET', `${config(id)}/link-policy`),
  };
}
