/**
 * `configs ls`, `export`, `import`, `set`, `validate`: the configuration itself. `validate` runs
 * the same validation the server and the form run (shared/validation), on a configuration on the
 * server or on a local file, so a CI job can refuse a bad change before it is pushed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConf } from '../shared/conf/conf-import.ts';
import { defaultConfig } from '../shared/doc-binding.ts';
import { configSchema } from '../shared/schema/index.ts';
import { isUuid } from '../shared/uuid.ts';
import { validateConfig } from '../shared/validation/index.ts';
import { CliError } from './api-client.ts';
import { print, type CommandContext } from './io.ts';
import { AssignmentError, parseAssignments } from './set-values.ts';

interface ConfigSummary {
  id: string;
  name: string;
  updatedAt: string;
}

interface Issue {
  path: string;
  message: string;
  keyword?: string;
}

const configPath = (id: string) => `/api/configs/${encodeURIComponent(id)}`;

export async function listConfigs(ctx: CommandContext): Promise<number> {
  const configs = await (await ctx.api()).json<ConfigSummary[]>('GET', '/api/configs');
  print(ctx, configs, () => (configs.length === 0 ? ['No configurations.'] : configs.map((c) => `${c.id}  ${c.name}  (updated ${c.updatedAt})`)));
  return 0;
}

export async function exportConfig(ctx: CommandContext, id: string, options: { format?: string; output?: string }): Promise<number> {
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'conf') throw new CliError('--format is json or conf', 2);
  const res = await (await ctx.api()).raw(`${configPath(id)}/export?format=${format}`);
  const text = await res.text();
  if (!options.output) {
    ctx.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  }
  const file = path.resolve(ctx.io.cwd, options.output);
  await writeFile(file, text);
  ctx.io.stderr(`Wrote ${file}\n`);
  return 0;
}

export async function importConfig(ctx: CommandContext, file: string, options: { name?: string }): Promise<number> {
  const text = await readLocal(ctx, file);
  const body = isJsonFile(file, text) ? { ...jsonEnvelope(text, file), ...(options.name ? { name: options.name } : {}) } : { conf: text, ...(options.name ? { name: options.name } : {}) };
  if (!body.name && 'data' in body) body.name = path.basename(file).replace(/\.json$/i, '');
  const created = await (await ctx.api()).json<{ id: string; name: string; warnings: Array<{ line?: number; message: string }> }>('POST', '/api/configs/import', body);
  print(ctx, created, () => [`Imported "${created.name}" as ${created.id}`, ...created.warnings.map((w) => `warning${w.line ? ` (line ${w.line})` : ''}: ${w.message}`)]);
  return 0;
}

export async function setValues(ctx: CommandContext, id: string, assignments: string[]): Promise<number> {
  let patch: Record<string, unknown>;
  try {
    patch = parseAssignments(assignments);
  } catch (error) {
    if (error instanceof AssignmentError) throw new CliError(error.message, 2);
    throw error;
  }
  const result = await (await ctx.api()).json<{ data: Record<string, unknown>; validation: { errors: Issue[]; warnings: Issue[] } }>('PATCH', `${configPath(id)}/data`, patch);
  print(ctx, result, () => [`Set ${Object.keys(patch).join(', ')}.`, ...issueLines(result.validation)]);
  // Saved either way (a configuration may be mid-edit); the exit code says whether it now builds.
  return result.validation.errors.length > 0 ? 1 : 0;
}

export async function validate(ctx: CommandContext, target: string): Promise<number> {
  // A configuration on the server is judged by the server: its tree's board files (custom boards)
  // decide which BOARD values exist, and only the server reads the tree.
  const { errors, warnings } = isUuid(target)
    ? (await (await ctx.api()).json<{ validation: { errors: Issue[]; warnings: Issue[] } }>('GET', configPath(target))).validation
    : validateConfig(await dataOf(ctx, target));
  const slim = (issues: Issue[]) => issues.map(({ path: p, message, keyword }) => ({ path: p, message, keyword }));
  print(ctx, { valid: errors.length === 0, errors: slim(errors), warnings: slim(warnings) }, () => [
    errors.length === 0 ? `Valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}.` : `${errors.length} error${errors.length === 1 ? '' : 's'}.`,
    ...issueLines({ errors, warnings }),
  ]);
  return errors.length === 0 ? 0 : 1;
}

/** A local file (JSON as exported, or an Armbian .conf) as a configuration. */
async function dataOf(ctx: CommandContext, target: string): Promise<unknown> {
  const local = await readLocal(ctx, target);
  // Judged as importing it would make it: the defaults, then the file (what it unsets stays unset).
  if (isJsonFile(target, local)) return { ...defaultConfig(), ...jsonEnvelope(local, target).data };
  const parsed = parseConf(configSchema, local);
  const data: Record<string, unknown> = { ...defaultConfig(), ...parsed.data };
  for (const key of parsed.unset) delete data[key];
  return data;
}

function issueLines({ errors, warnings }: { errors: Issue[]; warnings: Issue[] }): string[] {
  return [...errors.map((i) => `error   ${i.path || '(root)'}: ${i.message}`), ...warnings.map((i) => `warning ${i.path || '(root)'}: ${i.message}`)];
}

async function readLocal(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await readFile(path.resolve(ctx.io.cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

const isJsonFile = (file: string, text: string) => /\.json$/i.test(file) || text.trimStart().startsWith('{');

/** Both shapes `export` writes and people keep: `{ name, data }` or the bare configuration. */
function jsonEnvelope(text: string, file: string): { name?: string; data: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(`${file}: expected a JSON object`);
  const object = parsed as Record<string, unknown>;
  if (object.data && typeof object.data === 'object' && !Array.isArray(object.data)) {
    return { name: typeof object.name === 'string' ? object.name : undefined, data: object.data as Record<string, unknown> };
  }
  return { data: object };
}
