/**
 * The part of YAML a framework `targets.yaml` is written in, read the way the framework reads it
 * (PyYAML's `FullLoader`, YAML 1.1: an unquoted `yes` is true). Browser-safe and dependency-free:
 * block mappings and sequences, single-line flow collections (`[a, b]`, `{ BOARD: x }`), quoted
 * and plain scalars, comments, anchors, aliases and `<<` merges (Armbian's own target files share
 * board lists that way). Anything else — block scalars (`|`, `>`), tags, complex keys, several
 * documents, a flow collection over several lines — is refused with its line number rather than
 * read differently from the framework.
 */

export class TargetsYamlError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'TargetsYamlError';
    this.line = line;
  }
}

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

/** Deeper nesting than any target file needs; it bounds the recursion on hostile input. */
const MAX_DEPTH = 64;

export function parseTargetsYaml(source: string): YamlValue {
  const lines = splitLines(source);
  const anchors = new Map<string, YamlValue>();
  if (lines.length === 0) return null;
  const state = { lines, pos: 0, anchors };
  const value = parseBlock(state, lines[0]!.indent, 0);
  if (state.pos < lines.length) {
    const extra = lines[state.pos]!;
    throw new TargetsYamlError(extra.no, `unexpected indentation or content: "${extra.text}"`);
  }
  return value;
}

function splitLines(source: string): Line[] {
  const out: Line[] = [];
  const raw = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  raw.forEach((text, i) => {
    const no = i + 1;
    const body = stripComment(text, no).replace(/\s+$/, '');
    if (body.trim() === '') return;
    const indentMatch = /^[ \t]*/.exec(body)![0];
    if (indentMatch.includes('\t')) throw new TargetsYamlError(no, 'tabs are not allowed for indentation in YAML');
    const content = body.slice(indentMatch.length);
    if (content === '---' && out.length === 0) return;
    if (content === '---' || content === '...') throw new TargetsYamlError(no, 'only one YAML document is read');
    if (content.startsWith('%')) throw new TargetsYamlError(no, 'YAML directives are not supported');
    out.push({ no, indent: indentMatch.length, text: content });
  });
  return out;
}

/** Removes a comment: `#` at the start or after whitespace, outside quotes. */
function stripComment(text: string, no: number): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s:[{,-]/.test(text[i - 1]!))) quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  if (quote) throw new TargetsYamlError(no, 'a quoted string is not closed on its line');
  return text;
}

interface State {
  lines: Line[];
  pos: number;
  anchors: Map<string, YamlValue>;
}

function parseBlock(state: State, indent: number, depth: number): YamlValue {
  if (depth > MAX_DEPTH) throw new TargetsYamlError(state.lines[state.pos]!.no, 'nested too deeply');
  const line = state.lines[state.pos]!;
  if (isSequenceItem(line.text)) return parseSequence(state, indent, depth);
  return parseMapping(state, indent, depth);
}

const isSequenceItem = (text: string) => text === '-' || text.startsWith('- ');

function parseSequence(state: State, indent: number, depth: number): YamlValue[] {
  const items: YamlValue[] = [];
  while (state.pos < state.lines.length) {
    const line = state.lines[state.pos]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new TargetsYamlError(line.no, 'unexpected indentation in a list');
    if (!isSequenceItem(line.text)) break;
    const rest = line.text.slice(1).replace(/^ +/, '');
    if (rest === '') {
      state.pos++;
      items.push(childBlock(state, indent, depth, line.no, true));
      continue;
    }
    const restIndent = line.indent + (line.text.length - rest.length);
    if (startsMappingEntry(rest) || isSequenceItem(rest)) {
      // "- key: value" opens a mapping whose column is that of "key": read it as its own line.
      state.lines[state.pos] = { no: line.no, indent: restIndent, text: rest };
      items.push(parseBlock(state, restIndent, depth + 1));
    } else {
      state.pos++;
      items.push(inlineValue(state, rest, line.no, indent, depth));
    }
  }
  return items;
}

function parseMapping(state: State, indent: number, depth: number): { [key: string]: YamlValue } {
  const map: { [key: string]: YamlValue } = {};
  const merged: Array<{ [key: string]: YamlValue }> = [];
  while (state.pos < state.lines.length) {
    const line = state.lines[state.pos]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new TargetsYamlError(line.no, 'unexpected indentation in a mapping');
    if (isSequenceItem(line.text)) break;
    const entry = splitEntry(line.text, line.no);
    state.pos++;
    const value =
      entry.rest === '' || /^&[^\s]+$/.test(entry.rest)
        ? withAnchor(state, entry.rest, line.no, childBlock(state, indent, depth, line.no, false))
        : inlineValue(state, entry.rest, line.no, indent, depth);
    if (entry.key === '<<') {
      const sources = Array.isArray(value) ? value : [value];
      for (const source of sources) {
        if (!isMap(source)) throw new TargetsYamlError(line.no, '"<<" merges only mappings');
        merged.push(source);
      }
      continue;
    }
    // PyYAML keeps the last of duplicate keys; so does this.
    map[entry.key] = value;
  }
  for (const source of merged) for (const [k, v] of Object.entries(source)) if (!(k in map)) map[k] = v;
  return map;
}

/** The block under a key or a bare "-": deeper lines, or (under a key) a list at the same column. */
function childBlock(state: State, indent: number, depth: number, no: number, inSequence: boolean): YamlValue {
  const next = state.lines[state.pos];
  if (!next) return null;
  if (next.indent > indent) return parseBlock(state, next.indent, depth + 1);
  if (!inSequence && next.indent === indent && isSequenceItem(next.text)) return parseSequence(state, indent, depth + 1);
  void no;
  return null;
}

function withAnchor(state: State, rest: string, no: number, value: YamlValue): YamlValue {
  if (rest === '') return value;
  const name = rest.slice(1);
  state.anchors.set(name, value);
  void no;
  return value;
}

function inlineValue(state: State, text: string, no: number, indent: number, depth: number): YamlValue {
  let rest = text;
  let anchor: string | null = null;
  const anchorMatch = /^&([^\s,[\]{}]+)\s+/.exec(rest);
  if (anchorMatch) {
    anchor = anchorMatch[1]!;
    rest = rest.slice(anchorMatch[0].length);
  }
  let value: YamlValue;
  if (rest.startsWith('*')) {
    const name = rest.slice(1);
    if (!state.anchors.has(name)) throw new TargetsYamlError(no, `unknown alias "*${name}"`);
    value = state.anchors.get(name)!;
  } else if (rest.startsWith('[') || rest.startsWith('{')) {
    const flow = new FlowReader(rest, no, state.anchors);
    value = flow.readValue(0);
    flow.end();
  } else {
    value = scalar(rest, no);
  }
  if (anchor) state.anchors.set(anchor, value);
  void indent;
  void depth;
  return value;
}

function startsMappingEntry(text: string): boolean {
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = text[0]!;
    const end = text.indexOf(q, 1);
    return end > 0 && /^:(\s|$)/.test(text.slice(end + 1));
  }
  if (text.startsWith('[') || text.startsWith('{') || text.startsWith('*')) return false;
  return /^[^\s#][^:]*?:(\s|$)/.test(text);
}

function splitEntry(text: string, no: number): { key: string; rest: string } {
  if (text.startsWith('? ')) throw new TargetsYamlError(no, 'complex mapping keys ("? ") are not supported');
  let key: string;
  let after: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = text[0]!;
    const end = text.indexOf(q, 1);
    if (end < 0) throw new TargetsYamlError(no, 'a quoted key is not closed');
    key = String(scalar(text.slice(0, end + 1), no));
    after = text.slice(end + 1);
    if (!/^:(\s|$)/.test(after)) throw new TargetsYamlError(no, `expected ":" after the key ${text.slice(0, end + 1)}`);
    after = after.slice(1);
  } else {
    const m = /^([^:]*?):(\s|$)/.exec(text);
    if (!m) throw new TargetsYamlError(no, `expected "key: value", found "${text}"`);
    key = m[1]!.trim();
    after = text.slice(m[0].length);
  }
  const rest = after.trim();
  if (rest.startsWith('|') || rest.startsWith('>')) throw new TargetsYamlError(no, 'block scalars ("|", ">") are not supported');
  if (rest.startsWith('!')) throw new TargetsYamlError(no, 'YAML tags ("!") are not supported');
  return { key, rest };
}

const isMap = (v: YamlValue): v is { [key: string]: YamlValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A scalar as PyYAML resolves it (YAML 1.1 core types). */
function scalar(text: string, no: number): YamlValue {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new TargetsYamlError(no, `unterminated string ${t}`);
    return t.slice(1, -1).replace(/\\(["\\/nt0])/g, (_, c: string) => ({ n: '\n', t: '\t', '0': '\0' })[c] ?? c);
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new TargetsYamlError(no, `unterminated string ${t}`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t.startsWith('!')) throw new TargetsYamlError(no, 'YAML tags ("!") are not supported');
  if (t.startsWith('|') || t.startsWith('>')) throw new TargetsYamlError(no, 'block scalars ("|", ">") are not supported');
  if (/^(~|null|Null|NULL)?$/.test(t)) return null;
  if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(t)) return true;
  if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(t)) return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+][0-9]+)?$/.test(t)) return Number(t.replace(/_/g, ''));
  return t;
}

/** One flow collection on one line: `[a, "b", { k: v }]`. */
class FlowReader {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly no: number,
    private readonly anchors: Map<string, YamlValue>,
  ) {}

  end(): void {
    this.skip();
    if (this.i < this.text.length) throw new TargetsYamlError(this.no, `unexpected "${this.text.slice(this.i)}" after a flow collection`);
  }

  readValue(depth: number): YamlValue {
    if (depth > MAX_DEPTH) throw new TargetsYamlError(this.no, 'nested too deeply');
    this.skip();
    const ch = this.text[this.i];
    if (ch === '[') return this.readList(depth);
    if (ch === '{') return this.readMap(depth);
    if (ch === '*') {
      const m = /^\*([^\s,[\]{}]+)/.exec(this.text.slice(this.i))!;
      this.i += m[0].length;
      if (!this.anchors.has(m[1]!)) throw new TargetsYamlError(this.no, `unknown alias "*${m[1]}"`);
      return this.anchors.get(m[1]!)!;
    }
    return scalar(this.readScalarText(), this.no);
  }

  private readList(depth: number): YamlValue[] {
    this.i++;
    const out: YamlValue[] = [];
    for (;;) {
      this.skip();
      if (this.text[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.readValue(depth + 1));
      this.afterItem(']');
    }
  }

  private readMap(depth: number): { [key: string]: YamlValue } {
    this.i++;
    const out: { [key: string]: YamlValue } = {};
    for (;;) {
      this.skip();
      if (this.text[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = String(scalar(this.readScalarText(true), this.no));
      this.skip();
      if (this.text[this.i] !== ':') throw new TargetsYamlError(this.no, `expected ":" after "${key}" in a flow mapping`);
      this.i++;
      out[key] = this.readValue(depth + 1);
      this.afterItem('}');
    }
  }

  private afterItem(close: string): void {
    this.skip();
    const ch = this.text[this.i];
    if (ch === ',') this.i++;
    else if (ch !== close) {
      throw new TargetsYamlError(this.no, ch === undefined ? `a flow collection is not closed on its line (missing "${close}")` : `unexpected "${ch}" in a flow collection`);
    }
  }

  private readScalarText(isKey = false): string {
    const start = this.i;
    const q = this.text[this.i];
    if (q === '"' || q === "'") {
      this.i++;
      while (this.i < this.text.length) {
        if (q === '"' && this.text[this.i] === '\\') this.i += 2;
        else if (this.text[this.i] === q) {
          if (q === "'" && this.text[this.i + 1] === "'") this.i += 2;
          else break;
        } else this.i++;
      }
      if (this.i >= this.text.length) throw new TargetsYamlError(this.no, 'unterminated string in a flow collection');
      this.i++;
      return this.text.slice(start, this.i);
    }
    const stop = isKey ? /[,\]}:]/ : /[,\]}]/;
    while (this.i < this.text.length && !stop.test(this.text[this.i]!)) {
      // ": " ends a key, but "a:b" is a plain value (a URL, a time)
      if (!isKey && this.text[this.i] === ':' && /\s/.test(this.text[this.i + 1] ?? ' ')) break;
      this.i++;
    }
    return this.text.slice(start, this.i).trim();
  }

  private skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }
}
