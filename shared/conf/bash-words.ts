/**
 * Word-level scanning of bash text: one word's value the way bash builds it (single, double and
 * ANSI-C `$'…'` quotes, backslash escapes, line continuations, `NAME=( … )` arrays), with parameter
 * expansions and command substitutions kept as separate parts; comments and heredoc bodies are
 * stepped over. `bash-lexer.ts` builds commands out of these words.
 */
import { lineNumbers } from './line-numbers.ts';

/** One piece of a word's value. */
export type WordPart =
  | { kind: 'text'; text: string }
  /** `$NAME`, `${NAME}` (name set) or any other `${…}` / `$1` form (name null: not resolvable). */
  | { kind: 'param'; raw: string; name: string | null }
  /** `$(…)`, `` `…` ``, `$((…))`: runs at source time; never resolvable here. */
  | { kind: 'command'; raw: string };

export interface Word {
  raw: string;
  start: number;
  end: number;
  parts: WordPart[];
  /** For `NAME=( … )` / `NAME+=( … )`: the array's element words. */
  array?: Word[];
}

export interface Comment {
  start: number;
  end: number;
  line: number;
  text: string;
  /** The `#` is the first character of its line. */
  atLineStart: boolean;
}

export class LexError extends Error {
  readonly code = 'bash_syntax';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export const ASSIGN_PREFIX_RE = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/;
export const WORD_BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);

const ANSI_C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** The scanner state a command lexer builds on: position, comments, pending heredocs. */
export class WordScanner {
  protected pos = 0;
  protected readonly comments: Comment[] = [];
  protected pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  /** The 1-based line of an offset in the source. */
  readonly lineOf: (offset: number) => number;
  /** Runs of characters with no special meaning, consumed at once (sticky: one per lexer). */
  private readonly plainRun = /[^\s;&|<>()\\'"$`~]+/y;
  private readonly quotedRun = /[^"\\$`]+/y;

  constructor(protected readonly src: string) {
    this.lineOf = lineNumbers(src);
  }

  protected comment(): void {
    const start = this.pos;
    let end = this.src.indexOf('\n', start);
    if (end < 0) end = this.src.length;
    this.comments.push({ start, end, line: this.lineOf(start), text: this.src.slice(start, end), atLineStart: start === 0 || this.src[start - 1] === '\n' });
    this.pos = end;
  }

  /** A newline outside quotes: heredoc bodies announced on the line just ended follow it. */
  protected newline(): void {
    this.pos++;
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const doc of pending) {
      while (true) {
        if (this.pos >= this.src.length) throw new LexError(`heredoc ${doc.delimiter} is not closed`, this.pos);
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let line = this.src.slice(this.pos, end);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        this.pos = Math.min(end + 1, this.src.length);
        if (line === doc.delimiter) break;
      }
    }
  }

  /** One word at `pos`, with its value parts. */
  word(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    let array: Word[] | undefined;
    const text = (t: string) => {
      const last = parts[parts.length - 1];
      if (last?.kind === 'text') last.text += t;
      else parts.push({ kind: 'text', text: t });
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (WORD_BREAK.has(c)) {
        if (c === '(' && ASSIGN_PREFIX_RE.test(this.src.slice(start, this.pos)) && array === undefined) {
          array = this.arrayElements();
          continue;
        }
        break;
      }
      this.plainRun.lastIndex = this.pos;
      const run = this.plainRun.exec(this.src);
      if (run) {
        text(run[0]);
        this.pos += run[0].length;
        continue;
      }
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === undefined) throw new LexError('a backslash ends the text', this.pos);
        if (next !== '\n') text(next);
        this.pos += 2;
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new LexError("a ' quote is not closed", this.pos);
        text(this.src.slice(this.pos + 1, end));
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.doubleQuoted(parts, text);
      } else if (c === '$') {
        this.dollar(parts, text, false);
      } else if (c === '`') {
        const begin = this.pos;
        this.backquote();
        parts.push({ kind: 'command', raw: this.src.slice(begin, this.pos) });
      } else if (c === '~' && this.pos === start) {
        // Tilde expansion: the home directory of whoever sources the file.
        let end = this.pos + 1;
        while (end < this.src.length && /[A-Za-z0-9_.-]/.test(this.src[end]!)) end++;
        parts.push({ kind: 'param', raw: this.src.slice(this.pos, end), name: null });
        this.pos = end;
      } else {
        text(c);
        this.pos++;
      }
    }
    const word: Word = { raw: this.src.slice(start, this.pos), start, end: this.pos, parts };
    if (array) word.array = array;
    return word;
  }

  protected arrayElements(): Word[] {
    this.pos++; // (
    const elements: Word[] = [];
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError('an array ( is not closed', this.pos);
      if (c === ')') {
        this.pos++;
        return elements;
      }
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\n') this.newline();
      else if (c === '#' && /[\s(]/.test(this.src[this.pos - 1] ?? ' ')) {
        this.comment();
      } else if (WORD_BREAK.has(c)) throw new LexError(`unexpected ${c} in an array`, this.pos);
      else elements.push(this.word());
    }
  }

  protected doubleQuoted(parts: WordPart[], text: (t: string) => void): void {
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError('a " quote is not closed', this.pos);
      this.quotedRun.lastIndex = this.pos;
      const run = this.quotedRun.exec(this.src);
      if (run) {
        text(run[0]);
        this.pos += run[0].length;
        continue;
      }
      if (c === '"') {
        this.pos++;
        // An empty "" still makes a (empty) word part.
        if (parts.length === 0) text('');
        return;
      }
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === undefined) throw new LexError('a " quote is not closed', this.pos);
        if (next === '\n') this.pos += 2;
        else if ('$`"\\'.includes(next)) {
          text(next);
          this.pos += 2;
        } else {
          text('\\');
          this.pos++;
        }
      } else if (c === '$') {
        this.dollar(parts, text, true);
      } else if (c === '`') {
        const begin = this.pos;
        this.backquote();
        parts.push({ kind: 'command', raw: this.src.slice(begin, this.pos) });
      } else {
        text(c);
        this.pos++;
      }
    }
  }

  protected dollar(parts: WordPart[], text: (t: string) => void, quoted: boolean): void {
    const begin = this.pos;
    const next = this.src[this.pos + 1];
    if (next === "'" && !quoted) {
      this.pos += 2;
      text(this.ansiC());
      return;
    }
    if (next === '"' && !quoted) {
      // $"…": a translatable string; with no message catalogue it is a plain "…".
      this.pos += 2;
      this.doubleQuoted(parts, text);
      return;
    }
    if (next === '(') {
      this.pos++;
      this.balancedParens();
      parts.push({ kind: 'command', raw: this.src.slice(begin, this.pos) });
      return;
    }
    if (next === '{') {
      this.pos += 2;
      this.balancedBraces();
      const raw = this.src.slice(begin, this.pos);
      const name = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(raw)?.[1] ?? null;
      parts.push({ kind: 'param', raw, name });
      return;
    }
    if (next !== undefined && /[A-Za-z_]/.test(next)) {
      let end = this.pos + 1;
      while (end < this.src.length && /[A-Za-z0-9_]/.test(this.src[end]!)) end++;
      parts.push({ kind: 'param', raw: this.src.slice(begin, end), name: this.src.slice(begin + 1, end) });
      this.pos = end;
      return;
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      parts.push({ kind: 'param', raw: this.src.slice(begin, begin + 2), name: null });
      this.pos += 2;
      return;
    }
    text('$');
    this.pos++;
  }

  private ansiC(): string {
    let out = '';
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError("a $' quote is not closed", this.pos);
      this.pos++;
      if (c === "'") return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.src[this.pos];
      if (e === undefined) throw new LexError("a $' quote is not closed", this.pos);
      this.pos++;
      if (e in ANSI_C_ESCAPES) out += ANSI_C_ESCAPES[e];
      else if (e === 'x') out += this.codePoint(/^[0-9a-fA-F]{1,2}/, 16);
      else if (e === 'u') out += this.codePoint(/^[0-9a-fA-F]{1,4}/, 16);
      else if (e === 'U') out += this.codePoint(/^[0-9a-fA-F]{1,8}/, 16);
      else if (/[0-7]/.test(e)) {
        this.pos--;
        out += this.codePoint(/^[0-7]{1,3}/, 8);
      } else if (e === 'c') {
        const ch = this.src[this.pos++] ?? '';
        out += String.fromCharCode(ch.toUpperCase().charCodeAt(0) & 0x1f);
      } else out += `\\${e}`;
    }
  }

  private codePoint(re: RegExp, radix: number): string {
    const digits = re.exec(this.src.slice(this.pos, this.pos + 8))?.[0];
    if (!digits) return radix === 16 ? '\\x' : '';
    this.pos += digits.length;
    const value = parseInt(digits, radix);
    return value > 0x10ffff ? '' : String.fromCodePoint(value);
  }

  /** From the `(` of `$(` / `$((` to its matching `)`, respecting quotes. */
  private balancedParens(): void {
    let depth = 0;
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError('a $( substitution is not closed', this.pos);
      if (c === '(') {
        depth++;
        this.pos++;
      } else if (c === ')') {
        this.pos++;
        if (--depth === 0) return;
      } else if (c === '\\') this.pos += 2;
      else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new LexError("a ' quote is not closed", this.pos);
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.doubleQuoted([], () => undefined);
      } else if (c === '`') this.backquote();
      else if (c === '#' && /[\s(;]/.test(this.src[this.pos - 1] ?? ' ')) {
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.src.length : end;
      } else this.pos++;
    }
  }

  private balancedBraces(): void {
    let depth = 1;
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError('a ${ expansion is not closed', this.pos);
      if (c === '}') {
        this.pos++;
        if (--depth === 0) return;
      } else if (c === '{') {
        depth++;
        this.pos++;
      } else if (c === '\\') this.pos += 2;
      else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new LexError("a ' quote is not closed", this.pos);
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        this.doubleQuoted([], () => undefined);
      } else if (c === '$' && this.src[this.pos + 1] === '(') {
        this.pos++;
        this.balancedParens();
      } else this.pos++;
    }
  }

  private backquote(): void {
    this.pos++;
    while (true) {
      const c = this.src[this.pos];
      if (c === undefined) throw new LexError('a ` substitution is not closed', this.pos);
      this.pos++;
      if (c === '\\') this.pos++;
      else if (c === '`') return;
    }
  }
}

/** The literal value of a word, or null when it holds an expansion or substitution. */
export function literalValue(word: Word): string | null {
  let out = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return null;
    out += part.text;
  }
  return out;
}
