/**
 * Evaluates `x-when` conditions: whether a property means anything given the other values.
 * The form uses it to hide or dim fields; the rules use it to warn about settings with no effect.
 */
import type { ConfigSchema, WhenCondition } from './types.ts';

/** The value a property has in effect: the stored one, or the framework default the schema names. */
export function effectiveValue(schema: ConfigSchema, data: Record<string, unknown>, property: string): unknown {
  if (Object.prototype.hasOwnProperty.call(data, property) && data[property] !== undefined) return data[property];
  return schema.properties[property]?.default;
}

function matches(value: unknown, accepted: readonly string[]): boolean {
  if (Array.isArray(value)) return value.some((item) => typeof item === 'string' && accepted.includes(item));
  return typeof value === 'string' && accepted.includes(value);
}

export function conditionHolds(schema: ConfigSchema, data: Record<string, unknown>, when: WhenCondition): boolean {
  for (const [property, accepted] of Object.entries(when)) {
    if (!matches(effectiveValue(schema, data, property), accepted)) return false;
  }
  return true;
}

/** True when `property` has no `x-when` or its condition holds for `data`. */
export function isApplicable(schema: ConfigSchema, data: Record<string, unknown>, property: string): boolean {
  const when = schema.properties[property]?.['x-when'];
  return when === undefined || conditionHolds(schema, data, when);
}
