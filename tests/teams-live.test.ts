/**
 * Team changes reach open WebSockets (docs/architecture.md, "Access"): a team member connected
 * to a configuration through the team's grant becomes read-only when the grant is lowered, and
 * is disconnected within a second when the grant is removed, when they leave the team, or when
 * the team is deleted. Real server, real sockets, the stock y-websocket client.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import type { TestUser } from './helpers/auth.ts';
import { synced, type TestClient } from './helpers/clients.ts';
import { createOrgFixture, type OrgFixture } from './helpers/org-fixture.ts';
import { useTestServer } from './helpers/rig.ts';
import { eventually } from './helpers/wait.ts';

/** The bound for a revoked person to lose a live connection. */
const WITHIN_MS = 1_000;

describe('team changes on live connections', () => {
  const { server, connect } = useTestServer({ limits: { signupsPerAddress: 1_000 } });

  const closeOf = (client: TestClient) =>
    new Promise<{ code: number; at: number }>((resolve) =>
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        client.provider.shouldConnect = false;
        resolve({ code: event?.code ?? 0, at: Date.now() });
      }),
    );

  /** An organisation configuration with Ann in team kernel, which holds `role` on it; Ann and the
   * owner connected. */
  async function setUp(label: string, role = 'editor') {
    const o: OrgFixture = await createOrgFixture(server, label);
    const ann: TestUser = await o.member(`${label} Ann`);
    const configId = await o.config(label);
    const kernel = await o.team('kernel');
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, { method: 'PUT' })).status).toBe(204);
    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'PUT', body: JSON.stringify({ role }) })).status).toBe(200);
    const annClient = connect({ url: server.url, token: ann.token }, configId);
    const ownerClient = connect({ url: server.url, token: o.owner.token }, configId);
    await Promise.all([synced(annClient), synced(ownerClient)]);
    return { o, ann, configId, kernel, annClient, ownerClient, closed: closeOf(annClient) };
  }

  it('a lowered team grant makes the member read-only at once; removing the grant disconnects them', async () => {
    const { o, configId, kernel, annClient, ownerClient, closed } = await setUp('lowered');
    annClient.doc.getMap('config').set('VENDOR', 'by the team');
    await eventually(() => expect(String(ownerClient.doc.getMap('config').get('VENDOR'))).toBe('by the team'));

    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'PUT', body: JSON.stringify({ role: 'viewer' }) })).status).toBe(200);
    // Still connected and still receiving; their edits are dropped.
    annClient.doc.getMap('config').set('VENDOR', 'as a viewer');
    ownerClient.doc.getMap('config').set('DEST_LANG', 'en_US.UTF-8');
    await eventually(() => expect(String(annClient.doc.getMap('config').get('DEST_LANG'))).toBe('en_US.UTF-8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(String(ownerClient.doc.getMap('config').get('VENDOR'))).toBe('by the team');
    expect(annClient.provider.wsconnected).toBe(true);

    const removedAt = Date.now();
    expect((await o.as(o.owner)(`/api/configs/${configId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(204);
    const { code, at } = await closed;
    expect(code).toBe(CloseCode.accessRevoked.code);
    expect(at - removedAt).toBeLessThan(WITHIN_MS);
    expect(ownerClient.provider.wsconnected).toBe(true);
  });

  it('leaving the team disconnects the member within a second', async () => {
    const { o, ann, kernel, closed } = await setUp('leaving');
    const removedAt = Date.now();
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}/members/${ann.user.id}`, { method: 'DELETE' })).status).toBe(204);
    const { code, at } = await closed;
    expect(code).toBe(CloseCode.accessRevoked.code);
    expect(at - removedAt).toBeLessThan(WITHIN_MS);
  });

  it('deleting the team disconnects its members within a second', async () => {
    const { o, kernel, closed } = await setUp('deleted', 'commenter');
    const removedAt = Date.now();
    expect((await o.as(o.owner)(`/api/orgs/${o.orgId}/teams/${kernel}`, { method: 'DELETE' })).status).toBe(204);
    const { code, at } = await closed;
    expect(code).toBe(CloseCode.accessRevoked.code);
    expect(at - removedAt).toBeLessThan(WITHIN_MS);
  });
});
