/**
 * Validation issues arranged for the form and the Problems panel: grouped by the top-level field
 * they belong to (an issue at `/extraPackages/3` shows on the Extra packages field, on item 3).
 */
import { parsePointer, toPointer } from '../../shared/json-pointer.ts';
import { titleAt } from '../../shared/schema/schema-path.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import type { ValidationIssue, ValidationResult } from '../../shared/validation/issue.ts';

export const EMPTY_RESULT: ValidationResult = { valid: true, errors: [], warnings: [] };

/** The pointer of the form field an issue belongs to: its top-level property ('' for the root). */
export function fieldPointerOf(path: string): string {
  const segments = parsePointer(path);
  return segments.length === 0 ? '' : toPointer([segments[0]]);
}

/** Issues per field pointer, errors before warnings. */
export function issuesByField(result: ValidationResult): Map<string, ValidationIssue[]> {
  const map = new Map<string, ValidationIssue[]>();
  for (const issue of [...result.errors, ...result.warnings]) {
    const key = fieldPointerOf(issue.path);
    const list = map.get(key) ?? [];
    list.push(issue);
    map.set(key, list);
  }
  return map;
}

export interface ProblemRow extends ValidationIssue {
  /** "Kernel branch", "Entry 3 of Extra packages". */
  fieldTitle: string;
  /** The pointer to focus when the row is chosen. */
  fieldPointer: string;
}

/** Every issue for the Problems panel, errors first, each in form order. */
export function problemRows(schema: ConfigSchema, result: ValidationResult): ProblemRow[] {
  return [...result.errors, ...result.warnings].map((issue) => ({
    ...issue,
    fieldTitle: titleAt(schema, parsePointer(issue.path)),
    fieldPointer: fieldPointerOf(issue.path),
  }));
}

/** Same issues, ignoring order: a pushed result equal to the shown one changes nothing. */
export function sameResult(a: ValidationResult, b: ValidationResult): boolean {
  const key = (r: ValidationResult) =>
    JSON.stringify([...r.errors, ...r.warnings].map((i) => [i.path, i.keyword, i.severity, i.message]).sort());
  return key(a) === key(b);
}
