/**
 * Query and body parameters shared by the history and review routes, each checked with a clear
 * 400/422 answer naming the parameter.
 */
import { badRequest, unprocessable } from '../http-errors.ts';

/** `?limit=`: 1…max, `fallback` when absent. */
export function readLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(`limit must be an integer from 1 to ${max}`, [{ path: 'limit', message: `not 1…${max}: ${raw}`, keyword: 'maximum' }]);
  }
  return n;
}

/** A required or optional piece of text of bounded length; `null` only when `nullable`. */
export function readText(
  body: Record<string, unknown>,
  key: string,
  options: { max: number; required?: boolean },
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (options.required) throw unprocessable(`${key} is required`, [{ path: `/${key}`, message: `${key} is required`, keyword: 'required' }]);
    return undefined;
  }
  if (typeof value !== 'string') throw unprocessable(`${key} must be text`, [{ path: `/${key}`, message: 'expected a string', keyword: 'type' }]);
  const trimmed = value.trim();
  if (options.required && trimmed.length === 0) {
    throw unprocessable(`${key} must not be empty`, [{ path: `/${key}`, message: 'must not be empty', keyword: 'minLength' }]);
  }
  if (trimmed.length > options.max) {
    throw unprocessable(`${key} is longer than ${options.max} characters`, [
      { path: `/${key}`, message: `at most ${options.max} characters`, keyword: 'maxLength' },
    ]);
  }
  return trimmed;
}
