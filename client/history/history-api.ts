/**
 * The history part of the REST API (server/history/routes.ts): the change log, who changed each
 * field last, named versions, restores and diffs. Reading needs read access; saving and restoring
 * versions need an editor.
 */
import type { DiffEntry } from '../../shared/config-diff.ts';
import type { ChangeView, LastChange, Person, VersionMeta } from '../../shared/history-types.ts';
import type { ApiCall } from '../app/api.ts';

export type { ChangeView, DiffEntry, LastChange, VersionMeta };

export interface HistoryPage {
  entries: ChangeView[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: number | null;
}

export interface RestoreResult {
  versionId: string;
  label: string;
  path: string | null;
  changes: DiffEntry[];
}

/** The restore event carries who did it as well. */
export interface RestoreEvent extends RestoreResult {
  by: Person;
}

export interface HistoryApi {
  changes(configId: string, query?: { path?: string; limit?: number; before?: number }): Promise<HistoryPage>;
  lastChanges(configId: string): Promise<Record<string, LastChange>>;
  versions(configId: string): Promise<VersionMeta[]>;
  saveVersion(configId: string, label: string): Promise<VersionMeta>;
  /** Everything back to the version, or only the subtree at `path`. */
  restore(configId: string, versionId: string, path?: string): Promise<RestoreResult>;
  /** `from`/`to`: version ids or `current`. */
  diff(configId: string, from: string, to?: string): Promise<DiffEntry[]>;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function createHistoryApi(call: ApiCall): HistoryApi {
  const config = (id: string) => `/api/configs/${encodeURIComponent(id)}`;
  return {
    changes: (id, q = {}) => call('GET', `${config(id)}/history${query(q)}`),
    lastChanges: (id) => call('GET', `${config(id)}/history/last`),
    versions: (id) => call('GET', `${config(id)}/versions`),
    saveVersion: (id, label) => call('POST', `${config(id)}/versions`, { json: { label } }),
    restore: (id, versionId, path) =>
      call('POST', `${config(id)}/versions/${encodeURIComponent(versionId)}/restore`, { json: path ? { path } : {} }),
    diff: (id, from, to = 'current') => call('GET', `${config(id)}/diff${query({ from, to })}`),
  };
}
