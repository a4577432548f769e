/**
 * Reads what Armbian users have — a `userpatches/config-<name>.conf`, Armbian's own example
 * config, or a pasted `./compile.sh [build] KEY=value…` line — into a configuration. Nothing is
 * refused for being unfamiliar: known build variables become properties, `enable_extension` calls
 * and `ENABLE_EXTENSIONS` merge into the extension list, package lists become extra packages, and
 * every other command (functions, conditionals, unknown variables, values that depend on the
 * framework's environment) is kept verbatim in `extraLines`, which the export and the build plan
 * write back. Boardroom's own `#@boardroom` comments (see conf-directives.ts) restore what the
 * framework has no variable for, so export → import is exact.
 */
import type { ConfigSchema, PropertySchema } from '../schema/types.ts';
import { checkShape } from '../validation/index.ts';
import { lexBash, literalValue, type Command, type Comment, type SimpleCommand, type Word } from './bash-lexer.ts';
import { compileScriptIndex, shellQuote } from './compile-line.ts';
import { lineNumbers } from './line-numbers.ts';
import { BLOCK_LINE_PREFIX, CONF_NAME_RE, DIRECTIVE_PREFIX, EXTRA_LINES_FIELD, PACKAGE_CALL, cutExactExtraLines, decodeBlockLine } from './conf-directives.ts';

/** A .conf larger than this is not a board config; refuse it before parsing. */
export const MAX_CONF_LINES = 2_000;

export interface ImportWarning {
  line: number;
  message: string;
}

export interface ConfImport {
  data: Record<string, unknown>;
  /** Properties the file says are unset: defaults must not fill them in. */
  unset: string[];
  /** The configuration name from Boardroom's header comment, if present. */
  name: string | null;
  warnings: ImportWarning[];
}

export class ConfImportError extends Error {
  readonly code = 'conf_too_large';
}

/** Variables older configs used for extra packages; the framework ignores PACKAGE_LIST_ADDITIONAL now. */
const PACKAGE_VARIABLES = new Set(['PACKAGE_LIST_ADDITIONAL', 'EXTRA_PACKAGES_IMAGE']);
/** Lists the framework starts empty, so `X="$X more"` in a config means "append". */
const STARTS_EMPTY = new Set(['ENABLE_EXTENSIONS', ...PACKAGE_VARIABLES]);
const DECLARATION_BUILTINS = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const ASSIGNMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Chunk {
  start: number;
  text: string;
  removed: boolean;
}

class Importer {
  readonly data: Record<string, unknown> = {};
  readonly unset = new Set<string>();
  readonly warnings: ImportWarning[] = [];
  name: string | null = null;
  /** Values known at this point of the file, for resolving `$NAME`. */
  private readonly env = new Map<string, string>();
  private readonly chunks: Chunk[] = [];
  /** The source of each property's value, to move it to the extra lines when it does not fit. */
  private readonly sources = new Map<string, Chunk[]>();
  /** Chunks that assign a known variable and are overridden by a later plain assignment. */
  private readonly extraAssignments = new Map<string, Chunk[]>();
  private readonly extensionsFromCalls: string[] = [];
  private readonly packages: string[] = [];
  private packageSources: Chunk[] = [];
  private extensionCallSources: Chunk[] = [];
  exactExtraLines: string | null = null;

  constructor(
    private readonly schema: ConfigSchema,
    private readonly src: string,
  ) {
    this.lineOf = lineNumbers(src);
  }

  private known(name: string): PropertySchema | undefined {
    const property = Object.hasOwn(this.schema.properties, name) ? this.schema.properties[name] : undefined;
    return property && property['x-export'] === 'conf' && /^[A-Z]/.test(name) ? property : undefined;
  }

  /** 1-based line numbers in warnings. */
  private readonly lineOf: (offset: number) => number;

  warn(offset: number, message: string): void {
    this.warnings.push({ line: this.lineOf(offset), message });
  }

  /** The command's text with a trailing comment on its last line, as the extra lines keep it. */
  private sourceOf(command: Command): Chunk {
    const trailing = /[ \t]*(#[^\n]*)?/y;
    trailing.lastIndex = command.end;
    const end = command.end + trailing.exec(this.src)![0].length;
    return { start: command.start, text: this.src.slice(command.start, end).trimEnd(), removed: false };
  }

  keep(chunk: Chunk): Chunk {
    // The comment lines right above a kept command stay with it: they usually explain it.
    const kept = this.leading ? { start: this.leading.start, text: `${this.leading.text}\n${chunk.text}`, removed: false } : chunk;
    this.leading = null;
    this.chunks.push(kept);
    return kept;
  }

  /** Whole-line comments since the last command, candidates to travel with the next kept one. */
  private pendingComments: Comment[] = [];
  private leading: { start: number; text: string } | null = null;

  /** The pending comments on the lines directly above `line`, as one text. */
  private leadingComments(line: number): { start: number; text: string } | null {
    let first = this.pendingComments.length;
    while (first > 0 && this.pendingComments[first - 1]!.line === line - (this.pendingComments.length - first) - 1) first--;
    if (first === this.pendingComments.length) return null;
    const from = this.pendingComments[first]!;
    const to = this.pendingComments[this.pendingComments.length - 1]!;
    return { start: from.start, text: this.src.slice(from.start, to.end) };
  }

  run(commands: Command[], comments: Comment[]): void {
    const items = [...commands.map((c) => ({ at: c.start, command: c })), ...comments.map((c) => ({ at: c.start, comment: c }))];
    items.sort((a, b) => a.at - b.at);
    let insideUntil = -1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if ('comment' in item && item.comment) {
        // Comments inside a command (a function body) are part of its text already.
        if (item.comment.start < insideUntil) continue;
        const text = item.comment.text;
        const plain = item.comment.atLineStart && !text.startsWith(DIRECTIVE_PREFIX) && !text.startsWith(BLOCK_LINE_PREFIX) && !CONF_NAME_RE.test(text);
        if (plain) this.pendingComments.push(item.comment);
        else this.pendingComments = [];
        i = this.comment(items, i);
        continue;
      }
      const command = (item as { command: Command }).command;
      this.leading = this.leadingComments(command.line);
      this.pendingComments = [];
      if (command.kind === 'compound') this.keep(this.sourceOf(command));
      else this.simple(command);
      this.leading = null;
      insideUntil = command.end;
    }
  }

  /** Boardroom's header and `#@boardroom` directives; other comments are dropped. */
  private comment(items: Array<{ at: number; comment?: Comment; command?: Command }>, index: number): number {
    const comment = items[index]!.comment!;
    const header = CONF_NAME_RE.exec(comment.text);
    if (header && this.name === null) this.name = header[1]!;
    if (!comment.atLineStart || !comment.text.startsWith(DIRECTIVE_PREFIX)) return index;
    const match = /^(\S+)\s+(.*)$/.exec(comment.text.slice(DIRECTIVE_PREFIX.length));
    if (!match) return index;
    const [, field, rest] = match as unknown as [string, string, string];
    if (field === 'unset') {
      for (const name of rest.split(/\s+/).filter(Boolean)) if (Object.hasOwn(this.schema.properties, name)) this.unset.add(name);
      return index;
    }
    if (!Object.hasOwn(this.schema.properties, field)) {
      this.warn(comment.start, `${field} is not a Boardroom setting; the comment was ignored`);
      return index;
    }
    if (rest === 'block') {
      const lines: string[] = [];
      let next = index + 1;
      while (next < items.length) {
        const candidate = items[next]!.comment;
        if (!candidate || !candidate.atLineStart || !candidate.text.startsWith(BLOCK_LINE_PREFIX)) break;
        if (candidate.line !== comment.line + lines.length + 1) break;
        lines.push(decodeBlockLine(candidate.text));
        next++;
      }
      this.setDirect(field, lines.join('\n'));
      return next - 1;
    }
    try {
      this.setDirect(field, JSON.parse(rest) as unknown);
    } catch {
      this.warn(comment.start, `the value of ${field} is not valid JSON; it was ignored`);
    }
    return index;
  }

  private setDirect(field: string, value: unknown): void {
    this.data[field] = value;
    this.unset.delete(field);
  }

  private simple(command: SimpleCommand): void {
    const chunk = this.sourceOf(command);
    if (command.complex || command.words.length === 0) {
      this.keep(chunk);
      return;
    }
    const words = command.words;
    const first = literalValue(words[0]!);
    const compileAt = compileScriptIndex(words);
    if (compileAt >= 0) {
      this.compileLine(words.slice(compileAt + 1), chunk);
      return;
    }
    if (first === 'enable_extension' || first === PACKAGE_CALL) {
      const args = words.slice(1).map(literalValue);
      if (args.length > 0 && args.every((a): a is string => a !== null)) {
        if (first === 'enable_extension') {
          for (const name of args) if (!this.extensionsFromCalls.includes(name)) this.extensionsFromCalls.push(name);
          this.extensionCallSources.push(chunk);
        } else {
          this.packages.push(...args.flatMap((a) => a.split(/\s+/)).filter(Boolean));
          this.packageSources.push(chunk);
        }
        return;
      }
      this.warn(command.start, `${first} with arguments only known when the framework runs; kept as written in Extra lines`);
      this.keep(chunk);
      return;
    }
    if (first !== null && DECLARATION_BUILTINS.has(first)) {
      this.declaration(words, chunk);
      return;
    }
    if (!words.every((w) => ASSIGNMENT_RE.test(w.raw))) {
      this.keep(chunk);
      return;
    }
    const leftover: string[] = [];
    for (const word of words) if (!this.assign(word, chunk.start, word.raw)) leftover.push(word.raw);
    if (leftover.length > 0) this.finishLeftover(chunk, leftover.join(' '), words.length === leftover.length);
  }

  /** Keeps the part of a command Boardroom did not take; the whole text when nothing was taken. */
  private finishLeftover(chunk: Chunk, leftover: string, nothingTaken: boolean): void {
    const kept = this.keep(nothingTaken ? chunk : { start: chunk.start, text: leftover, removed: false });
    for (const name of this.pendingExtraNames) {
      const list = this.extraAssignments.get(name) ?? [];
      list.push(kept);
      this.extraAssignments.set(name, list);
    }
    this.pendingExtraNames = [];
  }

  private pendingExtraNames: string[] = [];

  private declaration(words: Word[], chunk: Chunk): void {
    const builtin = literalValue(words[0]!)!;
    let index = 1;
    const options: string[] = [];
    while (index < words.length && /^[-+][A-Za-z]+$/.test(words[index]!.raw)) options.push(words[index++]!.raw);
    const global = builtin === 'export' || options.some((o) => o.startsWith('-') && o.includes('g'));
    const rest = words.slice(index);
    if (rest.length === 0 || !rest.every((w) => ASSIGNMENT_RE.test(w.raw))) {
      this.keep(chunk);
      return;
    }
    if (builtin === 'readonly' || (builtin !== 'export' && !global)) {
      // The framework sources config files inside a function: `declare`/`local` without -g stay local there.
      if (builtin !== 'readonly') this.warn(chunk.start, `${builtin} without -g makes the variable local to the framework's loader, so it has no effect; kept as written in Extra lines`);
      this.keep(chunk);
      return;
    }
    const prefix = [builtin, ...options].join(' ');
    const leftover: string[] = [];
    for (const word of rest) if (!this.assign(word, chunk.start, `${prefix} ${word.raw}`)) leftover.push(word.raw);
    if (leftover.length > 0) this.finishLeftover(chunk, `${prefix} ${leftover.join(' ')}`, leftover.length === rest.length);
  }

  /** `./compile.sh [command] [config…] KEY=value…`: parameters as the framework parses them. */
  private compileLine(args: Word[], chunk: Chunk): void {
    for (const word of args) {
      const value = literalValue(word);
      if (value === null && ASSIGNMENT_RE.test(word.raw)) {
        // Your shell would expand it before the framework sees it: kept as written, flagged.
        const name = ASSIGNMENT_RE.exec(word.raw)![1]!;
        this.warn(word.start, `${name} uses ${word.raw.slice(word.raw.indexOf('=') + 1)}, which only your shell knows; kept as written in Extra lines`);
        this.finishLeftover({ ...chunk }, word.raw, false);
        continue;
      }
      if (value === null || !value.includes('=')) {
        if (value === null) this.warn(word.start, `${word.raw} is only known in your shell; it was left out`);
        else if (value !== 'build') this.warn(word.start, `"${value}" names a framework command or a config file (userpatches/config-${value}.conf); only KEY=value parameters were imported`);
        continue;
      }
      // The framework's parse_cmdline_params: name before the first '=', value after the last.
      const name = value.slice(0, value.indexOf('='));
      const paramValue = value.slice(value.lastIndexOf('=') + 1);
      if (!NAME_RE.test(name)) {
        this.warn(word.start, `"${name}" is not a variable name; the framework refuses this parameter`);
        continue;
      }
      const synthetic: Word = { raw: `${name}=${paramValue}`, start: word.start, end: word.end, parts: [{ kind: 'text', text: `${name}=${paramValue}` }] };
      if (!this.assign(synthetic, chunk.start, `${name}=${shellQuote(paramValue)}`)) {
        this.finishLeftover({ ...chunk }, `${name}=${shellQuote(paramValue)}`, false);
      }
    }
  }

  /**
   * One `NAME=value` / `NAME+=value` word. Returns true when Boardroom took it (a property, the
   * extension or package list); false when it belongs in the extra lines (`extraText` there).
   */
  private assign(word: Word, at: number, extraText: string): boolean {
    const [, name, plus] = ASSIGNMENT_RE.exec(word.raw) as unknown as [string, string, string];
    const append = plus === '+';
    const property = this.known(name);
    const value = this.resolve(word, name);
    const isPackages = PACKAGE_VARIABLES.has(name);
    if (value === null || (word.array && !isPackages && name !== 'ENABLE_EXTENSIONS') || (!property && !isPackages)) {
      if (value !== null && !word.array) this.env.set(name, append ? (this.env.get(name) ?? '') + value : value);
      else this.env.delete(name);
      if (property) {
        delete this.data[name];
        this.sources.delete(name);
        if (word.array) this.warn(at, `${name} is set as an array; the framework reads it as a plain value; kept as written in Extra lines`);
      }
      if (property || isPackages) this.pendingExtraNames.push(name);
      void extraText;
      return false;
    }
    const chunk: Chunk = { start: at, text: extraText, removed: false };
    if (isPackages) {
      if (name === 'PACKAGE_LIST_ADDITIONAL') this.warn(at, 'the framework no longer reads PACKAGE_LIST_ADDITIONAL; its packages became Extra packages');
      this.packages.push(...value.split(/\s+/).filter(Boolean));
      this.packageSources.push(chunk);
      this.env.set(name, (append ? this.env.get(name) ?? '' : '') + value);
      return true;
    }
    const full = append ? (this.env.get(name) ?? '') + value : value;
    // A later plain assignment wins over an earlier one the extra lines kept.
    if (!append) for (const earlier of this.extraAssignments.get(name) ?? []) earlier.removed = true;
    if (append && this.extraAssignments.get(name)?.some((c) => !c.removed)) {
      this.pendingExtraNames.push(name);
      return false;
    }
    const converted = convert(property!, full);
    if (converted === null) {
      this.warn(at, `${name}="${full}" is not a number; kept as written in Extra lines`);
      delete this.data[name];
      this.pendingExtraNames.push(name);
      return false;
    }
    this.env.set(name, full);
    this.data[name] = converted;
    this.unset.delete(name);
    this.sources.set(name, append ? [...(this.sources.get(name) ?? []), chunk] : [chunk]);
    return true;
  }

  /** The value bash would assign, or null when it depends on something only known at build time. */
  private resolve(word: Word, target: string): string | null {
    const prefix = /^[A-Za-z_][A-Za-z0-9_]*\+?=/.exec(word.raw)![0].length;
    const parts = word.array ? word.array.flatMap((w) => [...w.parts, { kind: 'text' as const, text: ' ' }]) : word.parts;
    let out = '';
    let skip = word.array ? 0 : prefix;
    for (const part of parts) {
      if (part.kind === 'text') {
        const take = part.text.slice(skip);
        skip = Math.max(0, skip - part.text.length);
        out += take;
        continue;
      }
      if (part.kind === 'param' && part.name !== null && this.env.has(part.name)) {
        out += this.env.get(part.name);
        continue;
      }
      if (part.kind === 'param' && part.name === target && STARTS_EMPTY.has(target)) continue;
      const what = part.kind === 'command' ? `runs ${part.raw} when the file is read` : `uses ${part.raw}, which Boardroom cannot know`;
      this.warn(word.start, `${target} ${what}; kept as written in Extra lines`);
      return null;
    }
    return out;
  }

  finish(): void {
    if (this.extensionsFromCalls.length > 0) {
      const list = Array.isArray(this.data.ENABLE_EXTENSIONS) ? (this.data.ENABLE_EXTENSIONS as string[]) : [];
      this.data.ENABLE_EXTENSIONS = [...list, ...this.extensionsFromCalls.filter((e) => !list.includes(e))];
      this.unset.delete('ENABLE_EXTENSIONS');
      this.sources.set('ENABLE_EXTENSIONS', [...(this.sources.get('ENABLE_EXTENSIONS') ?? []), ...this.extensionCallSources]);
    }
    if (this.packageSources.length > 0) {
      this.data.extraPackages = this.packages;
      this.unset.delete('extraPackages');
      this.sources.set('extraPackages', this.packageSources);
    }
    // Values of the wrong shape (an over-long list, a huge number) go back to the extra lines.
    for (const issue of checkShape(this.data)) {
      const key = issue.path.split('/')[1] ?? '';
      const sources = this.sources.get(key);
      if (!sources || !(key in this.data)) continue;
      delete this.data[key];
      this.sources.delete(key);
      for (const chunk of sources) this.keep({ ...chunk });
      this.warn(sources[0]!.start, `${key}: ${issue.message}; kept as written in Extra lines`);
    }
    const kept = this.chunks.filter((c) => !c.removed).sort((a, b) => a.start - b.start).map((c) => c.text);
    const extra = [...(this.exactExtraLines !== null ? [this.exactExtraLines] : []), ...kept];
    if (extra.length > 0) {
      this.data[EXTRA_LINES_FIELD] = extra.join('\n');
      this.unset.delete(EXTRA_LINES_FIELD);
      if (kept.length > 0) this.warnings.push({ line: 0, message: `${kept.length} command${kept.length === 1 ? '' : 's'} kept verbatim in Extra lines` });
    }
  }
}

function convert(property: PropertySchema, value: string): unknown {
  if (property.type === 'integer') return /^-?[0-9]+$/.test(value.trim()) ? Number(value.trim()) : null;
  if (property.type === 'array') return value.split(/[,\s]+/).filter(Boolean);
  return value;
}


export function parseConf(schema: ConfigSchema, input: string): ConfImport {
  // A file saved on Windows: every newline is CRLF. (Boardroom's own exports use LF.)
  const text = /\r\n/.test(input) && !/(^|[^\r])\n/.test(input) ? input.replace(/\r\n/g, '\n') : input;
  const lines = text.split('\n');
  if (lines.length > MAX_CONF_LINES) throw new ConfImportError(`A config file has at most ${MAX_CONF_LINES} lines`);
  const exact = cutExactExtraLines(lines);
  const body = lines.join('\n');
  const importer = new Importer(schema, body);
  importer.exactExtraLines = exact;
  const lexed = lexBash(body);
  importer.run(lexed.commands, lexed.comments);
  if (lexed.unterminated) {
    const { start, reason } = lexed.unterminated;
    importer.warn(start, `${reason}: bash would stop here; the rest of the file is kept as written in Extra lines`);
    importer.keep({ start, text: body.slice(start).trimEnd(), removed: false });
  }
  importer.finish();
  return { data: importer.data, unset: [...importer.unset], name: importer.name, warnings: importer.warnings };
}
