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

const ajv = new Ajv2020({ allErrors: true, strict: true });
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

/** One detail per top-level field at fault (the first problem ajv found there), as the
 * hand-written checks always reported them: `/scopes` for a bad item of `scopes`. A missing or
 * unexpected property is named in the path. */
export function errorDetails(errors: readonly ErrorObject[]): ErrorDetail[] {
  const byField = new Map<string, ErrorDetail>();
  for (const e of errors) {
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    const extra = params.missingProperty ?? (e.keyword === 'additionalProperties' ? params.additionalProperty : undefined);
    const full = extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
    const field = full.match(/^\/[^/]*/)?.[0] ?? '';
    if (!byField.has(field)) byField.set(field, { path: field, message: `${full.slice(1) || 'the body'} ${e.message ?? 'is invalid'}`, keyword: e.keyword });
  }
  return [...byField.values()];
}

/** Returns a validator for `schema` that reads the request's body and checks it. */
export function validatedBody<T = Record<string, unknown>>(schema: JsonSchema): (c: Context) => Promise<T> {
  const validate = bodyValidator(schema);
  return async (c) => {
    const body = await readJsonObject(c);
    if (!validate(body)) {
      const details = errorDetails(validate.errors ?? []);
      throw new ApiError(422, 'validation_failed', details.map((d) => d.message).join('; '), details);
    }
    return body as T;
  };
}
