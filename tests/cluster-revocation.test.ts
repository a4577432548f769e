/**
 * Access changes made through one process while Redis is down (so the live event never reaches
 * the other) still take effect on the other process within 5 s: it re-checks its connections
 * against Postgres. A removed member and a revoked link are closed with the same code as a live
 * event would give; a link lowered to viewer is downgraded in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_BOUND_MS } from '../server/auth/access-revalidation.ts';
import { CloseCode } from '../shared/protocol.ts';
import { signUp } from './helpers/auth.ts';
import { closeCode, connectClient, synced, type TestClient } from './helpers/clients.ts';
import { as, startClusterPair, type ClusterPair } from './helpers/cluster-pair.ts';
import { addMember, createConfig, scrapeMetrics } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

/** The 5 s promise plus room for a busy CI machine. */
const REVOKE_ASSERT_MS = ACCESS_BOUND_MS + 3_000;


describe('revocation during a Redis outage', () => {
  let pair: ClusterPair;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    pair = await startClusterPair();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await pair?.cleanup();
  });

  it('a removed member, a revoked link and a lowered link lose access on the other process within 5 s', async () => {
    const { a, b, redis, owner } = pair;
    const id = await createConfig({ url: a.url, token: owner.token }, { name: 'revoke-in-outage' });
    const member = await signUp(a.url, 'Member');
    await addMember({ url: a.url, token: owner.token }, id, member, 'editor');
    const share = async () =>
      (await (await as(a, owner)(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) })).json()) as { id: string; token: string };
    const revoked = await share();
    const lowered = await share();

    const memberConn = connectClient({ url: b.url, token: member.token }, id);
    const guest = connectClient(b.url, id, { share: revoked.token });
    const loweredGuest = connectClient(b.url, id, { share: lowered.token });
    // The owner's own session on B is untouched by the re-checks.
    const ownerConn = connectClient({ url: b.url, token: owner.token }, id);
    clients.push(memberConn, guest, loweredGuest, ownerConn);
    await Promise.all(clients.map((c) => synced(c)));
    const memberClosed = closeCode(memberConn);
    const guestClosed = closeCode(guest);

    await redis.stop();
    try {
      const started = Date.now();
      expect((await as(a, owner)(`/api/configs/${id}/members/${member.user.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await as(a, owner)(`/api/configs/${id}/shares/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await as(a, owner)(`/api/configs/${id}/shares/${lowered.id}`, { method: 'PATCH', body: JSON.stringify({ role: 'viewer' }) })).status).toBe(200);

      const deadline = (p: Promise<number>) =>
        Promise.race([p, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('still connected')), REVOKE_ASSERT_MS))]);
      expect(await deadline(memberClosed)).toBe(CloseCode.accessRevoked.code);
      expect(await deadline(guestClosed)).toBe(CloseCode.accessRevoked.code);
      await eventually(
        () => {
          const roles = [...(b.registry.byConfig.get(id) ?? [])].map((c) => c.principal.role).sort();
          expect(roles).toEqual(['owner', 'viewer']);
        },
        { timeoutMs: REVOKE_ASSERT_MS },
      );
      expect(Date.now() - started).toBeLessThan(REVOKE_ASSERT_MS);
    } finally {
      await redis.start();
    }
    const metrics = await (await scrapeMetrics(b.url)).text();
    expect(metrics).toMatch(/boardroom_access_revalidation_actions_total\{action="closed"\} 2/);
    expect(metrics).toMatch(/boardroom_disconnects_total\{code="4431"\} 2/);
  });
});
