/**
 * The one place that decides whether a build may start. Every path that starts a build — a new
 * build of the current state, a retry of an earlier one, anything added later — calls
 * `mayStartBuild` with the exact content it would build; none decides on its own.
 */
import type { ApprovalDeps } from './approval-rules.ts';
import { checkBuildApproval } from './reviews.ts';

export type BuildPermission =
  | { ok: true }
  | { ok: false; status: 404 | 409; code: 'approval_required' | 'not_found'; reason: string; reviewId?: string };

/** May `contentHash` of `configId` be built now? Refusals carry a code and a sentence for people. */
export async function mayStartBuild(deps: ApprovalDeps, request: { configId: string; contentHash: string }): Promise<BuildPermission> {
  const check = await checkBuildApproval(deps, request.configId, request.contentHash);
  if (check.ok) return { ok: true };
  return { ok: false, status: check.code === 'not_found' ? 404 : 409, code: check.code, reason: check.reason, reviewId: check.reviewId };
}
