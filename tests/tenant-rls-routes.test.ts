/**
 * The configuration-scoped REST reads run under Row-Level Security (issue #20 item 4,
 * docs/security.md "Tenant isolation"): a configuration of organisation A is given members, an
 * invitation, a share link, a webhook, a first-boot secret, a review and a build through the API;
 * then its rows are deliberately rewritten to organisation B's id behind the server's back (a
 * superuser UPDATE, what a buggy write or a bad migration could do). The routes still filter by
 * the configuration, so only RLS, which reads as A's tenant, can hide them: each route must then
 * answer nothing of those rows, while answering them before the rewrite.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { VALID_CONFIG } from './builder-harness.ts';

const { server } = useTestServer({ redis: 'tenant-rls-routes', webhookAllowedNetworks: ['127.0.0.1/32'] });

const call = (who: TestUser, p: string, method = 'GET', body?: unknown) =>
  authed(server.url, who.token)(p, { method, body: body === undefined ? undefined : JSON.stringify(body) });
async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** The tables whose rows the routes below read, rewritten to the other tenant. */
const REWRITTEN = ['config_members', 'config_invitations', 'share_links', 'webhooks', 'config_secrets', 'reviews', 'build_jobs'];

describe('configuration-scoped reads under RLS', () => {
  it('return rows their tenant holds, and nothing of rows given another tenant', async () => {
    const [ada, bob, cai] = await Promise.all([signUp(server.url, 'Ada'), signUp(server.url, 'Bob'), signUp(server.url, 'Cai')]);
    const orgA = (await json<{ id: string }>(call(ada, '/api/orgs', 'POST', { name: 'A' }), 201)).id;
    const orgB = (await json<{ id: string }>(call(bob, '/api/orgs', 'POST', { name: 'B' }), 201)).id;
    const id = (await json<{ id: string }>(call(ada, '/api/configs', 'POST', { name: 'sealed', orgId: orgA, data: { ...VALID_CONFIG } }), 201)).id;
    const c = `/api/configs/${id}`;

    // Cai is a direct member; an invitation is pending; a link, a webhook, a secret, a review, a build.
    await server.database.db.execute(sql`insert into config_members (config_id, user_id, role) values (${id}::uuid, ${cai.user.id}::uuid, 'editor')`);
    await json(call(ada, `${c}/members`, 'POST', { email: 'pending@rls.test', role: 'viewer' }), 201);
    const link = await json<{ id: string }>(call(ada, `${c}/shares`, 'POST', { role: 'viewer', label: 'rls link' }), 201);
    const hook = (await json<{ webhook: { id: string } }>(call(ada, `${c}/webhooks`, 'POST', { url: 'http://127.0.0.1:9/rls', events: ['version.created'] }), 201)).webhook;
    await json(call(ada, `${c}/secrets/rootPassword`, 'PUT', { value: 'rls-secret-value' }));
    const review = await json<{ id: string }>(call(ada, `${c}/reviews`, 'POST', { title: 'rls review' }), 201);
    const build = await json<{ id: string }>(call(ada, `${c}/builds`, 'POST', {}), 202);

    const read = async () => ({
      members: (await json<Array<{ email: string }>>(call(ada, `${c}/members`))).map((m) => m.email),
      shares: (await json<Array<{ id: string }>>(call(ada, `${c}/shares`))).map((s) => s.id),
      sources: JSON.stringify(await json(call(ada, `${c}/access`))),
      webhooks: (await json<{ webhooks: Array<{ id: string }> }>(call(ada, `${c}/webhooks`))).webhooks.map((w) => w.id),
      secrets: (await json<{ secrets: Array<{ name: string; set: boolean }> }>(call(ada, `${c}/secrets`))).secrets.filter((s) => s.set).map((s) => s.name),
      reviews: (await json<Array<{ id: string }>>(call(ada, `${c}/reviews`))).map((r) => r.id),
      review: (await call(ada, `${c}/reviews/${review.id}`)).status,
      builds: (await json<Array<{ id: string }>>(call(ada, `${c}/builds`))).map((b) => b.id),
      build: (await call(ada, `/api/builds/${build.id}`)).status,
      buildLog: (await call(ada, `/api/builds/${build.id}/logs`)).status,
    });

    const before = await read();
    expect(before.members).toEqual(expect.arrayContaining([ada.user.email, cai.user.email, 'pending@rls.test']));
    expect(before.shares).toEqual([link.id]);
    expect(before.sources).toContain(cai.user.id);
    expect(before.webhooks).toEqual([hook.id]);
    expect(before.secrets).toEqual(['rootPassword']);
    expect(before.reviews).toEqual([review.id]);
    expect(before.review).toBe(200);
    expect(before.builds).toEqual([build.id]);
    expect(before.build).toBe(200);
    expect(before.buildLog).toBe(200);

    // Behind the server's back (the server's own connection is the tables' owner: no RLS).
    for (const table of REWRITTEN) {
      await server.database.db.execute(sql`update ${sql.identifier(table)} set org_id = ${orgB}::uuid where config_id = ${id}::uuid`);
    }

    const after = await read();
    // The owner comes from the configuration itself, which is still A's.
    expect(after.members).toEqual([ada.user.email]);
    expect(after.shares).toEqual([]);
    expect(after.sources).not.toContain(cai.user.id);
    expect(after.webhooks).toEqual([]);
    expect(after.secrets).toEqual([]);
    expect(after.reviews).toEqual([]);
    expect(after.review).toBe(404);
    expect(after.builds).toEqual([]);
    expect(after.build).toBe(404);
    expect(after.buildLog).toBe(404);
  });
});
