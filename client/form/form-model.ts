/**
 * The shape of the generated form: sections in the Armbian build order, the fields of each in
 * `x-order`, and whether a conditional field (`x-when`) is shown, dimmed or hidden for the data.
 */
import { conditionHolds } from '../../shared/schema/conditions.ts';
import type { ConfigSchema, PropertySchema, SectionInfo, WhenCondition } from '../../shared/schema/types.ts';

export interface FormSection {
  info: SectionInfo;
  /** Property names, in `x-order`. */
  properties: string[];
}

/** Every section of the schema that has fields, in `x-sections` order. */
export function formSections(schema: ConfigSchema): FormSection[] {
  const bySection = new Map<string, [string, PropertySchema][]>();
  for (const [name, property] of Object.entries(schema.properties)) {
    const list = bySection.get(property['x-section']) ?? [];
    list.push([name, property]);
    bySection.set(property['x-section'], list);
  }
  return schema['x-sections']
    .map((info) => ({
      info,
      properties: (bySection.get(info.id) ?? [])
        .sort((a, b) => a[1]['x-order'] - b[1]['x-order'])
        .map(([name]) => name),
    }))
    .filter((section) => section.properties.length > 0);
}

/**
 * - `shown`: no condition, or its condition holds;
 * - `dimmed`: the condition does not hold but a value is set: it has no effect (or is an error),
 *   and people must see it to clear it;
 * - `hidden`: the condition does not hold and nothing is set, or a deprecated property is unset.
 */
export type FieldVisibility = 'shown' | 'dimmed' | 'hidden';

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

export function fieldVisibility(schema: ConfigSchema, data: Record<string, unknown>, property: string): FieldVisibility {
  // Legacy switches the framework no longer reads: only shown while set, so they can be cleared.
  if (schema.properties[property]?.deprecated && !isSet(data[property])) return 'hidden';
  const when = schema.properties[property]?.['x-when'];
  if (!when || conditionHolds(schema, data, when)) return 'shown';
  return isSet(data[property]) ? 'dimmed' : 'hidden';
}

/** The properties a field's condition reads: its visibility needs to be recomputed only when they change. */
export function conditionInputs(schema: ConfigSchema, property: string): string[] {
  return Object.keys(schema.properties[property]?.['x-when'] ?? {});
}

/** "Desktop image is yes", "Image output is xz" — the words shown on a dimmed field. */
export function describeCondition(schema: ConfigSchema, when: WhenCondition): string {
  return Object.entries(when)
    .map(([name, values]) => {
      const title = schema.properties[name]?.title ?? name;
      const list = values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
      return schema.properties[name]?.type === 'array' ? `${title} includes ${list}` : `${title} is ${list}`;
    })
    .join(' and ');
}

/** True for properties the schema lists as required (BOARD, BRANCH, RELEASE). */
export function isRequired(schema: ConfigSchema, property: string): boolean {
  return schema.required.includes(property);
}
