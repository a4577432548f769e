/**
 * The fast unit tier (`npm run test:unit`): test files that need no Postgres, Redis, Chromium or
 * child process, and run in milliseconds to a few seconds each. `npm test` runs these and every
 * other file. `tests/unit-tier-guard.ts` makes the promise hold: in this tier a connection to
 * Postgres or Redis, or a child process, fails the test that tried it.
 *
 * A new test file that needs none of those belongs here.
 */
export const UNIT_TESTS = [
  'tests/access-invalidation.test.ts',
  'tests/access-link-admission.test.ts',
  'tests/access-policy.test.ts',
  'tests/batched-reads.test.ts',
  'tests/bench-cpuprofile-top.test.ts',
  'tests/body-error-details.test.ts',
  'tests/bench-verdicts.test.ts',
  'tests/builder-plan-render.test.ts',
  'tests/builder-settings.test.ts',
  'tests/builder-work-dirs.test.ts',
  'tests/canonical-json.test.ts',
  'tests/cli-parsing.test.ts',
  'tests/client-close-reasons.test.ts',
  'tests/client-comment-badges.test.ts',
  'tests/client-follow.test.ts',
  'tests/client-form-binding.test.ts',
  'tests/client-history-timeline.test.ts',
  'tests/client-layout-persistence.test.ts',
  'tests/client-live-tree.test.ts',
  'tests/client-presence.test.ts',
  'tests/client-readable-color.test.ts',
  'tests/client-save-status.test.ts',
  'tests/client-styles.test.ts',
  'tests/client-text-binding.test.ts',
  'tests/conf-import.test.ts',
  'tests/conf-roundtrip.test.ts',
  'tests/custom-board-file.test.ts',
  'tests/custom-board-validation.test.ts',
  'tests/doc-addressing.test.ts',
  'tests/doc-binding.test.ts',
  'tests/compaction-slots.test.ts',
  'tests/encoded-state.test.ts',
  'tests/fan-out-plan.test.ts',
  'tests/file-line-anchor.test.ts',
  'tests/firstboot-network.test.ts',
  'tests/firstboot-ssh-host.test.ts',
  'tests/doc-layout.test.ts',
  'tests/ext-messages.test.ts',
  'tests/firstboot-redaction.test.ts',
  'tests/commit-order.test.ts',
  'tests/group-commit-pipeline.test.ts',
  'tests/kernel-config-parse.test.ts',
  'tests/history-change-writer.test.ts',
  'tests/history-checkpoint-schedule.test.ts',
  'tests/history-coalescer.test.ts',
  'tests/history-text-capture.test.ts',
  'tests/instance-admin-powers.test.ts',
  'tests/minimal-diff.test.ts',
  'tests/primitives-safe-next.test.ts',
  'tests/primitives-stored-doc.test.ts',
  'tests/primitives-text-diff.test.ts',
  'tests/primitives-uuid.test.ts',
  'tests/primitives-value-at.test.ts',
  'tests/proxy-client-address.test.ts',
  'tests/rooms-in-memory.test.ts',
  'tests/durable-reads-in-memory.test.ts',
  'tests/schema-limits.test.ts',
  'tests/schema-rules.test.ts',
  'tests/settings-documented.test.ts',
  'tests/shape-repair.test.ts',
  'tests/shared-split.test.ts',
  'tests/stored-seq.test.ts',
  'tests/validators-fresh.test.ts',
  'tests/webhooks-signing.test.ts',
];

/**
 * Files that run for minutes or hold the machine's cores (the framework's bash, Chromium, child
 * servers), started first so none of them is the last one running: on a fresh clone vitest has no
 * durations from earlier runs and would order them by file size. Longest first; measured with
 * `npx vitest run --reporter=json` (docs/benchmarks.md, "Test tiers").
 */
export const LONG_RUNNING_FIRST = [
  'tests/armbian-framework-agreement.test.ts',
  'tests/npm-start.test.ts',
  'tests/access-permission-matrix.test.ts',
  'tests/browser/framework-check.test.ts',
  'tests/armbian-framework-build.test.ts',
  'tests/persistence-crash.test.ts',
  'tests/browser/multi-panels.test.ts',
  'tests/startup-race.test.ts',
  'tests/rest-durable-crash.test.ts',
];
