/**
 * A lexer for the subset of bash an Armbian `config-<name>.conf` (or a pasted `./compile.sh`
 * line) is written in. It does not run anything: it splits the text into top-level commands with
 * their exact source span, and for simple commands gives each word's value the way bash would
 * build it (quotes, escapes, ANSI-C `$'…'`, line continuations), keeping parameter expansions and
 * command substitutions as separate parts so the caller decides what it can resolve.
 *
 * Compound commands (`if`, `case`, loops, `{ }`, `( )`, `[[ ]]`, `(( ))`, function definitions)
 * are only delimited, never interpreted: the importer keeps them verbatim. Heredoc bodies are
 * skipped so their contents cannot confuse the quote tracking.
 */

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

export interface SimpleCommand {
  kind: 'simple';
  start: number;
  end: number;
  line: number;
  words: Word[];
  /** Joined to another command by `|`, `&&`, `||`, `&`, or carries a redirection/heredoc. */
  complex: boolean;
}

export interface CompoundCommand {
  kind: 'compound';
  start: number;
  end: number;
  line: number;
  /** The opening word: `if`, `case`, `function`, `name()`, `{`, `(`, `[[`, … */
  opener: string;
}

export type Command = SimpleCommand | CompoundCommand;

export interface Comment {
  start: number;
  end: number;
  line: number;
  text: string;
  /** The `#` is the first character of its line. */
  atLineStart: boolean;
}

export interface LexResult {
  commands: Command[];
  comments: Comment[];
  /** Set when the text ends inside a quote, substitution, heredoc or block: bash would refuse it
   * from `start` on. */
  unterminated: { start: number; line: number; reason: string } | null;
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

const OPENERS: Record<string, string> = { if: 'fi', case: 'esac', for: 'done', while: 'done', until: 'done', select: 'done', '{': '}' };
const CLOSERS = new Set(['fi', 'esac', 'done', '}']);
/** After these reserved words the next word starts a command again. */
const COMMAND_PREFIX_WORDS = new Set(['then', 'do', 'else', 'elif', '!', 'time']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGN_PREFIX_RE = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/;
const WORD_BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);

const ANSI_C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

export function lexBash(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer {
  private pos = 0;
  private readonly commands: Command[] = [];
  private readonly comments: Comment[] = [];
  private pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  private readonly lineStarts: number[] = [0];
  /** Runs of characters with no special meaning, consumed at once (sticky: one per lexer). */
  private readonly plainRun = /[^\s;&|<>()\\'"$`~]+/y;
  private readonly quotedRun = /[^"\\$`]+/y;

  constructor(private readonly src: string) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  run(): LexResult {
    while (true) {
      this.skipBlank();
      if (this.pos >= this.src.length) break;
      const start = this.pos;
      try {
        this.command();
      } catch (error) {
        if (!(error instanceof LexError)) throw error;
        return { commands: this.commands, comments: this.comments, unterminated: { start, line: this.lineOf(start), reason: error.message } };
      }
    }
    return { commands: this.commands, comments: this.comments, unterminated: null };
  }

  /** Skips spaces, newlines, separators and comments between commands. */
  private skipBlank(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ' ' || c === '\t' || c === ';') this.pos++;
      else if (c === '\n') this.newline();
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') this.comment();
      else break;
    }
  }

  private comment(): void {
    const start = this.pos;
    let end = this.src.indexOf('\n', start);
    if (end < 0) end = this.src.length;
    this.comments.push({ start, end, line: this.lineOf(start), text: this.src.slice(start, end), atLineStart: start === 0 || this.src[start - 1] === '\n' });
    this.pos = end;
  }

  /** A newline outside quotes: heredoc bodies announced on the line just ended follow it. */
  private newline(): void {
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

  /**
   * One top-level command, up to its terminating newline or `;`. A simple command keeps its
   * words; anything with a compound part is tracked by nesting depth only.
   */
  private command(): void {
    const start = this.pos;
    const words: Word[] = [];
    const stack: string[] = [];
    let complex = false;
    let compoundOpener: string | null = null;
    let atCommandStart = true;
    let awaitingBody = false;
    while (true) {
      // Horizontal space and continuations.
      while (this.pos < this.src.length) {
        const c = this.src[this.pos]!;
        if (c === ' ' || c === '\t') this.pos++;
        else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
        else break;
      }
      const depth = stack.length > 0 || awaitingBody;
      if (this.pos >= this.src.length) {
        if (depth) throw new LexError(`${compoundOpener ?? stack[0]} block is not closed`, this.pos);
        break;
      }
      const c = this.src[this.pos]!;
      if (c === '#') {
        // A comment ends the line's words; inside a block the block continues after it.
        if (!depth) break;
        this.comment();
        continue;
      }
      if (c === '\n') {
        if (!depth) break;
        this.newline();
        atCommandStart = true;
        continue;
      }
      if (c === ';') {
        if (this.src[this.pos + 1] === ';') {
          this.pos += 2; // `;;` inside case
          atCommandStart = true;
          continue;
        }
        if (!depth) break;
        this.pos++;
        atCommandStart = true;
        continue;
      }
      if (c === '&' || c === '|') {
        complex = true;
        this.pos += this.src[this.pos + 1] === c ? 2 : 1;
        atCommandStart = true;
        continue;
      }
      if (c === '<' || c === '>') {
        complex = true;
        this.redirection();
        continue;
      }
      if (c === '(') {
        if (atCommandStart && this.src[this.pos + 1] === '(') {
          compoundOpener ??= '((';
          this.arithmetic();
          atCommandStart = false;
          continue;
        }
        const closesAtOnce = /^\([ \t]*\)/.exec(this.src.slice(this.pos, this.pos + 64));
        if (!atCommandStart && closesAtOnce && (awaitingBody || (words.length === 1 && NAME_RE.test(words[0]!.raw)))) {
          // `name ()` or `function name ()`: a function definition; its body follows.
          this.pos += closesAtOnce[0].length;
          compoundOpener ??= 'function';
          awaitingBody = true;
          atCommandStart = true;
          continue;
        }
        this.pos++;
        if (atCommandStart) {
          compoundOpener ??= '(';
          stack.push(')');
          awaitingBody = false;
        }
        atCommandStart = true;
        continue;
      }
      if (c === ')') {
        this.pos++;
        if (stack[stack.length - 1] === ')') stack.pop();
        continue;
      }
      const word = this.word();
      const raw = word.raw;
      if (awaitingBody && raw === '{') atCommandStart = true;
      if (atCommandStart) {
        if (Object.hasOwn(OPENERS, raw)) {
          compoundOpener ??= raw;
          stack.push(OPENERS[raw]!);
          awaitingBody = false;
          atCommandStart = raw === '{';
          if (raw === 'case' || raw === 'for' || raw === 'select') atCommandStart = false;
          continue;
        }
        if (CLOSERS.has(raw) && stack[stack.length - 1] === raw) {
          stack.pop();
          atCommandStart = false;
          continue;
        }
        if (raw === '[[') {
          compoundOpener ??= '[[';
          this.skipUntilWord(']]');
          atCommandStart = false;
          continue;
        }
        if (raw === 'function') {
          compoundOpener ??= 'function';
          awaitingBody = true;
          atCommandStart = false;
          continue;
        }
        if (COMMAND_PREFIX_WORDS.has(raw) && (stack.length > 0 || compoundOpener !== null)) {
          continue;
        }
      }
      if (raw === 'in' || raw === 'do' || raw === 'then' || raw === 'else' || raw === 'elif') {
        atCommandStart = true;
        continue;
      }
      if (compoundOpener === null && stack.length === 0 && !awaitingBody) {
        words.push(word);
        // Leading assignments keep the command position: `A=1 B=2 cmd`.
        atCommandStart = ASSIGN_PREFIX_RE.test(raw.slice(0, raw.indexOf('=') + 1)) && raw.includes('=');
      } else {
        atCommandStart = false;
      }
    }
    const end = this.pos;
    if (compoundOpener !== null) {
      this.commands.push({ kind: 'compound', start, end, line: this.lineOf(start), opener: compoundOpener });
    } else if (words.length > 0 || complex) {
      this.commands.push({ kind: 'simple', start, end, line: this.lineOf(start), words, complex });
    }
  }

  private skipUntilWord(closer: string): void {
    while (true) {
      while (this.pos < this.src.length && /[ \t\n]/.test(this.src[this.pos]!)) {
        if (this.src[this.pos] === '\n') this.newline();
        else this.pos++;
      }
      if (this.pos >= this.src.length) throw new LexError(`${closer} is missing`, this.pos);
      const c = this.src[this.pos]!;
      if (WORD_BREAK.has(c)) {
        this.pos++;
        continue;
      }
      if (this.word().raw === closer) return;
    }
  }

  private arithmetic(): void {
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++]!;
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return;
    }
    throw new LexError('(( is not closed', this.pos);
  }

  /** `<`, `>`, `>>`, `<&`, `<<WORD`, `<<-WORD`, `<<<word`: a heredoc body is skipped at the next newline. */
  private redirection(): void {
    if (this.src.startsWith('<<<', this.pos)) {
      this.pos += 3;
      return;
    }
    if (this.src.startsWith('<<', this.pos)) {
      this.pos += 2;
      const stripTabs = this.src[this.pos] === '-';
      if (stripTabs) this.pos++;
      while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
      const word = this.word();
      const delimiter = word.parts.map((p) => (p.kind === 'text' ? p.text : p.raw)).join('');
      this.pendingHeredocs.push({ delimiter, stripTabs });
      return;
    }
    this.pos++;
    while (this.src[this.pos] === '>' || this.src[this.pos] === '&' || this.src[this.pos] === '|') this.pos++;
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

  private arrayElements(): Word[] {
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

  private doubleQuoted(parts: WordPart[], text: (t: string) => void): void {
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

  private dollar(parts: WordPart[], text: (t: string) => void, quoted: boolean): void {
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
