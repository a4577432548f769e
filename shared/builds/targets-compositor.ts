/**
 * A framework `targets.yaml`, expanded into build targets exactly as the framework's
 * `lib/tools/info/targets-compositor.py` does: each target's `vars` (or each of its `expand`
 * entries over them) combined with every item (`items`, one level of nested lists flattened, and
 * `items-from-inventory`: `all`, `not-eos`, `not-eos-with-video` or a support level, with
 * `skip-arches`/`only-arches`), disabled targets skipped, duplicates dropped keeping the first.
 * Browser-safe: the board inventory is passed in (the schema's `x-boards`).
 *
 * What a Boardroom matrix cannot express is refused, never quietly dropped: `pipeline` (a matrix
 * builds images, not single artifacts), `configs` (extra framework config files),
 * `items-from-inventory: userspace` (needs the framework's userspace inventory, fetched from the
 * network) and vars that are not configuration settings. The framework's `BETA` and `REVISION`,
 * which the compositor copies from its environment into every target, are not targets' own and
 * are left to the builder.
 */
import { parseTargetsYaml, TargetsYamlError, type YamlValue } from './targets-yaml.ts';

/** What the expansion needs to know of a board (the framework's board inventory). */
export interface InventoryBoard {
  board: string;
  support: string;
  kernelTargets: readonly string[];
  hasVideo: boolean;
  arch: string;
}

/** One expanded invocation: the framework variables it sets, in the file's order. */
export type TargetVars = Record<string, string>;

export interface TargetsProblem {
  /** Where: `targets/<name>/…`, or `line N` for a YAML error. */
  path: string;
  message: string;
}

export class TargetsFileError extends Error {
  readonly problems: TargetsProblem[];
  constructor(problems: TargetsProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'TargetsFileError';
    this.problems = problems;
  }
}

/** Variables the compositor injects from its own environment into every invocation. */
const ENVIRONMENT_VARS = new Set(['BETA', 'REVISION']);

type YamlMap = { [key: string]: YamlValue };
const isMap = (v: YamlValue | undefined): v is YamlMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Python's truthiness, for `enabled:` (the compositor tests `not target_obj["enabled"]`). */
const truthy = (v: YamlValue | undefined): boolean =>
  !(v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0));

/**
 * Expands the text of a targets file. `isSetting(name)` says whether a variable is a configuration
 * setting a target may override; `maxTargets` stops the expansion early (a file naming every board
 * must not build a huge list only to be refused).
 */
export function expandTargetsYaml(
  source: string,
  inventory: readonly InventoryBoard[],
  options: { isSetting: (name: string) => boolean; maxTargets?: number },
): TargetVars[] {
  let doc: YamlValue;
  try {
    doc = parseTargetsYaml(source);
  } catch (error) {
    if (error instanceof TargetsYamlError) throw new TargetsFileError([{ path: `line ${error.line}`, message: error.message.replace(/^line \d+: /, '') }]);
    throw error;
  }
  return expandTargets(doc, inventory, options);
}

export function expandTargets(
  doc: YamlValue,
  inventory: readonly InventoryBoard[],
  options: { isSetting: (name: string) => boolean; maxTargets?: number },
): TargetVars[] {
  const problems: TargetsProblem[] = [];
  if (!isMap(doc) || !isMap(doc.targets)) throw new TargetsFileError([{ path: 'targets', message: 'the file needs a "targets:" mapping of target groups' }]);
  const boards = new Map(inventory.map((b) => [b.board, b]));
  const byName = inventoryLists(inventory);
  const unique = new Map<string, TargetVars>();
  const max = options.maxTargets ?? Number.POSITIVE_INFINITY;

  for (const [name, target] of Object.entries(doc.targets)) {
    const at = `targets/${name}`;
    if (!isMap(target)) {
      problems.push({ path: at, message: 'a target group must be a mapping' });
      continue;
    }
    if ('enabled' in target && !truthy(target.enabled)) continue;
    if ('pipeline' in target && truthy(target.pipeline)) {
      problems.push({ path: `${at}/pipeline`, message: 'a matrix builds whole images; targets that build only some artifacts (pipeline) cannot be imported' });
    }
    if ('configs' in target && truthy(target.configs)) {
      problems.push({ path: `${at}/configs`, message: 'extra framework config files (configs) cannot be imported; put those settings in the configuration' });
    }
    if (!isMap(target.vars)) {
      problems.push({ path: `${at}/vars`, message: 'every target group needs "vars" (the framework stops without them)' });
      continue;
    }
    const expansions: YamlMap[] = [];
    if ('expand' in target) {
      if (!isMap(target.expand)) {
        problems.push({ path: `${at}/expand`, message: '"expand" must be a mapping of named variable sets' });
        continue;
      }
      for (const [expandName, extra] of Object.entries(target.expand)) {
        if (!isMap(extra)) problems.push({ path: `${at}/expand/${expandName}`, message: 'must be a mapping of variables' });
        else expansions.push({ ...target.vars, ...extra });
      }
    } else {
      expansions.push({ ...target.vars });
    }

    const items: YamlValue[] = [];
    if ('items' in target && target.items !== null) {
      if (!Array.isArray(target.items)) problems.push({ path: `${at}/items`, message: '"items" must be a list' });
      else for (const item of target.items) items.push(...(Array.isArray(item) ? item : [item]));
    }
    if ('items-from-inventory' in target && target['items-from-inventory'] !== null) {
      const fromInventory = target['items-from-inventory'];
      if (!isMap(fromInventory)) problems.push({ path: `${at}/items-from-inventory`, message: 'must be a mapping' });
      else {
        for (const [key, cfg] of Object.entries(fromInventory)) {
          const here = `${at}/items-from-inventory/${key}`;
          if (key === 'userspace') {
            problems.push({ path: here, message: 'userspace targets need the framework\'s userspace inventory (fetched from the network) and cannot be imported' });
            continue;
          }
          const list = byName(key);
          if (!list) {
            problems.push({ path: here, message: `unknown inventory "${key}" (known: all, not-eos, not-eos-with-video, or a support level such as conf, csc)` });
            continue;
          }
          items.push(...filterArches(list, cfg, boards));
        }
      }
    }

    for (const vars of expansions) {
      for (const item of items) {
        if (!isMap(item)) {
          problems.push({ path: `${at}/items`, message: `an item must be a mapping of variables, found ${JSON.stringify(item)}` });
          continue;
        }
        const merged: YamlMap = { ...vars, ...item };
        const key = canonicalKey(merged);
        if (unique.has(key)) continue;
        const checked = checkVars(merged, at, options.isSetting, problems);
        if (!checked) continue;
        if (!boards.has(checked.BOARD ?? '')) {
          problems.push({ path: at, message: checked.BOARD ? `unknown board "${checked.BOARD}"` : 'a target without BOARD' });
          continue;
        }
        unique.set(key, checked);
        if (unique.size > max) {
          throw new TargetsFileError([...problems, { path: at, message: `the file expands to more than ${max} targets` }]);
        }
      }
    }
  }
  if (problems.length > 0) throw new TargetsFileError(dedupeProblems(problems));
  return [...unique.values()];
}

/** The inventory lists the compositor builds: one entry per board and possible branch. */
function inventoryLists(inventory: readonly InventoryBoard[]): (key: string) => TargetVars[] | null {
  const all: TargetVars[] = [];
  const notEos: TargetVars[] = [];
  const withVideo: TargetVars[] = [];
  const bySupport = new Map<string, TargetVars[]>();
  for (const board of inventory) {
    for (const branch of board.kernelTargets) {
      const item = { BOARD: board.board, BRANCH: branch };
      all.push(item);
      if (!bySupport.has(board.support)) bySupport.set(board.support, []);
      bySupport.get(board.support)!.push(item);
      if (board.support !== 'eos') {
        notEos.push(item);
        if (board.hasVideo) withVideo.push(item);
      }
    }
  }
  return (key) => {
    if (key === 'all') return all;
    if (key === 'not-eos') return notEos;
    if (key === 'not-eos-with-video') return withVideo;
    return bySupport.get(key) ?? null;
  };
}

function filterArches(list: TargetVars[], cfg: YamlValue, boards: Map<string, InventoryBoard>): TargetVars[] {
  if (!isMap(cfg)) return list;
  const skip = new Set((Array.isArray(cfg['skip-arches']) ? cfg['skip-arches'] : []).map(String));
  const onlyRaw = cfg['only-arches'];
  const only = Array.isArray(onlyRaw) && onlyRaw.length > 0 ? new Set(onlyRaw.map(String)) : null;
  if (skip.size === 0 && !only) return list;
  return list.filter((item) => {
    const arch = boards.get(item.BOARD!)?.arch;
    if (arch === undefined) return true;
    if (only && !only.has(arch)) return false;
    return !skip.has(arch);
  });
}

/** The vars as strings, with the compositor's environment variables left out. */
function checkVars(vars: YamlMap, at: string, isSetting: (name: string) => boolean, problems: TargetsProblem[]): TargetVars | null {
  const out: TargetVars = {};
  let ok = true;
  for (const [name, value] of Object.entries(vars)) {
    if (ENVIRONMENT_VARS.has(name)) continue;
    if (!isSetting(name)) {
      problems.push({ path: `${at}/vars/${name}`, message: `"${name}" is not a configuration setting a matrix can set` });
      ok = false;
    } else if (typeof value !== 'string') {
      const hint = typeof value === 'boolean' ? ` (quote it: YAML reads an unquoted ${value ? 'yes' : 'no'} as ${value ? 'true' : 'false'})` : '';
      problems.push({ path: `${at}/vars/${name}`, message: `must be a string${hint}` });
      ok = false;
    } else {
      out[name] = value;
    }
  }
  return ok ? out : null;
}

/** The compositor's dedupe key: the invocation as JSON with sorted keys. */
function canonicalKey(vars: YamlMap): string {
  return JSON.stringify(Object.keys(vars).sort().map((k) => [k, vars[k]]));
}

function dedupeProblems(problems: TargetsProblem[]): TargetsProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
