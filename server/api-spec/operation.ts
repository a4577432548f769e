/**
 * How a route is described for the OpenAPI document (docs/architecture.md, "REST API description").
 * Each feature folder keeps the descriptions of its own routes in `api-spec.ts`, keyed exactly as
 * Hono's route table prints them (`'POST /api/configs/:id/versions'`); `server/api-spec/registry.ts`
 * lists those files and `openapi.ts` turns them into the document served at `/api/openapi.json`.
 * A request body's schema is also what the route validates with (`validated-body.ts`), so the
 * document and the server cannot disagree about what a body may hold.
 */
import type { OrgAction } from '../../shared/org-roles.ts';
import type { Action } from '../../shared/roles.ts';
import type { TokenScope } from '../../shared/token-scopes.ts';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** Who may call the route, as the access policy decides it (server/access/policy.ts). */
export type Access =
  /** Anyone, with or without a credential. */
  | { public: true }
  /** A signed-in person (session cookie or bearer session); a personal access token only with
   * `token` (a scope, or `any` for every token). */
  | { signedIn: true; token?: TokenScope | 'any' }
  /** The configuration's (or its build's) role may do `action` (shared/roles.ts): sessions,
   * share links whose role allows it, tokens with the action's scope (shared/token-scopes.ts). */
  | { action: Action }
  /** A signed-in member of the organisation `:orgId` whose organisation role may do `orgAction`
   * (shared/org-roles.ts); personal access tokens are refused. */
  | { orgAction: OrgAction }
  /** Not for callers of the REST API (the metrics scrape, the WebSocket endpoint). */
  | { other: string };

/** A response: a JSON body with its schema, another media type, or no body. */
export type ResponseSpec = { description: string } & ({ json: JsonSchema; orMedia?: string } | { media: string | readonly string[] } | { empty: true });

export interface OperationSpec {
  summary: string;
  description?: string;
  access: Access;
  /** Query parameters by name. */
  query?: Record<string, { schema: JsonSchema; required?: boolean; description?: string }>;
  /** The JSON request body's schema; the route validates its body with it. */
  body?: JsonSchema;
  /** The body is optional (an empty request is the same as `{}`). */
  bodyOptional?: boolean;
  /** Answers by status; the error body (`{ error: { code, message, details } }`) is implied for
   * every other status. */
  responses: Record<number, ResponseSpec>;
}

/** One feature's routes: its tag in the document and its operations by route key. */
export interface ApiSpec {
  tag: string;
  description: string;
  operations: Record<string, OperationSpec>;
}

// Small builders so the per-feature files stay readable.
export const json = (schema: JsonSchema, description = 'OK', orMedia?: string): ResponseSpec => ({ description, json: schema, ...(orMedia ? { orMedia } : {}) });
export const media = (type: string | readonly string[], description: string): ResponseSpec => ({ description, media: type });
export const empty = (description = 'Done, no body'): ResponseSpec => ({ description, empty: true });

export const str = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra });
export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const bool: JsonSchema = { type: 'boolean' };
export const int = (extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', ...extra });
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const arrayOf = (items: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({ type: 'array', items, ...extra });
export const oneOfStrings = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
/** An object with these properties (`required` lists the ones always present). Further
 * properties are allowed in answers (additive changes do not break clients). */
export const obj = (properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});
export const anyObject: JsonSchema = { type: 'object' };
export const anyJson: JsonSchema = {};
/** The configuration's JSON Schema, served at `GET /api/schema` (shared/schema/). */
export const CONFIG_SCHEMA_REF: JsonSchema = { $ref: '/api/schema' };
