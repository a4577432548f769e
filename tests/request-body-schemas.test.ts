/**
 * Every request body is checked with the JSON Schema the API description declares for it
 * (docs/architecture.md, "REST API description"), walked over the app's real route table:
 * - a route that takes a JSON body declares its schema: one that declares none does not read one
 *   (a malformed JSON body does not change its answer into a body refusal), and no server file
 *   reads a body except through the declared-schema reader;
 * - a route refuses what its schema refuses: for each route, bodies made from its schema (each
 *   top-level property of the wrong type, an unknown property where `additionalProperties` is
 *   false), each starting from a body the permission matrix sends successfully, are answered
 *   422 `validation_failed` with a detail naming the field; a JSON array 400;
 * - the schema refuses nothing the route accepts: the permission matrix's working bodies validate;
 * - an optional body may be left out.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClientPage, openApiPath } from '../server/api-spec/openapi.ts';
import { bodyValidator } from '../server/api-spec/validated-body.ts';
import { invalidBodies } from './helpers/invalid-bodies.ts';
import { useTestServer } from './helpers/rig.ts';
import { createWorld, fillPath, paramValues, routeTable, type RouteEntry, type World } from './helpers/world.ts';
import { EXPECTATIONS, type BodyContext } from './permission-expectations.ts';

const artifactsDir = path.join(tmpdir(), `body-schemas-artifacts-${randomBytes(5).toString('hex')}`);
afterAll(async () => {
  await rm(artifactsDir, { recursive: true, force: true });
});
// GitHub is configured (never contacted) so that linking reaches its body.
const github = { clientId: 'id', clientSecret: 'secret', oauthBase: 'http://127.0.0.1:9', apiBase: 'http://127.0.0.1:9' };
const { server } = useTestServer({ redis: 'body-schemas', artifactsDir, github, limits: { signupsPerAddress: 1_000, requestsPerMinute: 6_000 } });

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How a body that is not JSON is refused (server/http-errors.ts `readJsonObject`). */
const isBodyRefusal = (status: number, error: Obj | undefined) =>
  status === 415 || (status === 400 && typeof error?.message === 'string' && error.message.startsWith('request body must be'));

describe('request bodies and their declared schemas', () => {
  let doc: Obj;
  let world: World;
  const routes = () => routeTable(server).filter((r) => !isClientPage(r) && WITH_BODY.has(r.method));
  const operation = (r: RouteEntry) => doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()] as Obj | undefined;
  const bodyContext = (w: World): BodyContext => ({
    unique: randomBytes(4).toString('hex'),
    world: { strangerEmail: w.stranger.user.email, pendingInvitationToken: w.pendingInvitationToken, pendingOrgInvitationToken: w.pendingOrgInvitationToken },
    newInvitationToken: async () => {
      const res = await server.api(`/api/configs/${w.configId}/members`, { method: 'POST', body: JSON.stringify({ email: `${randomUUID()}@accept.test`, role: 'viewer' }) });
      return ((await res.json()) as { token: string }).token;
    },
    newOrgInvitationToken: async () => {
      const res = await server.api(`/api/orgs/${w.orgId}/invitations`, { method: 'POST', body: JSON.stringify({ email: `${randomUUID()}@org-accept.test`, role: 'member' }) });
      return ((await res.json()) as { token: string }).token;
    },
  });
  /** Sends `body` (raw text) to the route as the owner, on the world its expectation asks for. */
  const send = async (route: RouteEntry, w: World, body: string | undefined, contentType: string | null = 'application/json') => {
    const expectation = EXPECTATIONS[route.key];
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    if (!expectation?.ownSession) headers.authorization = `Bearer ${server.token}`;
    const url = `${server.url}${fillPath(route.path, paramValues(w, expectation?.params))}${expectation?.query ?? ''}`;
    const res = await fetch(url, { method: route.method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let error: Obj | undefined;
    try {
      error = (JSON.parse(text) as Obj).error;
    } catch {
      error = undefined;
    }
    return { status: res.status, error };
  };

  beforeAll(async () => {
    doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Obj;
    world = await createWorld(server, 'body-schemas');
  });

  it('every route with a declared body refuses what its schema refuses, naming the field', async () => {
    const failures: string[] = [];
    let probes = 0;
    const declared = routes().filter((r) => operation(r)?.requestBody);
    for (const route of declared) {
      const schema = operation(route)!.requestBody.content['application/json'].schema as Obj;
      const expectation = EXPECTATIONS[route.key];
      const w = expectation?.fresh ? await createWorld(server, `fresh ${route.key}`, world) : world;
      const base = ((await expectation?.body?.('owner', bodyContext(w))) ?? {}) as Obj;
      // The other direction: the body the matrix sends with success is one the schema accepts.
      const validate = bodyValidator(schema);
      if (!validate(base)) failures.push(`${route.key}: the schema refuses the permission matrix's working body ${JSON.stringify(base)}: ${JSON.stringify(validate.errors)}`);
      const cases = [...invalidBodies(schema, base).map((c) => ({ ...c, text: JSON.stringify(c.body) })), { field: null, why: 'a JSON array', text: '[1]' }];
      for (const probe of cases) {
        probes += 1;
        const { status, error } = await send(route, w, probe.text);
        const named = probe.field === null || ((error?.details ?? []) as Obj[]).some((d) => d.path === probe.field);
        // A JSON array is not an object: 400, as for any body that is not one (readJsonObject).
        const refused = probe.field === null ? status === 400 && error?.code === 'bad_request' : status === 422 && error?.code === 'validation_failed';
        if (!refused || !named) failures.push(`${route.key} with ${probe.why}: ${status} ${JSON.stringify(error)}`);
      }
    }
    expect(failures).toEqual([]);
    // Every route family with a body is here: configs, import, data, reviews, builds, matrices,
    // secrets, shares, members, invitations, comments, versions, webhooks, files, orgs, teams, …
    expect(declared.length).toBeGreaterThanOrEqual(40);
    expect(probes).toBeGreaterThan(100);
  }, 180_000);

  it('an optional body may be left out', async () => {
    const failures: string[] = [];
    const optional = routes().filter((r) => operation(r)?.requestBody?.required === false);
    for (const route of optional) {
      const { status, error } = await send(route, world, undefined, null);
      if (isBodyRefusal(status, error) || error?.code === 'validation_failed') failures.push(`${route.key}: ${status} ${JSON.stringify(error)}`);
    }
    expect(failures).toEqual([]);
    expect(optional.map((r) => r.key)).toEqual(expect.arrayContaining(['POST /api/configs/:id/builds', 'POST /api/configs/:id/reviews']));
  }, 60_000);

  it('a route that declares no body reads none', async () => {
    const failures: string[] = [];
    const undeclared = routes().filter((r) => operation(r) && !operation(r)!.requestBody);
    for (const route of undeclared) {
      const w = EXPECTATIONS[route.key]?.fresh ? await createWorld(server, `fresh ${route.key}`, world) : world;
      const { status, error } = await send(route, w, '{"not json');
      if (isBodyRefusal(status, error)) failures.push(`${route.key} read a body it does not declare: ${status} ${JSON.stringify(error)}`);
    }
    expect(failures).toEqual([]);
    expect(undeclared.length).toBeGreaterThan(10);
  }, 120_000);

  it('no server file reads a request body except through the declared-schema reader', async () => {
    // The one other reader: a .conf file sent as text/plain to the import (no JSON to check).
    const allowed = new Map([
      ['server/api-spec/validated-body.ts', Infinity],
      ['server/http-errors.ts', Infinity],
      ['server/configs/data-routes.ts', 1],
    ]);
    const reads = /readJsonObject\(|\.req\.(json|text|parseBody|arrayBuffer|formData|blob)\(/g;
    const found: string[] = [];
    const root = path.resolve(import.meta.dirname, '..');
    for (const entry of await readdir(path.join(root, 'server'), { recursive: true })) {
      if (!entry.endsWith('.ts')) continue;
      const file = `server/${entry.split(path.sep).join('/')}`;
      const count = [...(await readFile(path.join(root, file), 'utf8')).matchAll(reads)].length;
      if (count > (allowed.get(file) ?? 0)) found.push(`${file}: ${count}`);
    }
    expect(found).toEqual([]);
  });
});
