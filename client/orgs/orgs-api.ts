/** Organisations of the signed-in account (`/api/orgs`, session only). */
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

export interface OrgsApi {
  list(): Promise<OrgSummary[]>;
  create(name: string): Promise<OrgSummary>;
  get(orgId: string): Promise<OrgDetails>;
  /** A page of the audit log (admins and owners). */
  audit(orgId: string, query: AuditQuery): Promise<AuditPage>;
  /** Changes some policies (admins and owners); says how many links it revoked or shortened. */
  setPolicies(orgId: string, change: PolicyChange): Promise<{ policies: OrgPolicies; effect: { linksRevoked: number; linksShortened: number } }>;
}

/** What `PUT /api/orgs/:orgId/policies` accepts (the audit retention has its own place). */
export type PolicyChange = Partial<Omit<OrgPolicies, 'auditRetentionDays'>>;

export function createOrgsApi(call: ApiCall): OrgsApi {
  return {
    list: () => call('GET', '/api/orgs'),
    create: (name) => call('POST', '/api/orgs', { json: { name } }),
    get: (orgId) => call('GET', `/api/orgs/${encodeURIComponent(orgId)}`),
    audit: (orgId, query) => call('GET', auditPath(orgId, query)),
    setPolicies: (orgId, change) => call('PUT', `/api/orgs/${encodeURIComponent(orgId)}/policies`, { json: change }),
  };
}
