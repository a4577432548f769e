/**
 * The REST API description (`GET /api/openapi.json`, docs/architecture.md "REST API description")
 * against the app itself: every served route is described and every description served; the
 * document is structurally OpenAPI 3.1 and every schema in it compiles; one real request per route
 * (the permission matrix's requests, as the owner) answers with a status and body the document
 * declares; and every route with a body refuses what its declared schema refuses.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../shared/schema/index.ts';
import { isClientPage, openApiPath } from '../server/api-spec/openapi.ts';
import { useTestServer } from './helpers/rig.ts';
import { createWorld, fillPath, paramValues, routeTable, type World } from './helpers/world.ts';
import { EXPECTATIONS } from './permission-expectations.ts';

// GitHub is configured (never contacted) so that linking reaches its body.
const github = { clientId: 'id', clientSecret: 'secret', oauthBase: 'http://127.0.0.1:9', apiBase: 'http://127.0.0.1:9' };

const artifactsDir = path.join(tmpdir(), `openapi-artifacts-${randomBytes(5).toString('hex')}`);
afterAll(async () => {
  await rm(artifactsDir, { recursive: true, force: true });
});
const { server } = useTestServer({ redis: 'openapi', artifactsDir, github, limits: { signupsPerAddress: 1_000, requestsPerMinute: 6_000 } });

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('OpenAPI document', () => {
  let doc: Obj;
  let world: World;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  beforeAll(async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Obj;
    const { $id: _id, ...schema } = configSchema as Obj;
    ajv.addSchema(schema, '/api/schema');
    world = await createWorld(server, 'openapi');
  });

  it('describes every route the app serves, and only those', () => {
    const served = routeTable(server).filter((r) => !isClientPage(r)).map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
    const described = Object.entries(doc.paths as Obj)
      .flatMap(([p, item]) => Object.keys(item as Obj).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(described).toEqual(served);
  });

  it('is structurally OpenAPI 3.1, and every schema in it compiles', () => {
    const problems: string[] = [];
    if (doc.openapi !== '3.1.0') problems.push(`openapi is ${doc.openapi}`);
    if (!doc.info?.title || !doc.info?.version) problems.push('info needs title and version');
    const schemes = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
    const tags = new Set((doc.tags as Obj[]).map((t) => t.name));
    const ids = new Set<string>();
    const schemas: Array<[string, unknown]> = [];
    for (const [p, item] of Object.entries(doc.paths as Obj)) {
      if (!p.startsWith('/')) problems.push(`path ${p} must start with /`);
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(item as Obj)) {
        const where = `${method.toUpperCase()} ${p}`;
        if (!METHODS.includes(method)) problems.push(`${where}: not an HTTP method`);
        if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
        if (!op.operationId || ids.has(op.operationId)) problems.push(`${where}: operationId missing or not unique`);
        ids.add(op.operationId);
        for (const t of op.tags ?? []) if (!tags.has(t)) problems.push(`${where}: undeclared tag ${t}`);
        const params = (op.parameters ?? []) as Obj[];
        const inPath = params.filter((x) => x.in === 'path');
        if (inPath.some((x) => x.required !== true)) problems.push(`${where}: path parameters must be required`);
        if (JSON.stringify(inPath.map((x) => x.name).sort()) !== JSON.stringify(templated)) problems.push(`${where}: path parameters ≠ template`);
        for (const x of params) {
          if (!['path', 'query', 'header', 'cookie'].includes(x.in) || !x.name || !x.schema) problems.push(`${where}: bad parameter ${JSON.stringify(x)}`);
          else schemas.push([`${where} ${x.name}`, x.schema]);
        }
        for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Obj)) if (media.schema) schemas.push([`${where} body ${type}`, media.schema]);
        for (const [status, r] of Object.entries(op.responses as Obj)) {
          if (status !== 'default' && !/^[1-5]\d\d$/.test(status)) problems.push(`${where}: status ${status}`);
          if (r.$ref) {
            if (r.$ref !== '#/components/responses/Error' || !doc.components.responses.Error) problems.push(`${where}: unresolved ${r.$ref}`);
            continue;
          }
          if (typeof r.description !== 'string') problems.push(`${where} ${status}: description is required`);
          for (const [type, media] of Object.entries((r.content ?? {}) as Obj)) if (media.schema) schemas.push([`${where} ${status} ${type}`, media.schema]);
        }
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) if (!schemes.has(name)) problems.push(`${where}: unknown security scheme ${name}`);
      }
    }
    for (const [where, schema] of [...schemas, ['Error', doc.components.schemas.Error] as [string, unknown]]) {
      try {
        ajv.compile(resolveLocal(schema, doc) as Obj);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every route answers a real request as its description says', async () => {
    const failures: string[] = [];
    const checked: string[] = [];
    for (const route of routeTable(server).filter((r) => !isClientPage(r))) {
      const expectation = EXPECTATIONS[route.key];
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as Obj | undefined;
      if (!op) continue; // reported by the coverage test
      const w = expectation?.fresh ? await createWorld(server, `fresh ${route.key}`, world) : world;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      // Signing out ends the caller's session: done without one (the matrix's `ownSession`).
      if (!expectation?.ownSession) headers.authorization = `Bearer ${server.token}`;
      const body = await expectation?.body?.('owner', {
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
      const url = `${server.url}${fillPath(route.path, paramValues(w, expectation?.params))}${expectation?.query ?? ''}`;
      const res = await fetch(url, { method: route.method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
      const problem = checkResponse(op, res.status, res.headers.get('content-type'), await res.text());
      checked.push(`${route.key} ${res.status}`);
      if (problem) failures.push(`${route.key} → ${res.status}: ${problem}`);
    }
    expect(failures).toEqual([]);
    expect(checked.length).toBeGreaterThan(80);
  }, 120_000);

  it('every route with a body validates it with its declared schema: refuses what it refuses, with details', async () => {
    // The test above consumed parts of the world (its DELETE routes): a whole one to probe.
    const whole = await createWorld(server, 'body probes', world);
    // Every route whose description declares a body (tests/request-body-schemas.test.ts probes
    // each property and checks that no other route reads one).
    const withBody = routeTable(server).filter((r) => doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]?.requestBody);
    expect(withBody.length).toBeGreaterThanOrEqual(40);
    for (const { key, method, path: p } of withBody) {
      const given = EXPECTATIONS[key]?.params;
      const values = paramValues(whole, typeof given === 'function' ? given(whole) : given);
      const refusal = { status: 422, code: 'validation_failed' };
      const op = doc.paths[openApiPath(p)][method.toLowerCase()] as Obj;
      const schema = op.requestBody.content['application/json'].schema as Obj;
      // An empty body: one detail per missing required property, naming it (or one for the body
      // when the schema asks for "at least one" property instead).
      const required = (schema.required ?? []) as string[];
      if (required.length || schema.minProperties) {
        const res = await server.api(fillPath(p, values), { method, body: '{}' });
        const answer = (await res.json()) as Obj;
        expect({ key, status: res.status, code: answer.error.code }).toEqual({ key, ...refusal });
        expect({ key, paths: (answer.error.details as Obj[]).map((d) => d.path).sort() }).toEqual({ key, paths: required.length ? required.map((r) => `/${r}`).sort() : [''] });
      }
      // A property of the wrong type is named too (when the schema names a property with one type).
      const typedProperty = Object.entries((schema.properties ?? {}) as Obj).find(([, s]) => ['string', 'boolean', 'integer', 'object'].includes(s.type));
      if (!typedProperty) continue;
      const [name, property] = typedProperty;
      const wrong = property.type === 'string' ? 12 : 'nonsense';
      const typed = await server.api(fillPath(p, values), { method, body: JSON.stringify({ [name]: wrong }) });
      const typedAnswer = (await typed.json()) as Obj;
      const paths = ((typedAnswer.error?.details ?? []) as Obj[]).map((d) => d.path);
      expect({ key, status: typed.status, answer: typedAnswer }).toEqual(expect.objectContaining({ key, status: refusal.status }));
      expect({ key, paths }).toEqual({ key, paths: expect.arrayContaining([`/${name}`]) });
    }
  }, 120_000);

  it('the reference page lists every operation, with no script and nothing from elsewhere', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).not.toMatch(/<script|<link|src=/i);
    const ids = Object.values(doc.paths as Obj).flatMap((item) => Object.values(item as Obj).map((op) => (op as Obj).operationId as string));
    expect(ids.filter((id) => !page.includes(`id="${id}"`))).toEqual([]);
  });

  function checkResponse(op: Obj, status: number, contentType: string | null, text: string): string | null {
    const declared = op.responses[String(status)] as Obj | undefined;
    const media = (contentType ?? '').split(';')[0].trim();
    const content = declared ? (declared.content as Obj | undefined) : { 'application/json': { schema: doc.components.schemas.Error } };
    if (!content) return text.length === 0 ? null : `declared without a body, got ${media} ${text.slice(0, 100)}`;
    if (!(media in content)) return `content-type ${media || '(none)'} is not one of ${Object.keys(content).join(', ')}`;
    const schema = content[media].schema;
    if (!schema) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return `not JSON: ${text.slice(0, 100)}`;
    }
    const validate = ajv.compile(resolveLocal(schema, doc) as Obj);
    return validate(value) ? null : `${ajv.errorsText(validate.errors)}; body ${text.slice(0, 200)}`;
  }
});

/** The schema with `#/components/…` references replaced by what they name (ajv knows only the schema itself). */
function resolveLocal(schema: unknown, doc: Obj): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolveLocal(s, doc));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Obj).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) return resolveLocal(ref.slice(2).split('/').reduce((o: Obj, k) => o[k], doc), doc);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolveLocal(v, doc)]));
}
