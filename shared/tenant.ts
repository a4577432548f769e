/**
 * A tenant's name, as Redis keys, channels, BullMQ job names and Postgres' `boardroom.tenant`
 * setting spell it (issue #20: everything that holds a configuration's data carries its tenant;
 * docs/architecture.md "Redis key layout", docs/security.md "Tenant isolation"): the organisation
 * id of an organisation's configuration, `personal` for a personal one. Shared by the server and
 * the builder, which name the same channels.
 */

/** The tenant of personal configurations (org_id null). */
export const PERSONAL_TENANT = 'personal';

/** An organisation's id, or PERSONAL_TENANT. Anything else (e.g. '') sees nothing under RLS. */
export type Tenant = string;

/** The tenant whose rows a configuration of organisation `orgId` (null: personal) holds. */
export const tenantOfOrg = (orgId: string | null | undefined): Tenant => orgId ?? PERSONAL_TENANT;
