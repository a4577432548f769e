/**
 * Who may call which route: the one declarative table the generated permission matrix
 * (`tests/access-permission-matrix.test.ts`) checks against the app's real route table and renders
 * as `docs/permissions.md`.
 *
 * HOW TO ADD A ROUTE: add one line here, keyed exactly as the route table prints it
 * (`'METHOD /path/:param'`, e.g. `'POST /api/configs/:id/invitations': config('manageAccess', { ok: [201], body: () => ({ … }) })`).
 * The matrix test fails, naming the route, while a route has no line, and fails for a line whose
 * route no longer exists. Then regenerate the document:
 *   UPDATE_PERMISSIONS_DOC=1 npx vitest run tests/access-permission-matrix.test.ts
 *
 * Rules (each gives the expected answer for every principal):
 * - `config(action)`: the route acts on the configuration `:id` (or the build `:buildId` of it);
 *   allowed when the principal's role there may do `action` (shared/roles.ts), else 403 with a
 *   lower role, 404 with a credential that gives no role (existence is not revealed), 401 with no
 *   credential at all.
 * - `signedIn()`: any signed-in account; 401 for share-link guests and no credential; 403 for a
 *   personal access token unless `tokens: <scope>` lets tokens with that scope in.
 * - Token principals (the owner's personal access tokens) hold the owner's role capped by their
 *   scopes (`SCOPE_OF_ACTION`, shared/token-scopes.ts) and restriction; a revoked token gets 401 on
 *   every `/api` route (`outcomeOf`).
 * - `anyone()`: every principal gets the allowed answer (public routes, or the credential is in
 *   the path as with `/api/shares/:token`).
 * - `sameForAll(status)`: every principal gets `status` (a disabled feature, a plain GET on the
 *   WebSocket endpoint, metrics without the metrics token).
 *
 * Options: `ok` (statuses that count as allowed; default 200/201/202/204), `body` (JSON sent, may
 * depend on the principal), `query`, `fresh` (the route consumes its fixture, e.g. deleting the
 * configuration: it runs on a configuration of its own), `ownSession` (signing out: a user principal
 * calls it with a session made for the call, so the matrix keeps its own), `params` (fixed values
 * for path parameters).
 *
 * Path parameters are filled from the fixture (`paramValues` in tests/helpers/world.ts: `:id` the
 * matrix configuration, `:userId` a spare member, `:shareId` a spare link, `:buildId` a finished
 * build, …). A parameter name it does not know gets a fresh UUID, i.e. something that does not
 * exist; for a route that needs a real one, add the resource to `createWorld` and its name to
 * `paramValues`.
 */
import { can, PERSON_ONLY_ACTIONS, type Action, type Role } from '../shared/roles.ts';
import { SCOPE_OF_ACTION, type TokenScope } from '../shared/token-scopes.ts';
import { ORG_ACTION_MIN_ROLE, orgCan, type OrgAction, type OrgRole } from '../shared/org-roles.ts';

export const PRINCIPALS = [
  'owner',
  'editor',
  'commenter',
  'viewer',
  'editorLink',
  'commenterLink',
  'viewerLink',
  'stranger',
  'expiredLink',
  'revokedLink',
  'otherConfigLink',
  'anonymous',
  // Personal access tokens of the owner (Authorization: Bearer brt_…): four, not one per
  // scope × role, to keep this file's run time (the policy's scope table is unit-tested in
  // tests/access-policy.test.ts).
  'readToken',
  'buildToken',
  'otherConfigToken',
  'revokedToken',
  // Organisations (the matrix configuration belongs to the owner's organisation): its admin, who
  // owns every configuration of it; a member with no role on the configuration; and the owner of
  // another organisation, who must get nothing here (the cross-tenant rows).
  'orgAdmin',
  'orgMember',
  'otherOrgOwner',
] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** The role each principal holds on the matrix configuration (null: none). */
export const ROLE_OF: Record<Principal, Role | null> = {
  owner: 'owner',
  editor: 'editor',
  commenter: 'commenter',
  viewer: 'viewer',
  editorLink: 'editor',
  commenterLink: 'commenter',
  viewerLink: 'viewer',
  stranger: null,
  expiredLink: null,
  revokedLink: null,
  otherConfigLink: null,
  anonymous: null,
  // A token holds its owner's role, capped by its scopes (TOKEN_SCOPES_OF).
  readToken: 'owner',
  buildToken: 'owner',
  otherConfigToken: null,
  revokedToken: null,
  orgAdmin: 'owner',
  orgMember: null,
  otherOrgOwner: null,
};

/** The role each principal holds in the matrix configuration's organisation (null: none). */
export const ORG_ROLE_OF: Record<Principal, OrgRole | null> = Object.fromEntries(PRINCIPALS.map((p) => [p, null])) as Record<Principal, OrgRole | null>;
ORG_ROLE_OF.owner = 'owner';
ORG_ROLE_OF.orgAdmin = 'admin';
ORG_ROLE_OF.orgMember = 'member';

/** The scopes of each token principal; a token principal that holds a role is capped by them. */
export const TOKEN_SCOPES_OF: Partial<Record<Principal, readonly TokenScope[]>> = {
  readToken: ['read'],
  buildToken: ['read', 'build'],
  /** Every scope, restricted to another configuration. */
  otherConfigToken: ['read', 'write', 'build', 'review'],
  revokedToken: ['read', 'write', 'build', 'review'],
};
const isToken = (who: Principal) => who in TOKEN_SCOPES_OF;
/** Principals whose role comes from a share link alone. */
const LINK_GUESTS: ReadonlySet<Principal> = new Set(['editorLink', 'commenterLink', 'viewerLink']);
/** Principals that are a signed-in account (the others are link guests or nobody). */
export const SIGNED_IN: ReadonlySet<Principal> = new Set(['owner', 'editor', 'commenter', 'viewer', 'stranger', 'orgAdmin', 'orgMember', 'otherOrgOwner']);

export type Outcome = 'allowed' | 401 | 403 | 404 | number;

export interface BodyContext {
  /** Different on every call (e-mail addresses, names). */
  unique: string;
  world: { strangerEmail: string; pendingInvitationToken: string; pendingOrgInvitationToken: string };
  /** A new pending invitation's token, made by the owner just for this call (single use). */
  newInvitationToken(): Promise<string>;
  /** The same for an invitation into the world's organisation. */
  newOrgInvitationToken(): Promise<string>;
}

export interface RequestShape {
  ok?: number[];
  body?: (who: Principal, ctx: BodyContext) => unknown;
  query?: string;
  fresh?: boolean;
  ownSession?: boolean;
  /** Overrides for path parameters (by name); a function when they come from the fixture. */
  params?: Record<string, string> | ((world: { orgInvitationId: string }) => Record<string, string>);
  /** The first allowed caller removes what the route names (a member, a link, the
   * configuration): later allowed callers (the owner and the organisation's admin both may) find
   * it gone, and 404 is what they must get. */
  consumes?: boolean;
  /** What a (valid) personal access token gets: `'refused'` (403 `token_not_allowed`: account
   * routes), or the scope a non-configuration route needs (`GET /api/configs`: read). Default:
   * refused for `signedIn()`, allowed for `anyone()`. */
  tokens?: 'refused' | 'any' | TokenScope;
}

export interface Expectation extends RequestShape {
  rule: string;
  outcome(who: Principal): Outcome;
}

export function config(action: Action, shape: RequestShape = {}): Expectation {
  const scope = SCOPE_OF_ACTION[action];
  const personOnly = PERSON_ONLY_ACTIONS.has(action);
  return {
    ...shape,
    rule: `role ≥ ${action}${personOnly ? ', not via a link' : ''}${scope ? `, token: ${scope}` : ', no token'}`,
    outcome(who) {
      const role = ROLE_OF[who];
      if (role && personOnly && LINK_GUESTS.has(who)) return 403;
      if (role) return can(role, action) && (!isToken(who) || (scope !== null && TOKEN_SCOPES_OF[who]!.includes(scope))) ? 'allowed' : 403;
      return who === 'anonymous' ? 401 : 404;
    },
  };
}

/**
 * The route acts on the organisation `:orgId` (the matrix configuration's): allowed when the
 * principal's organisation role may do `action` (shared/org-roles.ts), else 403 for a member
 * with a lower role, 404 for a signed-in person outside it (another tenant included: existence
 * is not revealed), 401 for link guests and no credential. Tokens are refused (403) unless
 * `tokens` lets them in.
 */
export function org(action: OrgAction, shape: RequestShape = {}): Expectation {
  const tokens = shape.tokens ?? 'refused';
  return {
    ...shape,
    rule: `organisation role ≥ ${ORG_ACTION_MIN_ROLE[action]} (${action})${tokens === 'refused' ? ', no token' : `, token: ${tokens}`}`,
    outcome(who) {
      if (isToken(who)) return tokenOutcome(who, tokens);
      if (!SIGNED_IN.has(who)) return 401;
      const role = ORG_ROLE_OF[who];
      if (!role) return 404;
      return orgCan(role, action) ? 'allowed' : 403;
    },
  };
}

/** What a valid token principal gets on a route that is not about one configuration. */
function tokenOutcome(who: Principal, tokens: RequestShape['tokens']): Outcome {
  if (!tokens || tokens === 'refused') return 403;
  if (tokens === 'any') return 'allowed';
  return TOKEN_SCOPES_OF[who]!.includes(tokens) ? 'allowed' : 403;
}

export function signedIn(shape: RequestShape = {}): Expectation {
  const tokens = shape.tokens ?? 'refused';
  return {
    ...shape,
    rule: tokens === 'refused' ? 'signed in, no token' : `signed in, token: ${tokens}`,
    outcome: (who) => (isToken(who) ? tokenOutcome(who, tokens) : SIGNED_IN.has(who) ? 'allowed' : 401),
  };
}

export function anyone(shape: RequestShape = {}): Expectation {
  return {
    ...shape,
    rule: shape.tokens === 'refused' ? 'anyone, no token' : 'anyone',
    outcome: (who) => (isToken(who) && shape.tokens ? tokenOutcome(who, shape.tokens) : 'allowed'),
  };
}

export function sameForAll(status: number, why: string, shape: RequestShape = {}): Expectation {
  return { ...shape, rule: `always ${status}: ${why}`, outcome: () => status };
}

const json = (value: unknown) => () => value;

/** The expected answer for `who` on the route `key`: the route's rule, except that a revoked
 * (expired, unknown) token is refused with 401 on every `/api` route before any rule applies. */
export function outcomeOf(key: string, who: Principal): Outcome {
  if (who === 'revokedToken' && key.split(' ')[1].startsWith('/api/')) return 401;
  return EXPECTATIONS[key].outcome(who);
}

export const EXPECTATIONS: Record<string, Expectation> = {
  'GET /metrics': sameForAll(401, 'only with METRICS_TOKEN (no principal holds it)'),
  'GET /health': anyone(),
  'GET /health/ready': anyone({ ok: [200, 503] }), // 503 is its contract when a dependency is down
  'GET /health/builder': anyone({ ok: [200, 503] }),
  'GET /sync/:configId': sameForAll(426, 'WebSocket endpoint; see the sync table'),
  // Another document of the configuration: `main` is the only declared one so far (an undeclared
  // name answers 404 unknown_document, before any access decision: the names are no secret).
  'GET /sync/:configId/:docName': sameForAll(426, 'WebSocket endpoint for a declared document (`main` here); see the sync table', { params: { docName: 'main' } }),
  'GET /api/auth/github': sameForAll(404, 'GitHub sign-in not configured here'),
  'GET /api/auth/github/callback': sameForAll(404, 'GitHub sign-in not configured here'),
  // Sessions are people's: a request with a personal access token never signs up, in or out.
  'POST /api/auth/signup': anyone({ ok: [201], tokens: 'refused', body: (who, { unique }) => ({ email: `${who}.${unique}@signup.test`, name: who, password: 'correct horse battery' }) }),
  'POST /api/auth/login': anyone({ tokens: 'refused', body: (_who, { world }) => ({ email: world.strangerEmail, password: 'correct horse battery' }) }),
  'POST /api/auth/logout': anyone({ ownSession: true, tokens: 'refused' }),
  // GitHub is not configured on the matrix server: a signed-in caller reaches the route, which says so.
  'POST /api/auth/github/link': signedIn({ ok: [404], body: json({}) }),
  'POST /api/invitations/lookup': anyone({ body: (_who, { world }) => ({ token: world.pendingInvitationToken }) }),
  // Accepting makes the caller a member: on a configuration of its own, with a token per call.
  'POST /api/invitations/accept': signedIn({ fresh: true, body: async (_who, ctx) => ({ token: await ctx.newInvitationToken() }) }),
  'DELETE /api/configs/:id/invitations/:invitationId': config('manageAccess', { consumes: true }),
  'GET /api/auth/providers': anyone(),
  'GET /api/auth/me': signedIn({ tokens: 'any' }),
  // The proof link of an ADMIN_EMAILS address (none is listed here): a signed-in person reaches
  // the route, which finds the made-up token worthless.
  'GET /api/auth/admin-proof': signedIn({ ok: [404], query: '?token=00000000-0000-0000-0000-000000000000.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
  'GET /api/configs/:id/members': config('manageAccess'),
  'GET /api/configs/:id/audit': config('manageAccess'),
  'POST /api/configs/:id/members': config('manageAccess', { ok: [201], body: (who, { unique }) => ({ email: `${who}.${unique}@invited.test`, role: 'viewer' }) }),
  'PATCH /api/configs/:id/members/:userId': config('manageAccess', { body: json({ role: 'commenter' }) }),
  'DELETE /api/configs/:id/members/:userId': config('manageAccess', { consumes: true }),
  'GET /api/configs/:id/shares': config('manageAccess'),
  'GET /api/configs/:id/link-policy': config('manageAccess'),
  'POST /api/configs/:id/shares': config('manageAccess', { ok: [201], body: json({ role: 'viewer' }) }),
  'PATCH /api/configs/:id/shares/:shareId': config('manageAccess', { body: json({ label: 'renamed' }) }),
  'DELETE /api/configs/:id/shares/:shareId': config('manageAccess', { consumes: true }),
  'GET /api/shares/:token': anyone(),
  // First-boot secrets: editors and owners as members (never through a link), tokens with `secrets`.
  'GET /api/configs/:id/secrets': config('manageSecrets'),
  'PUT /api/configs/:id/secrets/:name': config('manageSecrets', { params: { name: 'rootPassword' }, body: json({ value: 'matrix-secret' }) }),
  'DELETE /api/configs/:id/secrets/:name': config('manageSecrets', { params: { name: 'rootPassword' } }),
  'GET /api/configs/:id/webhooks': config('manageWebhooks'),
  'POST /api/configs/:id/webhooks': config('manageWebhooks', { ok: [201], body: json({ url: 'https://receiver.invalid/matrix', events: ['review.approved'] }) }),
  'PATCH /api/configs/:id/webhooks/:webhookId': config('manageWebhooks', { body: json({ active: true }) }),
  'POST /api/configs/:id/webhooks/:webhookId/rotate-secret': config('manageWebhooks', { body: json({}) }),
  'POST /api/configs/:id/webhooks/:webhookId/ping': config('manageWebhooks', { ok: [202], body: json({}) }),
  'GET /api/configs/:id/webhooks/:webhookId/deliveries': config('manageWebhooks'),
  'POST /api/configs/:id/webhooks/:webhookId/deliveries/:deliveryId/redeliver': config('manageWebhooks', { ok: [202], body: json({}) }),
  // Runs last of the webhook routes (route table order), so the ones above still find the webhook.
  'DELETE /api/configs/:id/webhooks/:webhookId': config('manageWebhooks', { consumes: true }),
  'POST /api/configs/:id/builds': config('build', { ok: [202], body: json({}) }),
  // 503 framework_check_unavailable: the matrix's builder has no Armbian checkout (tests/framework-check-rest.test.ts runs the check).
  'POST /api/configs/:id/framework-check': config('build', { ok: [503] }),
  'GET /api/configs/:id/builds': config('read'),
  'GET /api/builds/:buildId': config('read'),
  'GET /api/builds/:buildId/snapshot': config('read'),
  'GET /api/builds/:buildId/logs': config('read'),
  'POST /api/builds/:buildId/cancel': config('build', { body: json({}) }),
  'POST /api/builds/:buildId/retry': config('build', { ok: [202], body: json({}) }),
  'GET /api/builds/:buildId/artifacts/:name': config('read'),
  'POST /api/configs/:id/matrices': config('build', { ok: [202], body: json({ targets: [{}] }) }),
  'GET /api/configs/:id/matrices': config('read'),
  'GET /api/matrices/:matrixId': config('read'),
  'POST /api/matrices/:matrixId/cancel': config('build', { body: json({}) }),
  'POST /api/matrices/:matrixId/retry': config('build', { ok: [202], body: json({}) }),
  'POST /api/matrices/:matrixId/cells/:position/cancel': config('build', { body: json({}), params: { position: '0' } }),
  // A cell's retry points the cell at the new build; the next caller finds it running (409).
  'POST /api/matrices/:matrixId/cells/:position/retry': config('build', { ok: [202, 409], body: json({}), params: { position: '0' } }),
  'GET /api/schema': anyone(),
  // The REST API's description and its reference page (server/api-spec/): public, like the schema.
  'GET /api/openapi.json': anyone(),
  'GET /api/docs': anyone(),
  'PUT /api/configs/:id/data': config('edit', { body: json({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' }) }),
  'PATCH /api/configs/:id/data': config('edit', { body: json({ VENDOR: 'Matrix' }) }),
  'POST /api/configs/import': signedIn({ ok: [201], body: (who) => ({ name: `imported by ${who}`, data: {} }) }),
  'GET /api/configs/:id/export': config('read', { query: '?format=conf' }),
  'GET /api/configs': signedIn({ tokens: 'read' }),
  // Making configurations takes the write scope and a token not restricted to some (none here has both).
  'POST /api/configs': signedIn({ ok: [201], body: (who) => ({ name: `made by ${who}` }) }),
  'GET /api/configs/:id': config('read'),
  'PATCH /api/configs/:id': config('edit', { body: (who) => ({ name: `renamed by ${who}` }) }),
  'DELETE /api/configs/:id': config('delete', { fresh: true, consumes: true }),
  // On the live matrix configuration: its owner finds nothing to restore (200, `restored: false`).
  'POST /api/configs/:id/restore': config('delete'),
  'GET /api/trash': signedIn(),
  'GET /api/configs/:id/history': config('read'),
  'GET /api/configs/:id/history/last': config('read'),
  'GET /api/configs/:id/versions': config('read'),
  'POST /api/configs/:id/versions': config('edit', { ok: [201], body: (who) => ({ label: `by ${who}` }) }),
  'GET /api/configs/:id/versions/:versionId': config('read'),
  'POST /api/configs/:id/versions/:versionId/restore': config('edit', { body: json({}) }),
  'GET /api/configs/:id/diff': config('read', { query: '?from=current&to=current' }),
  'POST /api/configs/:id/files/upload': config('edit', { ok: [201], body: (who) => ({ path: `uploads/by-${who}.bin`, contentBase64: 'AAEC' }) }),
  'GET /api/configs/:id/files/raw': config('read', { query: '?path=readme.txt' }),
  'GET /api/configs/:id/files/tarball': config('read'),
  'GET /api/configs/:id/comments': config('read'),
  'POST /api/configs/:id/comments': config('comment', { ok: [201], body: (who) => ({ body: `comment by ${who}` }) }),
  'PATCH /api/configs/:id/comments/:commentId': config('comment', { body: json({ resolved: false }) }),
  'GET /api/configs/:id/reviews': config('read'),
  'GET /api/configs/:id/reviews/:reviewId': config('read'),
  'POST /api/configs/:id/reviews': config('openReview', { ok: [201], body: (who) => ({ title: `review by ${who}` }) }),
  'POST /api/configs/:id/reviews/:reviewId/decision': config('decide', { body: json({ decision: 'request_changes' }) }),
  'GET /api/configs/:id/approval': config('read'),
  'GET /api/configs/:id/settings': config('read'),
  'PUT /api/configs/:id/settings': config('configureReview', { body: json({ requireApproval: false }) }),
  // Personal access tokens: a session's own (a token cannot mint, see or revoke tokens).
  // Organisations: any signed-in person lists theirs and may make one; one organisation by its role.
  'GET /api/orgs': signedIn(),
  'POST /api/orgs': signedIn({ ok: [201], body: (who) => ({ name: `org of ${who}` }) }),
  'GET /api/orgs/:orgId': org('readOrg'),
  'GET /api/orgs/:orgId/audit': org('readAudit'),
  'GET /api/orgs/:orgId/audit/export': org('readAudit'),
  // Policies: read by any member; changed by admins (a no-op on the world's: its policies stay
  // the permissive defaults the rest of this table assumes).
  'GET /api/orgs/:orgId/policies': org('readOrg'),
  'PUT /api/orgs/:orgId/policies': org('managePolicies', { body: json({ requireApproval: false }) }),
  // Teams (:teamId is the world's team, with no grant on the matrix configuration; :userId the
  // spare member, who is in the organisation and a direct viewer, so a team role changes nothing).
  'GET /api/orgs/:orgId/teams': org('readOrg'),
  'POST /api/orgs/:orgId/teams': org('manageTeams', { ok: [201], body: (who, { unique }) => ({ name: `team of ${who} ${unique}` }) }),
  'PATCH /api/orgs/:orgId/teams/:teamId': org('manageTeams', { body: (who) => ({ name: `renamed by ${who}` }) }),
  'PUT /api/orgs/:orgId/teams/:teamId/members/:userId': org('manageTeams', { ok: [204] }),
  'DELETE /api/orgs/:orgId/teams/:teamId/members/:userId': org('manageTeams', { consumes: true }),
  'GET /api/configs/:id/access': config('manageAccess'),
  'PUT /api/configs/:id/teams/:teamId': config('manageAccess', { body: json({ role: 'viewer' }) }),
  'DELETE /api/configs/:id/teams/:teamId': config('manageAccess', { consumes: true }),
  'DELETE /api/orgs/:orgId/teams/:teamId': org('manageTeams', { consumes: true }),
  'PATCH /api/orgs/:orgId': org('manageOrg', { body: (who) => ({ name: `renamed by ${who}` }) }),
  // The world's organisation holds the matrix configuration: its owner is refused, nothing lost
  // (tests/orgs-members.test.ts deletes an empty one).
  'DELETE /api/orgs/:orgId': org('manageOrg', { ok: [409] }),
  'GET /api/orgs/:orgId/members': org('readOrg'),
  // The spare member (an organisation member): made a member again, a no-op that still answers.
  'PATCH /api/orgs/:orgId/members/:userId': org('manageMembers', { body: json({ role: 'member' }) }),
  'DELETE /api/orgs/:orgId/members/:userId': org('manageMembers', { fresh: true, consumes: true }),
  'POST /api/orgs/:orgId/invitations': org('manageMembers', { ok: [201], body: (who, { unique }) => ({ email: `${who}.${unique}@org-invite.test`, role: 'member' }) }),
  'GET /api/orgs/:orgId/invitations': org('manageMembers'),
  'DELETE /api/orgs/:orgId/invitations/:invitationId': org('manageMembers', { consumes: true, params: (w) => ({ invitationId: w.orgInvitationId }) }),
  'POST /api/org-invitations/lookup': anyone({ body: (_who, { world }) => ({ token: world.pendingOrgInvitationToken }) }),
  'POST /api/org-invitations/accept': signedIn({ fresh: true, body: async (_who, ctx) => ({ token: await ctx.newOrgInvitationToken() }) }),
  // To personal, on a configuration of its own: the owner moves it, then the organisation's admin
  // (who held it only through the organisation) finds nothing.
  'POST /api/configs/:id/move': config('transfer', { fresh: true, consumes: true, body: json({ orgId: null }) }),
  'GET /api/tokens': signedIn(),
  'POST /api/tokens': signedIn({ ok: [201], body: (who) => ({ name: `made by ${who}`, scopes: ['read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }) }),
  // An unknown token id (the param is a fresh uuid): "unknown token". tests/access-tokens.test.ts revokes real ones.
  'DELETE /api/tokens/:tokenId': signedIn({ ok: [404] }),
  'GET /api/layout': signedIn(),
  'PUT /api/layout': signedIn({ ok: [204], body: json({ layout: { root: { type: 'row' } } }) }),
  // The built client's pages: public shells; what they show comes through the routes above.
  'GET /': anyone(),
  'GET /c/:configId': anyone(),
  'GET /s/:token': anyone(),
  'GET /login': anyone(),
  'GET /signup': anyone(),
  'GET /i/:token': anyone(),
  'GET /oi/:token': anyone(),
  'GET /account': anyone(),
  'GET /orgs/:orgId': anyone(),
};

/** The sync endpoint, per principal: may it read the document, and are its edits kept? */
export type SyncOutcome = 'write' | 'read-only' | { close: number };

export function syncOutcome(who: Principal, codes: { unauthorized: number; notFound: number }): SyncOutcome {
  // Tokens are for REST: the socket refuses them like a missing credential (with a reason).
  if (isToken(who)) return { close: codes.unauthorized };
  const role = ROLE_OF[who];
  if (role) return can(role, 'edit') ? 'write' : 'read-only';
  return { close: who === 'anonymous' ? codes.unauthorized : codes.notFound };
}
