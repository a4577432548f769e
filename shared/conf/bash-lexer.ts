/**
 * A lexer for the subset of bash an Armbian `config-<name>.conf` (or a pasted `./compile.sh`
 * line) is written in. It does not run anything: it splits the text into top-level commands with
 * their exact source span, and gives simple commands their words (bash-words.ts: values the way
 * bash builds them, expansions kept as parts so the caller decides what it can resolve).
 *
 * Compound commands (`if`, `case`, loops, `{ }`, `( )`, `[[ ]]`, `(( ))`, function definitions)
 * are only delimited, never interpreted: the importer keeps them verbatim. Heredoc bodies are
 * skipped so their contents cannot confuse the quote tracking.
 */
import { ASSIGN_PREFIX_RE, LexError, WORD_BREAK, WordScanner, type Comment, type Word } from './bash-words.ts';

export { literalValue, type Comment, type Word, type WordPart } from './bash-words.ts';

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

export interface LexResult {
  commands: Command[];
  comments: Comment[];
  /** Set when the text ends inside a quote, substitution, heredoc or block: bash would refuse it
   * from `start` on. */
  unterminated: { start: number; line: number; reason: string } | null;
}

const OPENERS: Record<string, string> = { if: 'fi', case: 'esac', for: 'done', while: 'done', until: 'done', select: 'done', '{': '}' };
const CLOSERS = new Set(['fi', 'esac', 'done', '}']);
/** After these reserved words the next word starts a command again. */
const COMMAND_PREFIX_WORDS = new Set(['then', 'do', 'else', 'elif', '!', 'time']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function lexBash(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer extends WordScanner {
  private readonly commands: Command[] = [];

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
      // Inside a compound command these words are followed by a command; in a simple command
      // (`add_packages_to_image in`) they are ordinary arguments.
      if ((compoundOpener !== null || stack.length > 0) && (raw === 'in' || raw === 'do' || raw === 'then' || raw === 'else' || raw === 'elif')) {
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

}
