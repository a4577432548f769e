/**
 * Organisation policies, enforced by the server on every path (docs/architecture.md,
 * "Organisations", policies). Approval: the organisation's rule tightens every configuration's,
 * on a REST build, a retry, a matrix and its cells, a token's build (the CLI's path), and the
 * settings route refuses to loosen below it. Share links: a role or lifetime the organisation
 * does not allow is refused on create and edit; tightening revokes or shortens existing links and
 * a guest on a revoked one is closed at once. The member role follows into live connections.
 * Every change is audited with before/after. Real Postgres, real Redis, real server; no builder
 * (a cancelled build is what gets retried).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { configs } from '../shared/node/db/schema.ts';
import { CloseCode } from '../shared/protocol.ts';
import type { Connection } from '../server/sync/connection.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { VALID_CONFIG } from './builder-harness.ts';

const DAY = 86_400_000;
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;
type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

describe('organisation policies', () => {
  let tmp: string | undefined;
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const rig = useTestServer(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'org-policies-'));
    return { redis: 'policies', artifactsDir: path.join(tmp, 'artifacts') };
  });
  const { server } = rig;

  const as = (user: TestUser) => (p: string, method = 'GET', body?: unknown) =>
    authed(server.url, user.token)(p, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const error = async (res: Response, status: number) => {
    expect(res.status, await res.clone().text()).toBe(status);
    return ((await res.json()) as ErrorBody).error;
  };
  /** An organisation owned by `owner`, with a configuration of it (owned by `owner` too). */
  async function orgWithConfig(owner: TestUser, name: string, data: Record<string, unknown> = { ...VALID_CONFIG, VENDOR: name.replace(/\W/g, '') }) {
    const made = await as(owner)('/api/orgs', 'POST', { name });
    expect(made.status).toBe(201);
    const orgId = ((await made.json()) as { id: string }).id;
    const configId = await createConfig({ url: server.url, token: owner.token }, { name, data });
    await server.database.db.update(configs).set({ orgId }).where(eq(configs.id, configId));
    return { orgId, configId };
  }
  const setPolicies = async (who: TestUser, orgId: string, body: Record<string, unknown>) => {
    const res = await as(who)(`/api/orgs/${orgId}/policies`, 'PUT', body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { policies: Record<string, unknown>; effect: { linksRevoked: number; linksShortened: number } };
  };
  const auditOf = async (orgId: string) =>
    rows(await server.database.db.execute(sql`select action, actor_id::text as actor, config_id::text as config, target from audit_log where org_id = ${orgId} order by id`));
  const connectionsOf = (configId: string, userId: string | null): Connection[] =>
    [...(server.registry.byConfig.get(configId) ?? [])].filter((c) => (userId === null || c.principal.userId === userId) && !c.closed);
  const closeCode = (client: TestClient) =>
    new Promise<number>((resolve) =>
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        client.provider.shouldConnect = false;
        resolve(event?.code ?? 0);
      }),
    );

  it("require approval: every path that starts a build obeys the organisation's rule, and settings cannot loosen it", async () => {
    const [ada, carol, dana] = await Promise.all(['Ada', 'Carol', 'Dana'].map((n) => signUp(server.url, n)));
    const { orgId, configId } = await orgWithConfig(ada, 'Approvals Inc');
    await addMember({ url: server.url, token: ada.token }, configId, carol, 'commenter');
    await addMember({ url: server.url, token: ada.token }, configId, dana, 'commenter');
    const asAda = as(ada);

    // Before the policy: builds start; one build and one matrix are cancelled, to be retried later.
    const first = await asAda(`/api/configs/${configId}/builds`, 'POST', {});
    expect(first.status).toBe(202);
    const buildId = ((await first.json()) as { id: string }).id;
    expect((await asAda(`/api/builds/${buildId}/cancel`, 'POST')).status).toBe(200);
    const matrix = await asAda(`/api/configs/${configId}/matrices`, 'POST', { pick: { boards: ['rock-5b'], branches: ['current'], releases: ['trixie'], images: ['cli'] } });
    expect(matrix.status, await matrix.clone().text()).toBe(202);
    const matrixId = ((await matrix.json()) as { id: string }).id;
    expect((await asAda(`/api/matrices/${matrixId}/cancel`, 'POST', {})).status).toBe(200);
    const cliToken = (await (await asAda('/api/tokens', 'POST', { name: 'cli', scopes: ['read', 'build'], expiresAt: new Date(Date.now() + DAY).toISOString() })).json()) as { token: string };

    // The organisation requires two approvals; the configuration itself still says "no".
    await setPolicies(ada, orgId, { requireApproval: true, requiredApprovals: 2 });
    expect(await (await asAda(`/api/orgs/${orgId}/policies`)).json()).toMatchObject({ requireApproval: true, requiredApprovals: 2 });

    const refusals = {
      build: await asAda(`/api/configs/${configId}/builds`, 'POST', {}),
      retry: await asAda(`/api/builds/${buildId}/retry`, 'POST'),
      matrix: await asAda(`/api/configs/${configId}/matrices`, 'POST', { pick: { boards: ['rock-5b'], branches: ['current'], releases: ['trixie'], images: ['cli'] } }),
      matrixRetry: await asAda(`/api/matrices/${matrixId}/retry`, 'POST', {}),
      cellRetry: await asAda(`/api/matrices/${matrixId}/cells/0/retry`, 'POST', {}),
      // The CLI builds with a personal access token through the same route.
      token: await authed(server.url, cliToken.token)(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' }),
    };
    for (const [path, res] of Object.entries(refusals)) {
      const e = await error(res, 409);
      expect(e.code, path).toBe('approval_required');
      expect(e.message, path).toContain('The organisation Approvals Inc requires at least 2 approvals');
    }

    // The settings say what applies and why; loosening below the organisation is refused.
    const settings = await (await asAda(`/api/configs/${configId}/settings`)).json();
    expect(settings).toEqual({ requireApproval: true, requiredApprovals: 2, organisation: { orgId, name: 'Approvals Inc', requireApproval: true, requiredApprovals: 2 } });
    const off = await error(await asAda(`/api/configs/${configId}/settings`, 'PUT', { requireApproval: false }), 422);
    expect(off.details).toEqual([expect.objectContaining({ path: '/requireApproval', message: expect.stringContaining('Approvals Inc requires approval before builds (policy requireApproval)') })]);
    const fewer = await error(await asAda(`/api/configs/${configId}/settings`, 'PUT', { requiredApprovals: 1 }), 422);
    expect(fewer.details![0]).toMatchObject({ path: '/requiredApprovals', message: expect.stringContaining('at least 2 approvals (policy requiredApprovals)') });
    // Tightening is fine: three approvals, more than the organisation asks.
    expect(await (await asAda(`/api/configs/${configId}/settings`, 'PUT', { requiredApprovals: 3 })).json()).toMatchObject({ requireApproval: true, requiredApprovals: 3 });
    const approval = (await (await asAda(`/api/configs/${configId}/approval`)).json()) as { ok: boolean; required: boolean; organisation: { requiredApprovals: number } };
    expect(approval).toMatchObject({ ok: false, required: true, organisation: { name: 'Approvals Inc', requiredApprovals: 2 } });

    // Two approvals that count: not enough for the configuration's three; enough once it asks for
    // the organisation's two (the stricter of the two rules decides).
    const review = (await (await asAda(`/api/configs/${configId}/reviews`, 'POST', { title: 'Ship it' })).json()) as { id: string };
    for (const who of [carol, dana]) expect((await as(who)(`/api/configs/${configId}/reviews/${review.id}/decision`, 'POST', { decision: 'approve' })).status).toBe(200);
    expect((await error(await asAda(`/api/configs/${configId}/builds`, 'POST', {}), 409)).message).toContain('2 of 3 counted');
    expect((await asAda(`/api/configs/${configId}/settings`, 'PUT', { requiredApprovals: 2 })).status).toBe(200);
    expect((await asAda(`/api/configs/${configId}/builds`, 'POST', {})).status).toBe(202);

    // The organisation asks for more: the approved state is no longer enough, on every path.
    await setPolicies(ada, orgId, { requiredApprovals: 3 });
    expect((await error(await asAda(`/api/configs/${configId}/builds`, 'POST', {}), 409)).message).toContain('2 of 3 counted');
    // Loosening the organisation's policy leaves the configuration's own rule (it required none).
    await setPolicies(ada, orgId, { requireApproval: false });
    expect(await (await asAda(`/api/configs/${configId}/settings`)).json()).toMatchObject({ requireApproval: false, organisation: { requireApproval: false } });

    const changes = (await auditOf(orgId)).filter((r) => r.action === 'policy.changed');
    expect(changes.map((r) => r.target)).toEqual([
      { policies: ['requireApproval', 'requiredApprovals'], before: { requireApproval: false, requiredApprovals: 1 }, after: { requireApproval: true, requiredApprovals: 2 } },
      { policies: ['requiredApprovals'], before: { requiredApprovals: 2 }, after: { requiredApprovals: 3 } },
      { policies: ['requireApproval'], before: { requireApproval: true }, after: { requireApproval: false } },
    ]);
    expect(changes.every((r) => r.actor === ada.user.id)).toBe(true);
  });

  it("an approval by someone who is a commenter through the organisation's member role counts", async () => {
    const [ada, olga] = await Promise.all(['Ada', 'Olga'].map((n) => signUp(server.url, n)));
    const { orgId, configId } = await orgWithConfig(ada, 'Member Approvals');
    await server.database.db.execute(sql`insert into org_members (org_id, user_id, role) values (${orgId}, ${olga.user.id}, 'member')`);
    await setPolicies(ada, orgId, { memberRole: 'commenter', requireApproval: true, requiredApprovals: 1 });
    const review = (await (await as(ada)(`/api/configs/${configId}/reviews`, 'POST', { title: 'Check' })).json()) as { id: string };
    const decided = (await (await as(olga)(`/api/configs/${configId}/reviews/${review.id}/decision`, 'POST', { decision: 'approve' })).json()) as { status: string };
    expect(decided.status).toBe('approved');
    expect((await as(ada)(`/api/configs/${configId}/builds`, 'POST', {})).status).toBe(202);
  });

  it('share links: tightening revokes and shortens existing links (a live guest is closed), and new or edited links keep to the policy', async () => {
    const ada = await signUp(server.url, 'Ada');
    const { orgId, configId } = await orgWithConfig(ada, 'Links Ltd');
    const asAda = as(ada);
    const link = async (body: Record<string, unknown>) => {
      const res = await asAda(`/api/configs/${configId}/shares`, 'POST', body);
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; token: string; expiresAt: string | null };
    };
    const editorLink = await link({ role: 'editor', label: 'forever editor' });
    const longLink = await link({ role: 'commenter', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
    const shortLink = await link({ role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const guest = rig.connect(server.url, configId, { share: editorLink.token });
    await synced(guest);
    const closed = closeCode(guest);

    const before = Date.now();
    const change = await setPolicies(ada, orgId, { allowedLinkRoles: ['viewer', 'commenter'], maxLinkLifetimeMs: 7 * DAY });
    expect(change.effect).toEqual({ linksRevoked: 1, linksShortened: 1 });
    expect(change.policies).toMatchObject({ allowedLinkRoles: ['viewer', 'commenter'], maxLinkLifetimeMs: 7 * DAY });
    // The guest on the editor link loses access at once (before the answer, on this process).
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect((await fetch(`${server.url}/api/shares/${editorLink.token}`)).status).toBe(404);

    const shares = (await (await asAda(`/api/configs/${configId}/shares`)).json()) as Array<{ id: string; expiresAt: string }>;
    expect(shares.map((s) => s.id).sort()).toEqual([longLink.id, shortLink.id].sort());
    const shortened = new Date(shares.find((s) => s.id === longLink.id)!.expiresAt).getTime();
    expect(shortened).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(shortened).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(shares.find((s) => s.id === shortLink.id)!.expiresAt).toBe(shortLink.expiresAt);

    // New links: a role the organisation does not allow, no expiry, or too long an expiry: 422 with the reason.
    const inAWeek = (extraMs: number) => new Date(Date.now() + 7 * DAY + extraMs).toISOString();
    const editor = await error(await asAda(`/api/configs/${configId}/shares`, 'POST', { role: 'editor', expiresAt: inAWeek(-60_000) }), 422);
    expect(editor.details).toEqual([expect.objectContaining({ path: '/role', message: expect.stringContaining('Links Ltd does not allow editor links') })]);
    const forever = await error(await asAda(`/api/configs/${configId}/shares`, 'POST', { role: 'viewer' }), 422);
    expect(forever.details![0]).toMatchObject({ path: '/expiresAt', message: expect.stringContaining('limits links to 7 days') });
    expect((await error(await asAda(`/api/configs/${configId}/shares`, 'POST', { role: 'viewer', expiresAt: inAWeek(DAY) }), 422)).details![0].path).toBe('/expiresAt');
    await link({ role: 'viewer', expiresAt: inAWeek(-60_000) });

    // Edits: the same rules; a label alone is fine.
    expect((await error(await asAda(`/api/configs/${configId}/shares/${shortLink.id}`, 'PATCH', { role: 'editor' }), 422)).details![0].path).toBe('/role');
    expect((await error(await asAda(`/api/configs/${configId}/shares/${shortLink.id}`, 'PATCH', { expiresAt: null }), 422)).details![0].path).toBe('/expiresAt');
    expect((await error(await asAda(`/api/configs/${configId}/shares/${shortLink.id}`, 'PATCH', { expiresAt: inAWeek(DAY) }), 422)).details![0].path).toBe('/expiresAt');
    expect((await asAda(`/api/configs/${configId}/shares/${shortLink.id}`, 'PATCH', { label: 'renamed', role: 'commenter' })).status).toBe(200);

    // A personal configuration is not the organisation's: its links are its owner's business.
    const personal = await createConfig({ url: server.url, token: ada.token }, { name: 'mine' });
    expect((await asAda(`/api/configs/${personal}/shares`, 'POST', { role: 'editor' })).status).toBe(201);

    const audit = await auditOf(orgId);
    expect(audit.find((r) => r.action === 'link.revoked')).toMatchObject({ config: configId, actor: ada.user.id, target: { linkId: editorLink.id, role: 'editor' } });
    expect(audit.find((r) => r.action === 'link.changed')).toMatchObject({ config: configId, target: { linkId: longLink.id, reason: expect.stringContaining('maxLinkLifetimeMs') } });
    expect(audit.find((r) => r.action === 'policy.changed')?.target).toEqual({
      policies: ['allowedLinkRoles', 'maxLinkLifetimeMs'],
      before: { allowedLinkRoles: ['viewer', 'commenter', 'editor'], maxLinkLifetimeMs: null },
      after: { allowedLinkRoles: ['viewer', 'commenter'], maxLinkLifetimeMs: 7 * DAY },
    });
  });

  it("a member-role change reaches a member's live connection at once; only admins change policies", async () => {
    const [ada, mia] = await Promise.all(['Ada', 'Mia'].map((n) => signUp(server.url, n)));
    const { orgId, configId } = await orgWithConfig(ada, 'Roles GmbH');
    const asAda = as(ada);
    const invited = (await (await asAda(`/api/orgs/${orgId}`)).json()) as { id: string };
    expect(invited.id).toBe(orgId);
    // Mia joins as a plain member (the invitation flow is another feature's; the store is the same).
    await server.database.db.execute(sql`insert into org_members (org_id, user_id, role) values (${orgId}, ${mia.user.id}, 'member')`);

    // She reads the policies but may not change them.
    expect(await (await as(mia)(`/api/orgs/${orgId}/policies`)).json()).toMatchObject({ memberRole: 'viewer' });
    expect((await error(await as(mia)(`/api/orgs/${orgId}/policies`, 'PUT', { memberRole: 'editor' }), 403)).code).toBe('forbidden');

    const client = rig.connect({ url: server.url, token: mia.token }, configId);
    await synced(client);
    expect(connectionsOf(configId, mia.user.id).map((c) => c.principal.role)).toEqual(['viewer']);

    await setPolicies(ada, orgId, { memberRole: 'editor' });
    expect(connectionsOf(configId, mia.user.id).map((c) => c.principal.role)).toEqual(['editor']);
    const owner = rig.connect({ url: server.url, token: ada.token }, configId);
    await synced(owner);
    client.doc.getMap('config').set('VENDOR', 'edited by a member');
    await eventually(() => expect(String(owner.doc.getMap('config').get('VENDOR'))).toBe('edited by a member'));

    // No member role: she holds nothing on the configuration any more; her connection closes.
    const closed = closeCode(client);
    await setPolicies(ada, orgId, { memberRole: null });
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect((await as(mia)(`/api/configs/${configId}`)).status).toBe(404);
    expect((await auditOf(orgId)).filter((r) => r.action === 'policy.changed').map((r) => r.target)).toEqual([
      { policies: ['memberRole'], before: { memberRole: 'viewer' }, after: { memberRole: 'editor' } },
      { policies: ['memberRole'], before: { memberRole: 'editor' }, after: { memberRole: null } },
    ]);
  });

  it('refuses nonsense with 422 and details, hides other organisations, and records nothing for a no-op', async () => {
    const [ada, eve] = await Promise.all(['Ada', 'Eve'].map((n) => signUp(server.url, n)));
    const { orgId } = await orgWithConfig(ada, 'Valid Co');
    const put = (body: unknown, who = ada) => as(who)(`/api/orgs/${orgId}/policies`, 'PUT', body);
    const cases: Array<[unknown, string]> = [
      [{ requiredApprovals: 0 }, '/requiredApprovals'],
      [{ requiredApprovals: 11 }, '/requiredApprovals'],
      [{ requireApproval: 'yes' }, '/requireApproval'],
      [{ allowedLinkRoles: ['viewer', 'owner'] }, '/allowedLinkRoles'],
      [{ allowedLinkRoles: ['viewer', 'viewer'] }, '/allowedLinkRoles'],
      [{ memberRole: 'owner' }, '/memberRole'],
      [{ maxLinkLifetimeMs: 59_999 }, '/maxLinkLifetimeMs'],
      [{ maxLinkLifetimeMs: 400 * DAY }, '/maxLinkLifetimeMs'],
      [{ configCreators: 'everyone' }, '/configCreators'],
      [{ auditRetentionDays: 1 }, '/auditRetentionDays'],
      [{}, ''],
    ];
    for (const [body, path] of cases) {
      const e = await error(await put(body), 422);
      expect(e.code, JSON.stringify(body)).toBe('validation_failed');
      expect(e.details?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    expect((await put('[1]' as unknown)).status).toBeGreaterThanOrEqual(400);
    // Another tenant, or an id that is no organisation: the same 404.
    expect((await error(await put({ requireApproval: true }, eve), 404)).message).toBe('unknown organisation');
    expect((await as(eve)(`/api/orgs/${orgId}/policies`)).status).toBe(404);
    expect((await as(ada)('/api/orgs/not-an-id/policies')).status).toBe(404);
    // Setting what already holds changes nothing and records nothing.
    expect((await setPolicies(ada, orgId, { requireApproval: false, configCreators: 'members' })).effect).toEqual({ linksRevoked: 0, linksShortened: 0 });
    expect((await auditOf(orgId)).filter((r) => r.action === 'policy.changed')).toEqual([]);
    expect(await (await as(ada)(`/api/orgs/${orgId}/policies`)).json()).toMatchObject({ requireApproval: false, configCreators: 'members' });
  });
});
