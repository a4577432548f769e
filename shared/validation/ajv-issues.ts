/**
 * Turns ajv's error objects into Boardroom issues: a JSON Pointer to the offending value (for
 * `required` and `additionalProperties` that is the property itself, not its parent) and a
 * message written from the schema's titles.
 */
import { escapeSegment, parsePointer, valueAt } from '../json-pointer.ts';
import { schemaAt, titleAt } from '../schema/schema-path.ts';
import type { ConfigSchema } from '../schema/types.ts';
import type { AjvErrorObject } from './generated/config-validator.js';
import { describeValue, orList, quote, type ValidationIssue } from './issue.ts';

/** Enums longer than this are not spelled out in a message (the board list has 400 entries). */
const ENUM_LIST_LIMIT = 12;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a group of settings',
  boolean: 'true or false',
};

function unitSuffix(schema: ConfigSchema, segments: readonly string[]): string {
  const sub = schemaAt(schema, segments);
  return sub && 'x-unit' in sub && sub['x-unit'] ? ` ${sub['x-unit']}` : '';
}

function message(schema: ConfigSchema, error: AjvErrorObject, segments: string[], value: unknown): string {
  const title = titleAt(schema, segments);
  const params = error.params;
  switch (error.keyword) {
    case 'type':
      return `${title} must be ${TYPE_WORDS[String(params.type)] ?? params.type}, not ${describeValue(value)}`;
    case 'additionalProperties':
      return segments.length === 1
        ? `Unknown setting ${quote(segments[0])}: Boardroom has no such property`
        : `${quote(segments[segments.length - 1])} is not allowed in ${titleAt(schema, segments.slice(0, -1))}`;
    case 'required':
      return `Choose a ${title.toLowerCase()}: a build needs one`;
    case 'enum': {
      const allowed = (params.allowedValues ?? []) as string[];
      if (value === '') return `${title} is empty; choose one of ${orList(allowed.slice(0, ENUM_LIST_LIMIT))}`;
      return allowed.length > ENUM_LIST_LIMIT
        ? `${title} ${quote(value)} is not known`
        : `${title} ${quote(value)} is not one of ${orList(allowed)}`;
    }
    case 'pattern': {
      const sub = schemaAt(schema, segments);
      const hint = sub && 'x-pattern-hint' in sub ? sub['x-pattern-hint'] : undefined;
      return `${title} ${quote(value)} is not valid${hint ? `: use ${hint}` : ''}`;
    }
    case 'minLength':
      return `${title} is empty`;
    case 'maxLength':
      return `${title} is too long: ${typeof value === 'string' ? value.length : '?'} characters, at most ${params.limit}`;
    case 'maxItems':
      return `${title} has too many entries: ${Array.isArray(value) ? value.length : '?'}, at most ${params.limit}`;
    case 'minimum':
      return `${title} must be at least ${params.limit}${unitSuffix(schema, segments)}`;
    case 'maximum':
      return `${title} must be at most ${params.limit}${unitSuffix(schema, segments)}`;
    default:
      return `${title} is not valid (${error.keyword})`;
  }
}

/** Maps ajv errors to issues; all are errors (warnings come only from the domain rules). */
export function issuesFromAjv(schema: ConfigSchema, data: unknown, errors: readonly AjvErrorObject[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    let pointer = error.instancePath;
    if (error.keyword === 'required') pointer += '/' + escapeSegment(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') pointer += '/' + escapeSegment(String(error.params.additionalProperty));
    const segments = parsePointer(pointer);
    const value = valueAt(data, segments);
    const required = schema.required.includes(segments[0] ?? '') && segments.length === 1;
    // A cleared required field ('' from a form) is the same situation as a missing one.
    const keyword = error.keyword === 'enum' && value === '' && required ? 'required' : error.keyword;
    issues.push({
      path: pointer,
      message: message(schema, { ...error, keyword }, segments, value),
      keyword,
      severity: 'error',
    });
  }
  return issues;
}
