/**
 * Build ids are no oracle: on every build route (taken from the app's route table), a build that
 * exists but belongs to a configuration the caller cannot read answers exactly like a build that
 * does not exist, and a caller without credentials gets the same 401 for both.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { BUILDABLE, fillPath, routeTable } from './helpers/world.ts';

describe('build routes answer "not yours" like "missing"', () => {
  const { server } = useTestServer({ redis: 'oracle' });
  let stranger: TestUser;
  let buildId: string;

  beforeAll(async () => {
    stranger = await signUp(server.url, 'stranger');
    const configId = await createConfig(server, { name: 'secret', data: BUILDABLE });
    const res = await server.api(`/api/configs/${configId}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    buildId = ((await res.json()) as { id: string }).id;
  });

  const answer = async (token: string | null, method: string, path: string) => {
    const res = await authed(server.url, token)(path, { method, body: method === 'GET' ? undefined : '{}' });
    return { status: res.status, body: await res.text() };
  };

  it('for a signed-in stranger and for no credentials, on every /api/builds route', async () => {
    const routes = routeTable(server).filter((r) => r.path.startsWith('/api/builds/:buildId'));
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const route of routes) {
      const existing = fillPath(route.path, (n) => (n === 'buildId' ? buildId : 'SHA256SUMS'));
      const missing = fillPath(route.path, (n) => (n === 'buildId' ? randomUUID() : 'SHA256SUMS'));
      const malformed = fillPath(route.path, (n) => (n === 'buildId' ? 'not-a-build' : 'SHA256SUMS'));
      for (const token of [stranger.token, null]) {
        const a = await answer(token, route.method, existing);
        const b = await answer(token, route.method, missing);
        const c = await answer(token, route.method, malformed);
        const who = token ? 'stranger' : 'anonymous';
        expect({ route: route.key, who, ...a }).toEqual({ route: route.key, who, ...b });
        expect({ route: route.key, who, ...c }).toEqual({ route: route.key, who, ...b });
        expect({ route: route.key, who, status: a.status }).toEqual({ route: route.key, who, status: token ? 404 : 401 });
      }
    }
    // The owner still reaches it (the refusal above is about the caller, not a broken route).
    expect((await server.api(`/api/builds/${buildId}`)).status).toBe(200);
  });
});
