/**
 * Reads what `./compile.sh <name> config-dump-json` printed: the JSON object (the last stdout line
 * that starts with `{`), and the framework's own words for a refusal or a warning. Host paths of
 * the per-check workspace are replaced by `<armbian>` so messages and values are the same on
 * every machine and every run.
 */
import { frameworkAlert, stripAnsi } from '../../shared/builds/framework-alerts.ts';

export interface FrameworkMessages {
  errors: string[];
  warnings: string[];
  /** Where it stopped ("Error 1 occurred in main shell [ at <armbian>/config/sources/common.conf:62 ]"). */
  stops: string[];
}

/** Alerts that are not problems with the configuration (the framework's exit trap, its generic
 * "Exiting with error N at file:line" wrapper, GitHub annotations duplicating an alert). */
const NOISE = [/^Cleaning up\b/, /^Exiting with error \d+/, /^Error \d+ occurred in main shell/];

export function sanitize(text: string, workspace: string): string {
  return text.split(workspace).join('<armbian>');
}

export function parseDump(stdout: string): Record<string, unknown> | null {
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]!;
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch (err) {
      // A log line that happens to start with "{": keep looking further up.
      if (!(err instanceof SyntaxError)) throw err;
    }
  }
  return null;
}

/** The framework's alerts: `[💥] message [ details ]` errors, `[🚸] …` warnings, `ERR: …` lines. */
export function frameworkMessages(stdout: string, stderr: string, workspace: string): FrameworkMessages {
  const errors: string[] = [];
  const warnings: string[] = [];
  const stops: string[] = [];
  const push = (list: string[], text: string): void => {
    const clean = sanitize(text, workspace).replace(/\s+/g, ' ').replace(/\s*\[\s*\]\s*$/, '').trim();
    if (clean !== '' && !list.includes(clean)) list.push(clean);
  };
  for (const raw of `${stdout}\n${stderr}`.split('\n')) {
    const line = stripAnsi(raw).trim();
    // In its Docker container the framework marks alerts `[🐳|💥]`: frameworkAlert reads both.
    const alert = frameworkAlert(line);
    const error = /^ERR:\s*(.+)$/.exec(line)?.[1] ?? (alert?.level === 'error' ? alert.text : null);
    if (error) {
      if (!NOISE.some((n) => n.test(error))) push(errors, error);
      else if (!/^Cleaning up\b/.test(error)) push(stops, error);
      continue;
    }
    if (alert?.level === 'warning') push(warnings, alert.text);
  }
  return { errors, warnings, stops };
}
