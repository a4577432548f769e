/** Words and numbers for builds: status names, sizes, durations, short hashes. */
import type { BuildStatus } from '../app/build-api.ts';

export const STATUS_WORDS: Record<BuildStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Characters of a sha256 shown in lists; the full value is in the title and the copy button. */
export const SHORT_HASH_LENGTH = 12;

export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_HASH_LENGTH);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "850 ms", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long a build took, or has been running (until `now`). */
export function buildDuration(build: { startedAt: string | null; finishedAt: string | null }, now = Date.now()): string {
  if (!build.startedAt) return '';
  const end = build.finishedAt ? Date.parse(build.finishedAt) : now;
  return formatDuration(end - Date.parse(build.startedAt));
}

export function isActive(status: BuildStatus): boolean {
  return status === 'queued' || status === 'running';
}
