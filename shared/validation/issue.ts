/** The result types every validation and repair answer uses, and small wording helpers. */

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  /** JSON Pointer into the configuration, e.g. `/BRANCH` or `/ENABLE_EXTENSIONS/2`. */
  path: string;
  /** Plain words for a person. */
  message: string;
  /** Stable machine word: a JSON Schema keyword (`type`, `enum`, `required`, …) or a rule name. */
  keyword: string;
  severity: Severity;
}

export interface ValidationResult {
  /** True when there are no errors; warnings do not make a configuration invalid. */
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** What `repairShape` did at one place; the server sends these to the author of the change. */
export interface RepairedIssue {
  path: string;
  message: string;
  keyword: string;
}

/**
 * Keywords of type and shape violations: the ones the server repairs with a compensating
 * transaction. Everything else (required, enum, pattern, minimum, domain rules) is normal while
 * editing and only reported.
 */
export const SHAPE_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'additionalProperties',
  'maxLength',
  'maxItems',
  'maxProperties',
  'maximum',
  'exclusiveMaximum',
]);

/** "a", "a or b", "a, b or c". */
export function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** "a", "a and b", "a, b and c". */
export function andList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

/** Longest quoted value a message repeats back; a pasted novel should not come back whole. */
const QUOTE_LIMIT = 40;

/** A value as a message quotes it: 'text' for strings, JSON otherwise, shortened. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const short = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
  return typeof value === 'string' ? `'${short}'` : short;
}

/** What kind of JSON value a person sees: "text", "a number", "a list" … */
export function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a number with a fraction';
    case 'boolean':
      return `${value} (true/false)`;
    case 'object':
      return 'a group of settings';
    default:
      return typeof value;
  }
}
