/**
 * What a kernel config file is compared with in the Kernel panel: its text in the last approved
 * review's version, or in the newest saved version (docs/architecture.md, "Kernel
 * configuration"). There is no framework defconfig to compare with: Boardroom's copy of the
 * framework has no `config/kernel/` (SOURCE.md of the facts), so the panel says so instead.
 *
 * The text comes from `GET …/diff?from=<version>&to=current` (one entry per changed file, its
 * `before` the version's text): no entry for the file means it is unchanged since then.
 */
import { fileDiffPath } from '../../shared/files/file-diff.ts';
import type { HistoryApi } from '../history/history-api.ts';
import type { ReviewApi } from '../review/review-api.ts';

export type BaselineKind = 'approved' | 'previous';

export type Baseline =
  | {
      ok: true;
      kind: BaselineKind;
      /** What the panel names it: "the review “…” approved", "version “…”". */
      label: string;
      /** The file's text then; null when the file did not exist (or was not text). */
      text: string | null;
    }
  | { ok: false; kind: BaselineKind; reason: string };

export interface BaselineDeps {
  history: Pick<HistoryApi, 'versions' | 'diff'>;
  review: Pick<ReviewApi, 'reviews'>;
}

async function versionOf(deps: BaselineDeps, configId: string, kind: BaselineKind): Promise<{ versionId: string; label: string } | string> {
  if (kind === 'approved') {
    // Newest first (server/review/reviews.ts).
    const approved = (await deps.review.reviews(configId)).find((r) => r.status === 'approved');
    if (!approved) return 'no review of this configuration has been approved yet';
    return { versionId: approved.versionId, label: `the approved review “${approved.title}”` };
  }
  const versions = await deps.history.versions(configId);
  const newest = [...versions].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
  if (!newest) return 'no version of this configuration has been saved yet';
  return { versionId: newest.id, label: `version “${newest.label}”` };
}

/** The file's text at the baseline; `currentText` stands for it when the file is unchanged since. */
export async function loadBaseline(deps: BaselineDeps, configId: string, path: string, kind: BaselineKind, currentText: string | null): Promise<Baseline> {
  const version = await versionOf(deps, configId, kind);
  if (typeof version === 'string') return { ok: false, kind, reason: version };
  const entry = (await deps.history.diff(configId, version.versionId)).find((e) => e.path === fileDiffPath(path));
  const text = entry ? (typeof entry.before === 'string' ? entry.before : null) : currentText;
  return { ok: true, kind, label: version.label, text };
}
