/**
 * Redaction of a build's first-boot secrets (docs/security.md, "First-boot secrets"): every line
 * the build writes to its log, and every error it records, goes through `redact` once the values
 * are known, so a framework that echoes a file or a command line cannot put a password into the
 * stored log, the live log stream, the build's `error` or the builder's own log.
 *
 * Each value is replaced in the spellings a log can show it in: as it is, single-quoted for a
 * shell (how the values file writes it), and JSON-escaped. Longer values first, so a value that
 * contains another is replaced whole. A line is redacted before it is cut to the log's line limit,
 * so a cut never leaves the start of a value behind.
 */
import { shellWord } from './plan/shell.ts';

export const REDACTED = '[secret]';

export interface Redactor {
  /** Adds values to hide from now on (empty strings are ignored). */
  add(values: Iterable<string>): void;
  redact(text: string): string;
  /** An error as it may be logged: its message and stack redacted. */
  redactError(error: unknown): { name: string; message: string; stack?: string };
}

export function createRedactor(): Redactor {
  let needles: string[] = [];
  const redact = (text: string): string => {
    if (needles.length === 0) return text;
    let out = text;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
  return {
    add(values) {
      const more = new Set(needles);
      for (const value of values) {
        if (value === '') continue;
        more.add(value);
        const quoted = shellWord(value);
        more.add(quoted.startsWith("'") ? quoted : `'${value}'`);
        more.add(JSON.stringify(value).slice(1, -1));
      }
      needles = [...more].filter((n) => n !== '').sort((a, b) => b.length - a.length);
    },
    redact,
    redactError(error) {
      if (error instanceof Error) return { name: error.name, message: redact(error.message), ...(error.stack ? { stack: redact(error.stack) } : {}) };
      return { name: 'Error', message: redact(String(error)) };
    },
  };
}
