/**
 * The Armbian `userpatches/config-<name>.conf` form of a configuration: one `KEY="value"` line per
 * build variable the schema marks `x-export: "conf"`, in form order. The file is sourced by bash,
 * so values are double-quoted with `"`, `\`, `$` and backticks escaped. Boardroom-only properties
 * (packages, script, time zone, description) live in the JSON export, not here.
 */
import type { ConfigSchema, PropertySchema } from './schema/types.ts';
import type { ValidationIssue } from './validation/issue.ts';

/** A .conf larger than this is not a board config; refuse it before parsing. */
export const MAX_CONF_LINES = 2_000;

const KEY_RE = /^[A-Z][A-Z0-9_]*$/;
const ASSIGNMENT_RE = /^(?:export\s+|declare\s+-g\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

function exported(schema: ConfigSchema): Array<[string, PropertySchema]> {
  return Object.entries(schema.properties).filter(([, p]) => p['x-export'] === 'conf');
}

function quote(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

function asConfValue(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(String).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function configToConf(schema: ConfigSchema, name: string, data: Record<string, unknown>): string {
  const lines = [`# Boardroom configuration "${name.replace(/[\r\n]+/g, ' ')}"`, `# schema ${schema['x-schema-version']}`];
  for (const [key, property] of exported(schema)) {
    const value = asConfValue(data[key]);
    if (value === null) continue;
    if (property.deprecated) lines.push(`# ${key} is deprecated${property['x-replaced-by'] ? `; use ${property['x-replaced-by']}` : ''}`);
    lines.push(`${key}=${quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Undoes bash quoting for the forms a config file uses: "double", 'single' or bare words. */
function unquote(raw: string): string | null {
  const text = raw.trim().replace(/\s+#.*$/, '');
  if (text.startsWith('"')) {
    const end = text.lastIndexOf('"');
    if (end <= 0) return null;
    return text.slice(1, end).replace(/\\([\\"$`])/g, '$1');
  }
  if (text.startsWith("'")) {
    const end = text.lastIndexOf("'");
    if (end <= 0) return null;
    return text.slice(1, end);
  }
  return /\s/.test(text) ? null : text;
}

export interface ParsedConf {
  data: Record<string, unknown>;
  issues: ValidationIssue[];
}

/** Reads a config-<name>.conf back into configuration JSON, reporting lines it cannot take. */
export function parseConf(schema: ConfigSchema, text: string): ParsedConf {
  const data: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  const properties = new Map(exported(schema));
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_CONF_LINES) {
    issues.push({ path: '', keyword: 'maxLines', severity: 'error', message: `A config file has at most ${MAX_CONF_LINES} lines` });
    return { data, issues };
  }
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT_RE.exec(trimmed);
    const lineNo = index + 1;
    if (!match) {
      issues.push({ path: '', keyword: 'syntax', severity: 'error', message: `Line ${lineNo} is not a KEY="value" assignment` });
      return;
    }
    const [, key, rawValue] = match;
    const property = KEY_RE.test(key) ? properties.get(key) : undefined;
    if (!property) {
      issues.push({ path: `/${key}`, keyword: 'additionalProperties', severity: 'error', message: `Line ${lineNo}: ${key} is not a build option Boardroom knows` });
      return;
    }
    const value = unquote(rawValue);
    if (value === null) {
      issues.push({ path: `/${key}`, keyword: 'syntax', severity: 'error', message: `Line ${lineNo}: the value of ${key} is not a quoted string or a single word` });
      return;
    }
    if (property.type === 'integer') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) {
        issues.push({ path: `/${key}`, keyword: 'type', severity: 'error', message: `Line ${lineNo}: ${key} must be a number` });
        return;
      }
      data[key] = n;
    } else if (property.type === 'array') {
      data[key] = value === '' ? [] : value.split(/[,\s]+/).filter(Boolean);
    } else {
      data[key] = value;
    }
  });
  return { data, issues };
}
