/**
 * Organisations over REST (docs/architecture.md, "Organisations"): any signed-in person makes
 * one and becomes its owner; it lists with their role; one organisation answers its members
 * only (404 for everyone else, as for an id that does not exist); tokens are refused; a bad name
 * is a 422 with details; the creation is in the audit log with actor and address.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authed, signUp } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';

const { server } = useTestServer();
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;

describe('organisations', () => {
  it('are made by a signed-in person, who owns them; others cannot see them', async () => {
    const ada = await signUp(server.url, 'Ada');
    const eve = await signUp(server.url, 'Eve');
    const asAda = authed(server.url, ada.token);
    const made = await asAda('/api/orgs', { method: 'POST', body: JSON.stringify({ name: '  Acme Boards ' }) });
    expect(made.status).toBe(201);
    const org = (await made.json()) as { id: string; name: string; role: string };
    expect(org).toMatchObject({ name: 'Acme Boards', role: 'owner' });

    expect(await (await asAda('/api/orgs')).json()).toEqual([expect.objectContaining({ id: org.id, name: 'Acme Boards', role: 'owner' })]);
    const one = (await (await asAda(`/api/orgs/${org.id}`)).json()) as { role: string; policies: { memberRole: string; configCreators: string } };
    expect(one).toMatchObject({ role: 'owner', policies: { memberRole: 'viewer', configCreators: 'members', requireApproval: false } });

    // Eve is not a member: the same 404 as an id that does not exist, and an empty list.
    const asEve = authed(server.url, eve.token);
    const hidden = await asEve(`/api/orgs/${org.id}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ error: { code: 'not_found', message: 'unknown organisation' } });
    expect((await asEve('/api/orgs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await asEve('/api/orgs/not-a-uuid')).status).toBe(404);
    expect(await (await asEve('/api/orgs')).json()).toEqual([]);
    // No credential.
    expect((await fetch(`${server.url}/api/orgs/${org.id}`)).status).toBe(401);

    // The audit log has the creation, with who and from where.
    const [entry] = rows(await server.database.db.execute(sql`select action, actor_id::text, address, target from audit_log where org_id = ${org.id}`));
    expect(entry).toMatchObject({ action: 'org.created', actor_id: ada.user.id, target: { name: 'Acme Boards' } });
    expect(entry.address).toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuse a blank or oversized name with details, and personal access tokens', async () => {
    const ada = await signUp(server.url, 'Ada');
    const asAda = authed(server.url, ada.token);
    for (const name of ['   ', 'x'.repeat(81)]) {
      const res = await asAda('/api/orgs', { method: 'POST', body: JSON.stringify({ name }) });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details[0].path).toBe('/name');
    }
    expect((await asAda('/api/orgs', { method: 'POST', body: '{"name":' })).status).toBe(400);
    const token = (await (
      await asAda('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'ci', scopes: ['read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }) })
    ).json()) as { token: string };
    const refused = await authed(server.url, token.token)('/api/orgs');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('token_not_allowed');
  });
});
