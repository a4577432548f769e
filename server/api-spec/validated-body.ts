/**
 * Reading a JSON body with the schema its route description declares (docs/architecture.md,
 * "REST API description"): the document at `/api/openapi.json` and the check a request meets are
 * the same schema object. A body that is not a JSON object answers as `readJsonObject` does
 * (415/400); one the schema refuses answers 422 `validation_failed` with one detail per problem
 * (`path` a JSON Pointer into the body). Checks the schema cannot state (a date in the future, a
 * membership) stay in the route, after this.
 */
import type { Context } from 'hono';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ApiError, readJsonObject, type ErrorDetail } from '../http-errors.ts';
import type { JsonSchema } from './operation.ts';

// Strict, except that a `required` may name a property defined beside it rather than in its own
// schema object: a choice between properties (`oneOf: [{ required: ['pick'] }, …]`) is written so.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
// The formats route descriptions use (`operation.ts`), stated here rather than pulling in every format.
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(value) && !Number.isNaN(Date.parse(value)));
ajv.addFormat('uri', (value: string) => URL.canParse(value));
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** The validator of `schema`, compiled once (routes compile theirs when they are built, so a
 * schema ajv refuses fails at start-up, not on a request). */
export function bodyValidator(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The branches of a `oneOf`/`anyOf` at `schemaPath` when each only asks for one property
 * ("exactly one of pick, targets or targetsYaml"); otherwise null. */
function alternativeProperties(schema: JsonSchema | undefined, schemaPath: string): string[] | null {
  const node = schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), schema);
  if (!Array.isArray(node)) return null;
  const names = node.map((branch: { required?: unknown }) => (Array.isArray(branch?.required) && branch.required.length === 1 && Object.keys(branch).length === 1 ? String(branch.required[0]) : null));
  return names.every((n) => n !== null) ? (names as string[]) : null;
}

/** One detail per top-level field at fault (the first problem ajv found there), as the
 * hand-written checks always reported them: `/scopes` for a bad item of `scopes`. A missing or
 * unexpected property is named in the path. A choice between properties (`oneOf` of `required`)
 * is one detail for the body naming the choice, not one per property it lacks; an `if` is told
 * by what its `then` asked for. */
export function errorDetails(errors: readonly ErrorObject[], schema?: JsonSchema): ErrorDetail[] {
  const choices = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .map((e) => ({ error: e, names: alternativeProperties(schema, `${e.schemaPath}`) }))
    .filter((c): c is { error: ErrorObject; names: string[] } => c.names !== null);
  const insideChoice = (e: ErrorObject) => choices.some((c) => e.schemaPath.startsWith(`${c.error.schemaPath}/`));
  const byField = new Map<string, ErrorDetail>();
  for (const e of errors) {
    if (e.keyword === 'if' || insideChoice(e)) continue;
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    const extra = params.missingProperty ?? (e.keyword === 'additionalProperties' ? params.additionalProperty : undefined);
    const full = extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
    const field = full.match(/^\/[^/]*/)?.[0] ?? '';
    const choice = choices.find((c) => c.error === e);
    // ajv words a missing or unexpected property from its parent ("must have required property
    // 'name'"); the detail is about the property itself.
    const said = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not a known property' : (e.message ?? 'is invalid');
    const message = choice ? `give ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${choice.names.join(', ')}` : `${full.slice(1) || 'the body'} ${said}`;
    if (!byField.has(field)) byField.set(field, { path: field, message, keyword: e.keyword });
  }
  return [...byField.values()];
}

/** How a route reads its body beyond the schema itself. */
export interface BodyOptions {
  /** The body may be left out (the description's `bodyOptional`): an empty request, with or
   * without a content type, reads as `{}` and is then checked like any other body. */
  optional?: boolean;
}

/** Returns a validator for `schema` that reads the request's body and checks it. */
export function validatedBody<T = Record<string, unknown>>(schema: JsonSchema, options: BodyOptions = {}): (c: Context) => Promise<T> {
  const validate = bodyValidator(schema);
  return async (c) => {
    // Hono caches the text, so readJsonObject reads the same bytes again.
    const body = options.optional && (await c.req.text()).trim() === '' ? {} : await readJsonObject(c);
    if (!validate(body)) {
      const details = errorDetails(validate.errors ?? [], schema);
      throw new ApiError(422, 'validation_failed', details.map((d) => d.message).join('; '), details);
    }
    return body as T;
  };
}
