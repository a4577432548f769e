/**
 * Checks of the Extra lines (verbatim bash at the end of config-<name>.conf): text bash would stop
 * reading is an error (the framework could not source the file), and a top-level assignment of a
 * build variable the form also has is a warning (it overrides the form's value). Kept apart from
 * rules.ts: these look at bash text, not at framework facts.
 */
import { lexBash, literalValue } from '../conf/bash-lexer.ts';
import type { ConfigSchema } from '../schema/types.ts';
import type { ValidationIssue } from './issue.ts';

const FIELD = 'extraLines';
const ASSIGNMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
const DECLARATIONS = new Set(['export', 'declare', 'typeset']);

export function checkExtraLines(schema: ConfigSchema, data: unknown): ValidationIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const text = (data as Record<string, unknown>)[FIELD];
  if (typeof text !== 'string' || text.trim() === '') return [];
  const issues: ValidationIssue[] = [];
  const lexed = lexBash(text);
  if (lexed.unterminated) {
    issues.push({
      path: `/${FIELD}`,
      keyword: 'bashSyntax',
      severity: 'error',
      message: `Line ${lexed.unterminated.line}: ${lexed.unterminated.reason}; the framework could not read the config file`,
    });
  }
  const warned = new Set<string>();
  for (const command of lexed.commands) {
    if (command.kind !== 'simple' || command.complex) continue;
    const words = DECLARATIONS.has(literalValue(command.words[0]!) ?? '') ? command.words.slice(1).filter((w) => !w.raw.startsWith('-')) : command.words;
    if (!words.every((w) => ASSIGNMENT_RE.test(w.raw))) continue;
    for (const word of words) {
      const name = ASSIGNMENT_RE.exec(word.raw)![1]!;
      const property = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
      if (!property || property['x-export'] !== 'conf' || warned.has(name)) continue;
      warned.add(name);
      issues.push({
        path: `/${FIELD}`,
        keyword: 'overridesField',
        severity: 'warning',
        message: `Line ${command.line} sets ${name}, which overrides the ${property.title} field`,
      });
    }
  }
  return issues;
}
