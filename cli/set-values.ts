/**
 * `boardroom set KEY=value …`: assignments read by the configuration schema's own types, so a
 * script writes what the form would (`ENABLE_EXTENSIONS=docker-ce,cloud-init` is a list,
 * `ROOTFS_SIZE=4096`-style keys are numbers). `KEY=` removes the key (back to the default). The
 * result is the body of `PATCH /api/configs/:id/data` (a JSON Merge Patch).
 */
import { configSchema } from '../shared/schema/index.ts';

export class AssignmentError extends Error {}

type PropertySchema = { type?: string | string[] };

export function parseAssignments(args: readonly string[]): Record<string, unknown> {
  if (args.length === 0) throw new AssignmentError('give at least one KEY=value');
  const properties = configSchema.properties as Record<string, PropertySchema>;
  const patch: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new AssignmentError(`"${arg}" is not KEY=value`);
    const key = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (!property) throw new AssignmentError(`unknown key ${key} (the schema is at /api/schema)`);
    if (Object.hasOwn(patch, key)) throw new AssignmentError(`${key} is given twice`);
    patch[key] = raw === '' ? null : valueOf(key, raw, property);
  }
  return patch;
}

function valueOf(key: string, raw: string, property: PropertySchema): unknown {
  const type = Array.isArray(property.type) ? property.type[0] : property.type;
  if (type === 'array') return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (type === 'integer' || type === 'number') {
    const value = Number(raw);
    if (!Number.isFinite(value) || (type === 'integer' && !Number.isInteger(value))) throw new AssignmentError(`${key} takes a${type === 'integer' ? 'n integer' : ' number'}, got "${raw}"`);
    return value;
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new AssignmentError(`${key} takes true or false, got "${raw}"`);
    return raw === 'true';
  }
  return raw;
}
