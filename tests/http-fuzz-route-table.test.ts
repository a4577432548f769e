/**
 * Nothing a client sends to a REST route takes the server down or answers 5xx. Every route of the
 * app's own route table (`app.routes`, so a new route is fuzzed the day it is added) is driven with
 * malformed percent-escapes, overlong and odd ids and odd unicode in every path parameter and the
 * query, odd methods, odd and oversized headers, and bad bodies. Every answer must be below 500, no
 * promise may reject unhandled, and the server must still answer /health. The sampling is seeded.
 * The sync upgrade path is fuzzed in http-fuzz-sync-upgrade.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS, BAD_BODIES, BAD_SEGMENTS, ODD_HEADERS, ODD_METHODS, PARAM_SAMPLES } from './helpers/fuzz-inputs.ts';
import { startFuzzServer, type FuzzServer } from './helpers/fuzz-server.ts';
import { fillPath, paramValues, routeTable } from './helpers/world.ts';
import { EXPECTATIONS } from './permission-expectations.ts';

describe('HTTP input fuzz over the route table', () => {
  let fuzz: FuzzServer;
  beforeAll(async () => {
    fuzz = await startFuzzServer('routes');
  });
  afterAll(() => fuzz?.cleanup());

  it('every path parameter of every route, with malformed escapes, overlong and odd ids', async () => {
    const { server, world, send, sample, serverErrors, principals } = fuzz;
    const valid = paramValues(world);
    for (const route of routeTable(server)) {
      const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      // As the owner with the body the permission matrix sends (a valid one), so the bad id gets
      // past access checks and body validation to the lookups behind them.
      const validBody = await EXPECTATIONS[route.key]?.body?.('owner', {
        unique: randomUUID().slice(0, 8),
        world: { strangerEmail: world.stranger.user.email, pendingInvitationToken: world.pendingInvitationToken, pendingOrgInvitationToken: world.pendingOrgInvitationToken },
        // Never spent here: every fuzzed request has a bad path parameter.
        newInvitationToken: async () => world.pendingInvitationToken,
        newOrgInvitationToken: async () => world.pendingOrgInvitationToken,
      });
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const body = hasBody ? JSON.stringify(validBody ?? {}) : undefined;
      for (const param of params) {
        for (const bad of [...ALWAYS, ...sample(BAD_SEGMENTS, PARAM_SAMPLES)]) {
          const target = fillPath(route.path, (name) => (name === param ? bad : valid(name)));
          await send({ method: route.method, target, headers: hasBody ? { 'content-type': 'application/json' } : {}, body }, principals[0]);
        }
      }
      // And the query string: every route with odd escapes in the parameters routes read.
      const query = '?format=%ZZ&path=%E0%A4%A&limit=%&before=%ZZ&from=%25E0%25A4%25A&to=%ZZ&token=%ZZ&share=%ZZ&next=%ZZ&state=%ZZ&code=%ZZ&kind=%ZZ&after=%ZZ&reviewId=%ZZ&resolved=%&name=%ZZ';
      // Reads get real ids as the owner, so the odd query reaches the handler that parses it.
      if (route.method === 'GET') await send({ method: 'GET', target: fillPath(route.path, valid) + query }, principals[0]);
      else await send({ method: route.method, target: fillPath(route.path, () => randomUUID()) + query });
      await fuzz.ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('odd methods and odd or oversized headers on every route', async () => {
    const { server, world, send, sample, serverErrors } = fuzz;
    const valid = paramValues(world);
    for (const route of routeTable(server)) {
      // Methods no route declares cannot reach a handler that changes anything, so valid ids are fine.
      for (const method of sample(ODD_METHODS, 3)) await send({ method, target: fillPath(route.path, valid) });
      // Headers may authenticate: only reads get valid ids (a DELETE must not delete the fixture).
      const target = fillPath(route.path, route.method === 'GET' ? valid : () => randomUUID());
      for (const headers of sample(ODD_HEADERS, 5)) await send({ method: route.method, target, headers }, {});
      await fuzz.ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('bad JSON bodies on every route that takes one', async () => {
    const { server, world, send, sample, serverErrors, principals } = fuzz;
    const valid = paramValues(world);
    for (const route of routeTable(server).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
      const target = fillPath(route.path, valid);
      for (const { type, body } of sample(BAD_BODIES, 4)) {
        await send({ method: route.method, target, headers: type ? { 'content-type': type } : {}, body }, principals[0]);
      }
      await fuzz.ensureOwnerSession();
    }
    expect(serverErrors()).toEqual([]);
  });

  it('the server is still up, and no promise was left to reject unhandled', async () => {
    await fuzz.finalCheck('http-fuzz-route-table');
  });
});
