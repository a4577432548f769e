/**
 * The framework's own alerts in a log line (`display_alert` in the framework's
 * lib/functions/logging/display-alert.sh): `[💥] message [ details ]` for errors and `[🚸] …` for
 * warnings, and the same with the marker it puts in front when it runs in its Docker container
 * (`[🐳|💥] …`), on a Mac (`[🍏|…`) or under WSL (`[💲|…`), optionally followed by its timing
 * `(  12)`. Browser-safe: the builder reads check output with it, the build log view shows them.
 */

export type FrameworkAlertLevel = 'error' | 'warning';

export interface FrameworkAlert {
  level: FrameworkAlertLevel;
  /** The message and its details, without colours or the marker. */
  text: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const ALERT = /^\[(?:[^\s|\]]{1,4}\|)?(💥|🚸)\](?:\(\s*\d+\))?\s*(.*)$/u;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The alert a log line holds, or null for any other line. */
export function frameworkAlert(line: string): FrameworkAlert | null {
  const match = ALERT.exec(stripAnsi(line).trim());
  if (!match) return null;
  const text = match[2]!.replace(/\s+/g, ' ').replace(/\s*\[\s*\]\s*$/, '').trim();
  if (text === '') return null;
  return { level: match[1] === '💥' ? 'error' : 'warning', text };
}
