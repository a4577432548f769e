/**
 * The OpenAPI 3.1 document, built from the app's own route table and the features' route
 * descriptions (docs/architecture.md, "REST API description"). A route the app serves without a
 * description, or a description of a route the app does not serve, is left out here and named by
 * `undescribed` / `unserved` (tests/openapi-contract.test.ts fails on either).
 */
import { can, type Action } from '../../shared/roles.ts';
import { SCOPE_OF_ACTION, TOKEN_PREFIX } from '../../shared/token-scopes.ts';
import { SESSION_COOKIE } from '../auth/actor.ts';
import type { Access, ApiSpec, JsonSchema, OperationSpec, ResponseSpec } from './operation.ts';

export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable (e.g. `validation_failed`, `not_found`).' },
        message: { type: 'string', description: 'For people.' },
        details: { description: 'For `validation_failed`: a list of `{ path, message, keyword }` (JSON Pointers into the body).' },
      },
    },
  },
};

export interface RouteKey {
  method: string;
  path: string;
}

/** Routes every deployment answers that are not part of the API (the built client's pages). */
export const isClientPage = (r: RouteKey) => r.method === 'GET' && !/^\/(api|health|sync|metrics)(\/|$)/.test(r.path);

export const routeKey = (r: RouteKey) => `${r.method} ${r.path}`;

/** `/api/configs/:id` → `/api/configs/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function security(access: Access): Array<Record<string, string[]>> | undefined {
  if ('public' in access) return [{}];
  if ('other' in access) return undefined;
  const session: Array<Record<string, string[]>> = [{ sessionCookie: [] }, { bearerSession: [] }];
  if ('orgAction' in access) return session;
  if ('signedIn' in access) {
    if (!access.token) return session;
    return [...session, { accessToken: access.token === 'any' ? [] : [access.token] }];
  }
  const scope = SCOPE_OF_ACTION[access.action];
  return [
    ...session,
    ...(scope ? [{ accessToken: [scope] }] : []),
    // A share link holds at most `editor`: it opens the route when that role may do the action.
    ...(can('editor', access.action) ? [{ shareToken: [] }] : []),
  ];
}

function accessText(access: Access): string {
  if ('public' in access) return 'Public.';
  if ('other' in access) return access.other;
  if ('orgAction' in access) return `A member of the organisation whose organisation role may \`${access.orgAction}\` (shared/org-roles.ts); personal access tokens are refused.`;
  if ('signedIn' in access) {
    const token = !access.token ? 'personal access tokens are refused' : access.token === 'any' ? 'any personal access token' : `personal access tokens with the \`${access.token}\` scope`;
    return `Signed in (${token}).`;
  }
  const scope = SCOPE_OF_ACTION[access.action as Action];
  return `Needs a role that may \`${access.action}\` on the configuration (shared/roles.ts); ${scope ? `tokens need the \`${scope}\` scope` : 'no token scope grants it'}.`;
}

function response(spec: ResponseSpec): Record<string, unknown> {
  if ('json' in spec) return { description: spec.description, content: { 'application/json': { schema: spec.json }, ...(spec.orMedia ? { [spec.orMedia]: {} } : {}) } };
  if ('media' in spec) return { description: spec.description, content: Object.fromEntries([spec.media].flat().map((type) => [type, {}])) };
  return { description: spec.description };
}

function operation(key: string, tag: string, spec: OperationSpec): Record<string, unknown> {
  const path = key.slice(key.indexOf(' ') + 1);
  const parameters = [
    ...[...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(spec.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: q.required ?? false, schema: q.schema, ...(q.description ? { description: q.description } : {}) })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses)) responses[status] = response(r);
  responses.default = { $ref: '#/components/responses/Error' };
  const sec = security(spec.access);
  return {
    operationId: operationId(key),
    summary: spec.summary,
    description: [spec.description, `Access: ${accessText(spec.access)}`].filter(Boolean).join('\n\n'),
    tags: [tag],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: !spec.bodyOptional, content: { 'application/json': { schema: spec.body } } } } : {}),
    responses,
    ...(sec ? { security: sec } : {}),
  };
}

/** `POST /api/configs/:id/versions` → `postApiConfigsIdVersions`. */
function operationId(key: string): string {
  const words = key.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}

export interface BuiltDocument {
  document: Record<string, unknown>;
  /** Served routes with no description (client pages excluded). */
  undescribed: string[];
  /** Descriptions of routes this app does not serve (a feature not configured here is fine). */
  unserved: string[];
}

export function buildOpenApi(specs: readonly ApiSpec[], routes: readonly RouteKey[], info: { version: string }): BuiltDocument {
  const served = new Set(routes.filter((r) => !isClientPage(r)).map(routeKey));
  const described = new Map<string, { tag: string; spec: OperationSpec }>();
  for (const { tag, operations } of specs) for (const [key, spec] of Object.entries(operations)) described.set(key, { tag, spec });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const key of served) {
    const found = described.get(key);
    if (!found) continue;
    const [method, path] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation(key, found.tag, found.spec);
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Boardroom REST API',
      version: info.version,
      description:
        'Every answer that is not a success is `{ "error": { "code", "message", "details"? } }`. ' +
        'Request bodies are JSON (`Content-Type: application/json`); a body that is not valid against the declared schema answers 422 `validation_failed` (or 400 `bad_request` for a body that is not a JSON object) with `details`. ' +
        'The configuration itself is described by its own JSON Schema at `/api/schema`.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: specs.map((s) => ({ name: s.tag, description: s.description })),
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      responses: { Error: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The browser session (set by sign-in).' },
        bearerSession: { type: 'http', scheme: 'bearer', description: 'A session token from `POST /api/auth/login` as `Authorization: Bearer …`.' },
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: `${TOKEN_PREFIX}…`, description: `A personal access token (\`${TOKEN_PREFIX}…\`, made at \`POST /api/tokens\`); the requirement lists the scope it needs.` },
        shareToken: { type: 'apiKey', in: 'header', name: 'x-share-token', description: 'A share link\'s token (its role applies).' },
      },
    },
  };
  return { document, undescribed: [...served].filter((k) => !described.has(k)), unserved: [...described.keys()].filter((k) => !served.has(k)) };
}
