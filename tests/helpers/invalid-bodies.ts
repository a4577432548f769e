/**
 * Request bodies a route's declared JSON Schema refuses, made from the schema itself
 * (tests/request-body-schemas.test.ts): each top-level property given a value of a type the
 * schema does not allow, and an unknown property where `additionalProperties` is false. Each
 * starts from a body the route accepts, so a server that did not check would act on it.
 */

type Schema = Record<string, unknown>;

export interface InvalidBody {
  /** The JSON Pointer the refusal must name. */
  field: string;
  why: string;
  body: Record<string, unknown>;
}

/** The property name no declared schema uses. */
export const UNKNOWN_PROPERTY = 'notInTheSchema';

/** One value of each JSON type, tried in this order. */
const SAMPLES: ReadonlyArray<[string, unknown]> = [
  ['integer', 12_345],
  ['string', 'not-the-right-type'],
  ['boolean', true],
  ['object', { nested: 1 }],
  ['array', [1]],
];

/** The JSON types a property schema allows, or null when it does not say (`{}`, a `$ref`). */
export function allowedTypes(schema: Schema): Set<string> | null {
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) {
    const all = new Set<string>();
    for (const branch of branches) {
      const types = allowedTypes(branch);
      if (!types) return null;
      types.forEach((t) => all.add(t));
    }
    return all;
  }
  const type = schema.type;
  if (type === undefined) return null;
  const types = new Set(Array.isArray(type) ? (type as string[]) : [type as string]);
  // An integer is a number too; a number schema allows integers.
  if (types.has('number')) types.add('integer');
  return types;
}

/** A value of a type `schema` does not allow, or undefined when it allows every type. */
export function wrongTypeFor(schema: Schema): unknown {
  const types = allowedTypes(schema);
  if (!types) return undefined;
  return SAMPLES.find(([type]) => !types.has(type))?.[1];
}

/** Invalid variants of `base` (a body the route accepts) under the object schema `schema`. */
export function invalidBodies(schema: Schema, base: Record<string, unknown>): InvalidBody[] {
  const out: InvalidBody[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  // Required properties first: the brief's "a wrong type for a required property" is the case
  // a hand-written check most often forgets when the value is merely passed along.
  const names = Object.keys(properties).sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
  for (const name of names) {
    const wrong = wrongTypeFor(properties[name]!);
    if (wrong === undefined) continue;
    out.push({ field: `/${name}`, why: `${name} of the wrong type (${JSON.stringify(wrong)})`, body: { ...base, [name]: wrong } });
  }
  if (schema.additionalProperties === false) {
    out.push({ field: `/${UNKNOWN_PROPERTY}`, why: 'an unknown property', body: { ...base, [UNKNOWN_PROPERTY]: 1 } });
  }
  return out;
}
