/** Route descriptions of organisation policies (docs/architecture.md, "Organisations", policies). */
import { SHARE_ROLES } from '../../shared/roles.ts';
import { MAX_SHARE_LIFETIME_MS } from '../access/routes.ts';
import { arrayOf, bool, int, json, nullable, obj, oneOfStrings, type ApiSpec } from '../api-spec/operation.ts';
import { policiesView } from '../orgs/api-spec.ts';
import { MAX_REQUIRED_APPROVALS } from '../review/approval-rules.ts';
import { MIN_LINK_LIFETIME_MS } from './policy-rules.ts';

/** `PUT /api/orgs/:orgId/policies`: any of the policies (at least one), nothing else. The member
 * role is never owner (owners of the organisation's configurations are its admins). */
export const POLICIES_BODY = obj(
  {
    memberRole: nullable(oneOfStrings(SHARE_ROLES)),
    requireApproval: bool,
    requiredApprovals: int({ minimum: 1, maximum: MAX_REQUIRED_APPROVALS }),
    allowedLinkRoles: arrayOf(oneOfStrings(SHARE_ROLES), { uniqueItems: true }),
    maxLinkLifetimeMs: nullable(int({ minimum: MIN_LINK_LIFETIME_MS, maximum: MAX_SHARE_LIFETIME_MS })),
    configCreators: oneOfStrings(['members', 'admins']),
  },
  [],
  { additionalProperties: false, minProperties: 1 },
);

const changeEffect = obj(
  { linksRevoked: int({ minimum: 0 }), linksShortened: int({ minimum: 0 }) },
  ['linksRevoked', 'linksShortened'],
);

export const policiesApi: ApiSpec = {
  tag: 'organisation policies',
  description: 'Defaults every configuration of an organisation may only tighten: approval before builds, share-link roles and lifetime, who creates configurations, the role members hold.',
  operations: {
    'GET /api/orgs/:orgId/policies': { summary: "The organisation's policies", access: { orgAction: 'readOrg' }, responses: { 200: json(policiesView) } },
    'PUT /api/orgs/:orgId/policies': {
      summary: "Change the organisation's policies",
      description:
        'Links of its configurations that the new policy forbids are revoked (a role no longer allowed) or expire at the new maximum from now; people on them lose access at once. A member-role change applies to live connections.',
      access: { orgAction: 'managePolicies' },
      body: POLICIES_BODY,
      responses: { 200: json(obj({ policies: policiesView, effect: changeEffect }, ['policies', 'effect'])) },
    },
  },
};
