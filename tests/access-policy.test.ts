/**
 * The access policy without a database: every role against every action, authorship of a
 * comment, links (expired, revoked, snapshot, another configuration's), sessions, the stronger of
 * membership and link with its expiry, and the one mapping from a denial to a status or close
 * code, and personal access tokens (scopes, restriction). The REST answers for every route are in tests/access-permission-matrix.test.ts; the live
 * re-decisions in tests/access-live-decisions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { scopeOf } from '../server/access/access-control.ts';
import {
  admissionClose,
  ALL_ACTIONS,
  decide,
  decideFor,
  denialResponse,
  grantFor,
  isGuestPersonId,
  liveClose,
  personIdOf,
  type AccessFacts,
  type Action,
  type Grant,
  type MemberPrincipal,
  type Principal,
  type ShareLinkGuestPrincipal,
  type TokenPrincipal,
} from '../server/access/policy.ts';
import type { ShareLink } from '../server/auth/access-store.ts';
import { CloseCode } from '../shared/protocol.ts';
import { ROLES, type Role } from '../shared/roles.ts';
import { TOKEN_SCOPES, type TokenScope } from '../shared/token-scopes.ts';

const CONFIG = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const NOW = Date.parse('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;

/** What each role may do, written out by hand (not derived from the table under test). */
const EXPECTED: Record<Role, Action[]> = {
  viewer: ['read'],
  commenter: ['read', 'comment', 'editOwnComment', 'decide'],
  editor: ['read', 'comment', 'editOwnComment', 'decide', 'edit', 'build', 'openReview', 'manageSecrets'],
  owner: ['read', 'comment', 'editOwnComment', 'decide', 'edit', 'build', 'openReview', 'manageSecrets', 'configureReview', 'manageAccess', 'manageWebhooks', 'delete', 'transfer'],
};

const link = (over: Partial<ShareLink> = {}): ShareLink => ({
  id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  configId: CONFIG,
  role: 'editor',
  kind: 'live',
  label: null,
  expiresAt: null,
  createdAt: new Date(NOW - HOUR),
  lastUsedAt: null,
  uses: 0,
  revokedAt: null,
  ...over,
});

const member = (over: Partial<MemberPrincipal> = {}): MemberPrincipal => ({
  kind: 'member',
  userId: 'uuuuuuuu-uuuu-4uuu-8uuu-uuuuuuuuuuuu',
  name: 'Ada',
  isAdmin: false,
  sessionId: 'ssssssss-ssss-4sss-8sss-ssssssssssss',
  sessionExpiresAt: NOW + 24 * HOUR,
  link: null,
  ...over,
});

const guest = (l: ShareLink = link(), guestId: string | null = null): ShareLinkGuestPrincipal => ({ kind: 'shareLinkGuest', link: l, guestId, guestName: null });

/** Facts as a request would read them for `principal`: its session live, its link as it is. */
function factsOf(principal: Principal, memberRole: Role | null, over: Partial<AccessFacts> = {}): AccessFacts {
  const l = principal.kind === 'anonymous' ? null : principal.link;
  return {
    configGone: false,
    memberRole,
    session: principal.kind === 'member' ? { expiresAt: principal.sessionExpiresAt, revoked: false } : null,
    link: l ? { id: l.id, configId: l.configId, role: l.role, kind: l.kind, expiresAt: l.expiresAt?.getTime() ?? null, revoked: l.revokedAt !== null } : null,
    ...over,
  };
}

const grantOf = (role: Role): Grant => ({ role, linkId: null, expiresAt: undefined });

describe('every role against every action', () => {
  for (const role of ROLES) {
    for (const action of ALL_ACTIONS) {
      const allowed = EXPECTED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        // editOwnComment is asked about the caller's own comment here; others' is below.
        const context = { comment: { authorId: 'me', actorId: 'me' } };
        const asMember = decideFor(member(), CONFIG, action, factsOf(member(), role), NOW, context);
        expect(asMember.ok).toBe(allowed);
        if (!asMember.ok) expect(asMember.denial).toEqual({ reason: 'roleTooLow', role, action });
        if (role === 'owner') return; // a link never carries owner
        const viaLink = guest(link({ role }));
        // First-boot secrets are for members only: a link never grants them, whatever its role.
        const viaLinkAllowed = allowed && action !== 'manageSecrets';
        expect(decideFor(viaLink, CONFIG, action, factsOf(viaLink, null), NOW, context).ok).toBe(viaLinkAllowed);
      });
    }
  }
});

describe('conditions beyond the role', () => {
  it('manageSecrets: never through a share link, even an editor one', () => {
    const viaLink = guest(link({ role: 'editor' }));
    expect(decideFor(viaLink, CONFIG, 'manageSecrets', factsOf(viaLink, null), NOW)).toEqual({ ok: false, denial: { reason: 'personOnly', action: 'manageSecrets' } });
    expect(decide(grantOf('editor'), 'manageSecrets').ok).toBe(true);
  });

  it('editOwnComment: only the comment author, whatever the role', () => {
    expect(decide(grantOf('owner'), 'editOwnComment', { comment: { authorId: 'someone-else', actorId: 'me' } })).toEqual({ ok: false, denial: { reason: 'notAuthor' } });
    expect(decide(grantOf('commenter'), 'editOwnComment', { comment: { authorId: 'me', actorId: 'me' } }).ok).toBe(true);
    // A comment the server wrote has no author id: nobody may edit it as theirs.
    expect(decide(grantOf('owner'), 'editOwnComment', { comment: { authorId: null, actorId: 'me' } }).ok).toBe(false);
    // Without the comment there is no decision to make in favour.
    expect(decide(grantOf('owner'), 'editOwnComment').ok).toBe(false);
    // A viewer is refused for the role first, even on their own comment.
    expect(decide(grantOf('viewer'), 'editOwnComment', { comment: { authorId: 'me', actorId: 'me' } })).toMatchObject({ ok: false, denial: { reason: 'roleTooLow' } });
  });

  it('a guest is recorded as share:<link> over REST and guest:<id> on a connection, a member by user id', () => {
    expect(personIdOf(member())).toBe(member().userId);
    expect(personIdOf(guest())).toBe(`share:${link().id}`);
    expect(personIdOf(guest(link(), 'g1'))).toBe('guest:g1');
    expect(isGuestPersonId(personIdOf(guest()))).toBe(true);
    expect(isGuestPersonId(personIdOf(guest(link(), 'g1')))).toBe(true);
    expect(isGuestPersonId(personIdOf(member()))).toBe(false);
  });
});

describe('grants from membership, links and sessions', () => {
  it('no credential is 401; a credential that gives nothing is 404, never an oracle', () => {
    const none = decideFor({ kind: 'anonymous', presented: false }, CONFIG, 'read', factsOf({ kind: 'anonymous', presented: false }, null), NOW);
    const dead = decideFor({ kind: 'anonymous', presented: true }, CONFIG, 'read', factsOf({ kind: 'anonymous', presented: true }, null), NOW);
    const stranger = decideFor(member(), CONFIG, 'read', factsOf(member(), null), NOW);
    expect(none).toEqual({ ok: false, denial: { reason: 'unauthenticated' } });
    expect(dead).toEqual({ ok: false, denial: { reason: 'noAccess' } });
    expect(stranger).toEqual({ ok: false, denial: { reason: 'noAccess' } });
  });

  it('an expired, a revoked, a snapshot and another configuration\'s link grant nothing', () => {
    for (const l of [
      link({ expiresAt: new Date(NOW - 1) }),
      link({ expiresAt: new Date(NOW) }),
      link({ revokedAt: new Date(NOW - HOUR) }),
      link({ kind: 'snapshot', role: 'viewer' }),
      link({ configId: OTHER }),
    ]) {
      expect(grantFor(guest(l), CONFIG, factsOf(guest(l), null), NOW)).toEqual({ ok: false, denial: { reason: 'noAccess' } });
    }
    expect(grantFor(guest(link({ expiresAt: new Date(NOW + 1) })), CONFIG, factsOf(guest(link({ expiresAt: new Date(NOW + 1) })), null), NOW).ok).toBe(true);
  });

  it('the stronger of membership and link counts; the link is named only when it is what grants the role', () => {
    const withLink = member({ link: link({ role: 'editor', expiresAt: new Date(NOW + HOUR) }) });
    expect(grantFor(withLink, CONFIG, factsOf(withLink, 'viewer'), NOW)).toEqual({
      ok: true,
      grant: { role: 'editor', linkId: withLink.link!.id, expiresAt: NOW + HOUR },
    });
    // Membership at least as strong: the link's expiry does not end the access.
    expect(grantFor(withLink, CONFIG, factsOf(withLink, 'editor'), NOW)).toEqual({
      ok: true,
      grant: { role: 'editor', linkId: null, expiresAt: withLink.sessionExpiresAt },
    });
    // The link revoked: the membership is what is left (a lower role, not the end).
    expect(grantFor(withLink, CONFIG, factsOf(withLink, 'viewer', { link: { ...factsOf(withLink, 'viewer').link!, revoked: true } }), NOW)).toEqual({
      ok: true,
      grant: { role: 'viewer', linkId: null, expiresAt: withLink.sessionExpiresAt },
    });
  });

  it('a grant ends with the earlier of session and link', () => {
    const soonSession = member({ sessionExpiresAt: NOW + HOUR, link: link({ expiresAt: new Date(NOW + 30 * 24 * HOUR) }) });
    expect(grantFor(soonSession, CONFIG, factsOf(soonSession, null), NOW)).toMatchObject({ ok: true, grant: { expiresAt: NOW + HOUR } });
    const soonLink = member({ sessionExpiresAt: NOW + 24 * HOUR, link: link({ expiresAt: new Date(NOW + HOUR) }) });
    expect(grantFor(soonLink, CONFIG, factsOf(soonLink, null), NOW)).toMatchObject({ ok: true, grant: { expiresAt: NOW + HOUR } });
    const forever = guest(link({ expiresAt: null }));
    expect(grantFor(forever, CONFIG, factsOf(forever, null), NOW)).toMatchObject({ ok: true, grant: { expiresAt: undefined } });
  });

  it('an ended session ends a member\'s access even when a link would still grant a role', () => {
    const withLink = member({ link: link() });
    for (const session of [null, { expiresAt: NOW + HOUR, revoked: true }, { expiresAt: NOW, revoked: false }]) {
      expect(grantFor(withLink, CONFIG, factsOf(withLink, 'owner', { session }), NOW)).toEqual({ ok: false, denial: { reason: 'sessionEnded' } });
    }
  });

  it('admins and owners hold owner through membership facts; a deleted configuration is gone for everyone', () => {
    expect(grantFor(member({ isAdmin: true }), CONFIG, factsOf(member(), 'owner'), NOW)).toMatchObject({ ok: true, grant: { role: 'owner' } });
    expect(grantFor(member(), CONFIG, factsOf(member(), 'owner', { configGone: true }), NOW)).toEqual({ ok: false, denial: { reason: 'configGone' } });
    expect(grantFor(guest(), CONFIG, factsOf(guest(), null, { configGone: true }), NOW)).toEqual({ ok: false, denial: { reason: 'configGone' } });
  });
});

describe('one mapping from denials to answers', () => {
  it('REST statuses keep 401 / 404 / 403', () => {
    expect(denialResponse({ reason: 'unauthenticated' }).status).toBe(401);
    for (const reason of ['noAccess', 'configGone', 'sessionEnded'] as const) expect(denialResponse({ reason }).status).toBe(404);
    expect(denialResponse({ reason: 'roleTooLow', role: 'viewer', action: 'edit' })).toEqual({ status: 403, code: 'forbidden', message: 'your role (viewer) may not edit this configuration' });
    expect(denialResponse({ reason: 'notAuthor' })).toEqual({ status: 403, code: 'forbidden', message: 'only its author may edit a comment' });
  });

  it('the WebSocket door answers 4401 or 4404; a live connection ends with 4404 or 4431', () => {
    expect(admissionClose({ reason: 'unauthenticated' })).toBe(CloseCode.unauthorized);
    expect(admissionClose({ reason: 'noAccess' })).toBe(CloseCode.notFound);
    expect(liveClose({ reason: 'configGone' })).toBe(CloseCode.notFound);
    expect(liveClose({ reason: 'noAccess' })).toBe(CloseCode.accessRevoked);
    expect(liveClose({ reason: 'sessionEnded' })).toBe(CloseCode.accessRevoked);
  });
});

describe('invalidations between processes', () => {
  it('carry a scope, never a decision; anything else asks for a full re-check', () => {
    expect(scopeOf({ type: 'invalidate', scope: { configId: CONFIG, linkId: 'l' } })).toEqual({ configId: CONFIG, userId: undefined, linkId: 'l' });
    expect(scopeOf({ type: 'invalidate', scope: { sessionId: 's' } })).toEqual({ sessionId: 's' });
    // An older process's event (a decided role) and garbage: no precise scope.
    expect(scopeOf({ type: 'shareRoleChanged', args: [CONFIG, 'l', 'viewer', null] })).toBeNull();
    expect(scopeOf({ type: 'invalidate', scope: { configId: 42 } })).toBeNull();
    expect(scopeOf(null)).toBeNull();
  });
});

describe('personal access tokens', () => {
  /** What each scope allows, written out by hand (not derived from SCOPE_OF_ACTION). */
  const BY_SCOPE: Record<TokenScope, Action[]> = {
    read: ['read'],
    write: ['comment', 'editOwnComment', 'edit'],
    build: ['build'],
    review: ['decide', 'openReview'],
    secrets: ['manageSecrets'],
  };
  const token = (over: Partial<TokenPrincipal> = {}): TokenPrincipal => ({
    kind: 'token',
    tokenId: 'tttttttt-tttt-4ttt-8ttt-tttttttttttt',
    userId: 'uuuuuuuu-uuuu-4uuu-8uuu-uuuuuuuuuuuu',
    name: 'Tess',
    isAdmin: false,
    scopes: ['read'],
    configIds: null,
    expiresAt: NOW + HOUR,
    link: null,
    ...over,
  });
  const facts = (memberRole: Role | null): AccessFacts => ({ configGone: false, memberRole, session: null, link: null });
  /** The caller wrote the comment (editOwnComment's condition beyond role and scope). */
  const own = { comment: { authorId: 'uuuuuuuu-uuuu-4uuu-8uuu-uuuuuuuuuuuu', actorId: 'uuuuuuuu-uuuu-4uuu-8uuu-uuuuuuuuuuuu' } };

  it("allow exactly their scopes' actions, within the owner's role", () => {
    for (const role of ROLES) {
      for (const scope of TOKEN_SCOPES) {
        const allowed = ALL_ACTIONS.filter((action) => decideFor(token({ scopes: [scope] }), CONFIG, action, facts(role), NOW, own).ok);
        expect({ role, scope, allowed }).toEqual({ role, scope, allowed: BY_SCOPE[scope].filter((a) => EXPECTED[role].includes(a)) });
      }
    }
    // Every scope together still never manages access, review settings or deletes.
    const all = ALL_ACTIONS.filter((action) => decideFor(token({ scopes: [...TOKEN_SCOPES] }), CONFIG, action, facts('owner'), NOW, own).ok);
    expect(all).toEqual(['read', 'comment', 'editOwnComment', 'decide', 'edit', 'build', 'openReview', 'manageSecrets']);
  });

  it('name the missing scope, and answer a restriction or no role like a missing configuration', () => {
    const refused = decideFor(token(), CONFIG, 'edit', facts('owner'), NOW);
    expect(refused).toEqual({ ok: false, denial: { reason: 'tokenScope', action: 'edit', scope: 'write' } });
    expect(!refused.ok && denialResponse(refused.denial)).toMatchObject({ status: 403, code: 'token_scope', details: { missingScope: 'write' } });
    const never = decideFor(token({ scopes: [...TOKEN_SCOPES] }), CONFIG, 'manageAccess', facts('owner'), NOW);
    expect(!never.ok && denialResponse(never.denial)).toMatchObject({ status: 403, code: 'token_scope', details: { missingScope: null } });
    // A lower role is the role's refusal, whatever the scopes.
    expect(decideFor(token({ scopes: ['write'] }), CONFIG, 'edit', facts('viewer'), NOW)).toMatchObject({ ok: false, denial: { reason: 'roleTooLow' } });
    for (const [principal, role] of [
      [token({ configIds: [OTHER] }), 'owner'],
      [token(), null],
      [token({ expiresAt: NOW }), 'owner'],
    ] as const) {
      const d = decideFor(principal, CONFIG, 'read', facts(role), NOW);
      expect(!d.ok && denialResponse(d.denial).status).toBe(404);
    }
    expect(decideFor(token({ configIds: [CONFIG] }), CONFIG, 'read', facts('viewer'), NOW)).toMatchObject({ ok: true, grant: { role: 'viewer', expiresAt: NOW + HOUR } });
    expect(personIdOf(token())).toBe('uuuuuuuu-uuuu-4uuu-8uuu-uuuuuuuuuuuu');
  });
});
