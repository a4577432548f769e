/**
 * The audit log per organisation (#20 item 6; docs/architecture.md, "Audit log"): every change of
 * who may do what or what gets built is one entry with its actor, time and address, under the
 * configuration's organisation (a personal configuration's under none, in its own audit); the
 * organisation's admins read it filtered and paged, and export it as JSON lines; members get 403,
 * everyone else 404; the retention sweep deletes only what is old for its organisation; and no
 * entry ever holds a secret value, a share-link token or an invitation token.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../shared/node/db/orgs-schema.ts';
import { configs } from '../shared/node/db/schema.ts';
import { createOrgStore } from '../server/orgs/org-store.ts';
import { eq } from 'drizzle-orm';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { BUILDABLE } from './helpers/world.ts';
import type { AuditEntry } from '../shared/audit-actions.ts';

const { server } = useTestServer({ redis: 'audit' });
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;

/** An entry as the API answers it (actions as plain strings: the test also reads unknown ones). */
type Entry = AuditEntry<string, string>;
interface Page {
  entries: Entry[];
  next: number | null;
}

const ROOT_PASSWORD = `Root-${randomBytes(6).toString('hex')}`;

describe('the audit log', () => {
  let owner: ReturnType<typeof authed>;
  let orgId: string;
  let orgConfig: string;
  let personalConfig: string;
  let admin: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let invitee: TestUser;
  let otherOrgId: string;
  let otherConfig: string;
  /** Every token the test was handed: none may appear in the log. */
  const tokens: string[] = [];
  let linkId: string;
  let guestBuildId: string;
  let patPrefix: string;

  const call = async (who: ReturnType<typeof authed>, path: string, method = 'GET', body?: unknown, expected?: number) => {
    const res = await who(path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (expected !== undefined && res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const read = async (path: string, who = owner): Promise<Page> => (await (await call(who, path, 'GET', undefined, 200)).json()) as Page;
  const all = async (base: string, who = owner): Promise<Entry[]> => {
    const out: Entry[] = [];
    let before: number | null = null;
    for (;;) {
      const sep = base.includes('?') ? '&' : '?';
      const page = await read(`${base}${sep}limit=200${before ? `&before=${before}` : ''}`, who);
      out.push(...page.entries);
      if (page.next === null) return out;
      before = page.next;
    }
  };

  beforeAll(async () => {
    owner = authed(server.url, server.token);
    [admin, member, outsider, invitee] = await Promise.all(['Admin', 'Member', 'Outsider', 'Invitee'].map((n) => signUp(server.url, n)));
    orgId = ((await (await call(owner, '/api/orgs', 'POST', { name: 'Audited' }, 201)).json()) as { id: string }).id;
    const orgs = createOrgStore(server.database.db);
    await orgs.setMember(orgId, admin.user.id, 'admin');
    await orgs.setMember(orgId, member.user.id, 'member');
    // Configurations are moved into the organisation in Postgres: creating one in an
    // organisation is another helper's route.
    orgConfig = await createConfig(server, { name: 'Org board', data: BUILDABLE });
    await server.database.db.update(configs).set({ orgId }).where(eq(configs.id, orgConfig));
    personalConfig = await createConfig(server, { name: 'My board', data: BUILDABLE });
    otherOrgId = ((await (await call(authed(server.url, outsider.token), '/api/orgs', 'POST', { name: 'Elsewhere' }, 201)).json()) as { id: string }).id;
    otherConfig = await createConfig({ url: server.url, token: outsider.token }, { name: 'Their board', data: BUILDABLE });
    await server.database.db.update(configs).set({ orgId: otherOrgId }).where(eq(configs.id, otherConfig));
    await call(authed(server.url, outsider.token), `/api/configs/${otherConfig}/shares`, 'POST', { role: 'viewer' }, 201);

    const c = `/api/configs/${orgConfig}`;
    // Members and invitations.
    const invited = (await (await call(owner, `${c}/members`, 'POST', { email: invitee.user.email, role: 'viewer' }, 201)).json()) as { token: string };
    tokens.push(invited.token);
    await call(authed(server.url, invitee.token), '/api/invitations/accept', 'POST', { token: invited.token }, 200);
    await call(owner, `${c}/members/${invitee.user.id}`, 'PATCH', { role: 'editor' }, 200);
    await call(owner, `${c}/members/${invitee.user.id}`, 'DELETE', undefined, 204);
    const revocable = (await (await call(owner, `${c}/members`, 'POST', { email: 'nobody@example.test', role: 'viewer' }, 201)).json()) as { id: string; token: string };
    tokens.push(revocable.token);
    await call(owner, `${c}/invitations/${revocable.id}`, 'DELETE', undefined, 204);
    // Share links: one to change and revoke, one an editor link a guest builds through.
    const link = (await (await call(owner, `${c}/shares`, 'POST', { role: 'viewer', label: 'for review' }, 201)).json()) as { id: string; token: string };
    tokens.push(link.token);
    await call(owner, `${c}/shares/${link.id}`, 'PATCH', { role: 'commenter' }, 200);
    await call(owner, `${c}/shares/${link.id}`, 'DELETE', undefined, 204);
    const editorLink = (await (await call(owner, `${c}/shares`, 'POST', { role: 'editor' }, 201)).json()) as { id: string; token: string };
    tokens.push(editorLink.token);
    linkId = editorLink.id;
    // First-boot secrets.
    await call(owner, `${c}/secrets/rootPassword`, 'PUT', { value: ROOT_PASSWORD }, 200);
    await call(owner, `${c}/secrets/rootPassword`, 'DELETE', undefined, 204);
    // Review settings.
    await call(owner, `${c}/settings`, 'PUT', { requireApproval: false, requiredApprovals: 2 }, 200);
    // Builds: started, cancelled (queued: at once, no builder needed), retried; a matrix.
    const build = (await (await call(owner, `${c}/builds`, 'POST', {}, 202)).json()) as { id: string };
    await call(owner, `/api/builds/${build.id}/cancel`, 'POST', undefined, 200);
    const retried = (await (await call(owner, `/api/builds/${build.id}/retry`, 'POST', undefined, 202)).json()) as { id: string };
    await call(owner, `/api/builds/${retried.id}/cancel`, 'POST', undefined, 200);
    await call(owner, `${c}/matrices`, 'POST', { targets: [{ BUILD_MINIMAL: 'yes' }, { BUILD_MINIMAL: 'no', RELEASE: 'bookworm' }] }, 202);
    // A share-link guest builds (no account) and a personal access token cancels.
    const guest = authed(server.url, null);
    const guestBuild = await guest(`${c}/builds`, { method: 'POST', body: JSON.stringify({ force: true }), headers: { 'x-share-token': editorLink.token } });
    if (guestBuild.status !== 202) throw new Error(`guest build: ${guestBuild.status} ${await guestBuild.text()}`);
    guestBuildId = ((await guestBuild.json()) as { id: string }).id;
    const pat = (await (
      await call(owner, '/api/tokens', 'POST', { name: 'ci', scopes: ['read', 'build'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, 201)
    ).json()) as { token: string };
    tokens.push(pat.token);
    patPrefix = pat.token.split('_').slice(0, 2).join('_');
    await call(authed(server.url, pat.token), `/api/builds/${guestBuildId}/cancel`, 'POST', undefined, 200);
    // Configurations: deleted and restored.
    await call(owner, c, 'DELETE', undefined, 204);
    await call(owner, `${c}/restore`, 'POST', undefined, 200);
  }, 60_000);

  it('records each event once, with the actor, the address and the organisation', async () => {
    const entries = (await all(`/api/orgs/${orgId}/audit`)).filter((e) => e.configId === orgConfig);
    const count = (action: string, where: (e: Entry) => boolean = () => true) => entries.filter((e) => e.action === action && where(e)).length;
    const once = [
      'invitation.accepted',
      'member.added',
      'member.role_changed',
      'member.removed',
      'invitation.revoked',
      'link.changed',
      'link.revoked',
      'secret.set',
      'secret.cleared',
      'review_settings.changed',
      'build.retried',
      'config.deleted',
      'config.restored',
    ];
    for (const action of once) expect({ action, n: count(action) }).toEqual({ action, n: 1 });
    // The invitee's, and the one revoked before it was used.
    expect(entries.filter((e) => e.action === 'invitation.created').map((e) => e.target.email)).toEqual(['nobody@example.test', invitee.user.email]);
    expect(count('link.created')).toBe(2);
    // A single build by the owner, a matrix (one entry with its cells' count), a guest's build.
    expect(count('build.started', (e) => e.actorId === server.owner.user.id && !e.target.matrixId)).toBe(1);
    expect(entries.filter((e) => e.action === 'build.started' && e.target.matrixId).map((e) => e.target.cells)).toEqual([2]);
    expect(count('build.cancelled')).toBe(3);

    const ownerEntries = entries.filter((e) => e.actorId === server.owner.user.id);
    for (const e of ownerEntries) {
      expect(e).toMatchObject({ orgId, configId: orgConfig, configName: 'Org board', actorName: server.owner.user.name });
      expect(e.address).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.now() - Date.parse(e.at)).toBeLessThan(120_000);
    }
    // The invitee accepted: the entry is theirs.
    expect(entries.find((e) => e.action === 'invitation.accepted')).toMatchObject({ actorId: invitee.user.id, target: { scope: 'config', userId: invitee.user.id, role: 'viewer' } });
    expect(entries.find((e) => e.action === 'member.role_changed')?.target).toMatchObject({ scope: 'config', userId: invitee.user.id, role: 'editor' });
    expect(entries.find((e) => e.action === 'link.changed')?.target).toMatchObject({ role: 'commenter', kind: 'live', label: 'for review', changed: ['role'] });
    expect(entries.find((e) => e.action === 'secret.set')?.target).toEqual({ name: 'rootPassword', replaced: false });
    const started = entries.find((e) => e.action === 'build.started' && e.actorId === server.owner.user.id && !e.target.matrixId)!;
    expect(started.target).toMatchObject({ buildId: expect.any(String), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The guest: no account, named by the link; the token: its owner, and which token.
    expect(entries.find((e) => e.action === 'build.started' && e.target.buildId === guestBuildId)).toMatchObject({ actorId: null, actorName: `share link ${linkId}` });
    expect(entries.find((e) => e.action === 'build.cancelled' && e.target.buildId === guestBuildId)).toMatchObject({
      actorId: server.owner.user.id,
      target: { via: `token ${patPrefix}` },
    });
  });

  it("keeps a personal configuration's entries out of every organisation, in its own audit", async () => {
    const [created] = rows(await server.database.db.execute(sql`select org_id, actor_id::text, address from audit_log where config_id = ${personalConfig} and action = 'config.created'`));
    expect(created).toMatchObject({ org_id: null, actor_id: server.owner.user.id });
    const own = await read(`/api/configs/${personalConfig}/audit`);
    expect(own.entries.map((e) => e.action)).toEqual(['config.created']);
    expect(own.entries[0]).toMatchObject({ orgId: null, configName: 'My board', target: { name: 'My board' } });
    expect((await all(`/api/orgs/${orgId}/audit`)).some((e) => e.configId === personalConfig)).toBe(false);
    // Someone else's personal configuration: 404, as for any configuration not theirs.
    expect((await call(authed(server.url, member.token), `/api/configs/${personalConfig}/audit`)).status).toBe(404);
  });

  it('filters by action, person, configuration and time, and pages newest first without gaps', async () => {
    const base = `/api/orgs/${orgId}/audit`;
    const everything = await all(base);
    expect(everything.map((e) => e.id)).toEqual([...everything.map((e) => e.id)].sort((a, b) => b - a));
    // Several actions, repeated or comma-separated: the same answer.
    const links = await all(`${base}?action=link.created&action=link.revoked`);
    expect(links.map((e) => e.action).sort()).toEqual(['link.created', 'link.created', 'link.revoked']);
    expect((await all(`${base}?action=link.created,link.revoked`)).map((e) => e.id)).toEqual(links.map((e) => e.id));
    expect((await all(`${base}?actor=${invitee.user.id}`)).map((e) => e.action).sort()).toEqual(['invitation.accepted', 'member.added']);
    expect((await all(`${base}?configId=${orgConfig}`)).length).toBe(everything.filter((e) => e.configId === orgConfig).length);
    expect(await all(`${base}?configId=${otherConfig}`)).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await all(`${base}?since=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await all(`${base}?until=${encodeURIComponent(future)}`)).length).toBe(everything.length);
    // Pages of 3: every entry once, in order.
    const paged: number[] = [];
    let before: number | null = null;
    do {
      const page = await read(`${base}?limit=3${before ? `&before=${before}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      paged.push(...page.entries.map((e) => e.id));
      before = page.next;
    } while (before !== null);
    expect(paged).toEqual(everything.map((e) => e.id));
  });

  it('refuses a bad query with every problem named', async () => {
    const res = await call(owner, `/api/orgs/${orgId}/audit?action=nope&actor=x&configId=1&since=yesterday&before=-1&limit=500`);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['/query/action', '/query/actor', '/query/before', '/query/configId', '/query/limit', '/query/since']);
    expect((await call(owner, `/api/orgs/${orgId}/audit/export?until=2020-01-01&since=2021-01-01`)).status).toBe(422);
  });

  it('exports every matching entry as JSON lines, streamed across pages', async () => {
    // More entries than one export page (500) holds, straight into the table.
    await server.database.db.execute(
      sql`insert into audit_log (org_id, actor_id, action, target, address) select ${orgId}::uuid, ${admin.user.id}::uuid, 'policy.changed', jsonb_build_object('n', g), '10.0.0.1' from generate_series(1, 620) g`,
    );
    const res = await call(owner, `/api/orgs/${orgId}/audit/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="audit-${orgId}-\\d{4}-\\d{2}-\\d{2}\\.jsonl"`));
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(lines.map((e) => e.id)).toEqual((await all(`/api/orgs/${orgId}/audit`)).map((e) => e.id));
    expect(lines.filter((e) => e.action === 'policy.changed')).toHaveLength(620);
    expect(lines.find((e) => e.action === 'policy.changed')).toMatchObject({ actorName: admin.user.name, address: '10.0.0.1' });
    // The same filters as the page.
    const filtered = (await (await call(owner, `/api/orgs/${orgId}/audit/export?action=secret.set`)).text()).trimEnd().split('\n');
    expect(filtered.map((l) => (JSON.parse(l) as Entry).action)).toEqual(['secret.set']);
  });

  it("answers admins and owners only: members 403, outsiders and other tenants 404, never another organisation's entries", async () => {
    const asAdmin = authed(server.url, admin.token);
    expect((await call(asAdmin, `/api/orgs/${orgId}/audit`)).status).toBe(200);
    expect((await call(asAdmin, `/api/orgs/${orgId}/audit/export`)).status).toBe(200);
    for (const path of [`/api/orgs/${orgId}/audit`, `/api/orgs/${orgId}/audit/export`]) {
      expect((await call(authed(server.url, member.token), path)).status).toBe(403);
      const hidden = await call(authed(server.url, outsider.token), path);
      expect(hidden.status).toBe(404);
      expect(await hidden.json()).toEqual({ error: { code: 'not_found', message: 'unknown organisation' } });
      expect((await fetch(`${server.url}${path}`)).status).toBe(401);
    }
    // The other tenant's own log has its own entries only, and ours is not reachable through theirs.
    const theirs = await all(`/api/orgs/${otherOrgId}/audit`, authed(server.url, outsider.token));
    expect(theirs.map((e) => e.action).sort()).toEqual(['link.created', 'org.created']);
    expect(theirs.every((e) => e.orgId === otherOrgId)).toBe(true);
    expect((await call(owner, `/api/orgs/${otherOrgId}/audit`)).status).toBe(404);
    expect((await all(`/api/orgs/${orgId}/audit`)).every((e) => e.orgId === orgId)).toBe(true);
    // A configuration of the organisation: its own audit is the organisation admins'.
    expect((await call(owner, `/api/configs/${orgConfig}/audit`)).status).toBe(200);
    expect((await call(authed(server.url, outsider.token), `/api/configs/${orgConfig}/audit`)).status).toBe(404);
  });

  it('never holds a secret value, a share-link token or an invitation token', async () => {
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const dump = rows(await server.database.db.execute(sql`select to_jsonb(a)::text as row from audit_log a`))
      .map((r) => String(r.row))
      .join('\n');
    const exported = await (await call(owner, `/api/orgs/${orgId}/audit/export`)).text();
    for (const text of [dump, exported]) {
      expect(text).not.toContain(ROOT_PASSWORD);
      for (const token of tokens) expect(text).not.toContain(token);
    }
    // The prefix of the personal access token is there (which token acted), its secret is not.
    expect(dump).toContain(patPrefix);
  });

  it('retention: the sweep deletes only entries past their own organisation’s retention', async () => {
    const db = server.database.db;
    await db.update(organisations).set({ auditRetentionDays: 30 }).where(eq(organisations.id, otherOrgId));
    const insert = (org: string | null, daysAgo: number, mark: string) =>
      db.execute(sql`insert into audit_log (org_id, action, target, created_at) values (${org}::uuid, 'policy.changed', ${JSON.stringify({ mark })}::jsonb, now() - make_interval(days => ${daysAgo}))`);
    await insert(orgId, 400, 'ours-old');
    await insert(orgId, 40, 'ours-40');
    await insert(otherOrgId, 40, 'theirs-40');
    await insert(otherOrgId, 10, 'theirs-10');
    await insert(null, 400, 'personal-old');
    await insert(null, 40, 'personal-40');
    const before = Number(rows(await db.execute(sql`select count(*)::int as n from audit_log`))[0].n);
    expect(await server.auditSweep.runOnce()).toBe(3);
    const marks = rows(await db.execute(sql`select target->>'mark' as mark from audit_log where target ? 'mark'`)).map((r) => r.mark);
    expect(marks.sort()).toEqual(['ours-40', 'personal-40', 'theirs-10']);
    expect(Number(rows(await db.execute(sql`select count(*)::int as n from audit_log`))[0].n)).toBe(before - 3);
    expect(await server.auditSweep.runOnce()).toBe(0);
  });
});
