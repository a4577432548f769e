/**
 * REST errors: `{ error: { code, message, details? } }` with the right status (docs/architecture.md, "REST").
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorDetail {
  path: string;
  message: string;
  keyword: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = 'configuration') => new ApiError(404, 'not_found', `unknown ${what}`);
export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const unprocessable = (message: string, details: ErrorDetail[]) =>
  new ApiError(422, 'validation_failed', message, details);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function sendError(c: Context, error: ApiError) {
  return c.json(errorBody(error.code, error.message, error.details), error.status);
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | undefined | null): boolean {
  return (value ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Parses a JSON body, answering 415 for a body not declared as JSON (a `text/plain` or form body
 * is what a cross-site page can send without asking; it is never read as JSON) and 400 (not 500)
 * for anything that is not a JSON object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new ApiError(415, 'unsupported_media_type', 'send the request body as Content-Type: application/json');
  }
  let body: unknown;
  try {
    // Parsed from text so a route may have peeked at the raw body first (Hono caches it).
    body = JSON.parse(await c.req.text());
  } catch {
    throw badRequest('request body must be JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}
