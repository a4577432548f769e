/**
 * Build status and the only moves between statuses. Server and builder both change a build's
 * status through `transitionBuild` (shared/node/builds/transition.ts), which checks this table in SQL,
 * so two processes racing (a cancel against a start, a sweep against a finish) cannot produce an
 * impossible history.
 */

export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

const TRANSITIONS: Readonly<Record<BuildStatus, readonly BuildStatus[]>> = {
  // failed: the job could not be handed to a builder, or BullMQ gave up on it before it started.
  queued: ['running', 'cancelled', 'failed'],
  // queued: this attempt was lost (builder killed or shut down) and BullMQ will run it again.
  running: ['succeeded', 'failed', 'cancelled', 'queued'],
  // Terminal. A user retry is a new build of the same snapshot, so history is never rewritten.
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function isBuildStatus(value: unknown): value is BuildStatus {
  return typeof value === 'string' && (BUILD_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: BuildStatus, to: BuildStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which `to` may be reached: the WHERE clause of a guarded UPDATE. */
export function sourcesOf(to: BuildStatus): BuildStatus[] {
  return BUILD_STATUSES.filter((from) => canTransition(from, to));
}

export function isTerminal(status: BuildStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses of a build that still holds (or waits for) a builder. */
export const ACTIVE_BUILD_STATUSES: readonly BuildStatus[] = ['queued', 'running'];
