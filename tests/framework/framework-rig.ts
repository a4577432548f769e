/**
 * The real Armbian framework for tests: `../shared/armbian-build` beside the repository (the
 * framework at the facts' commit, trimmed to what configuration commands read), checked the way
 * the builder checks a plan. As root (CI) every check runs as nobody in its own copy, which the
 * checker makes and chowns; the parent of those copies must be traversable by that user.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameworkJudge } from '../../builder/framework-check/checked-plan.ts';
import { createFrameworkChecker } from '../../builder/framework-check/framework-checker.ts';
import { frameworkIdentity } from '../../builder/framework-check/framework-commit.ts';
import type { BuildSnapshot } from '../../shared/node/builds/read.ts';
import type { FirstbootSecretStamp } from '../../shared/firstboot-secrets.ts';

/** tests/framework/ → repository root → the folder beside it. */
export const FRAMEWORK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'armbian-build');
/** nobody: as root the framework relaunches itself under Docker or sudo. */
const UNPRIVILEGED_UID = 65534;

export interface FrameworkRig {
  judge: FrameworkJudge;
  close(): Promise<void>;
}

export async function startFrameworkRig(concurrency: number): Promise<FrameworkRig> {
  const workRoot = await mkdtemp(path.join(tmpdir(), 'boardroom-framework-'));
  await chmod(workRoot, 0o755);
  const runAsUid = process.getuid?.() === 0 ? UNPRIVILEGED_UID : null;
  return {
    judge: {
      checker: createFrameworkChecker({ armbianDir: FRAMEWORK_DIR, workRoot, runAsUid, concurrency }),
      identity: frameworkIdentity(FRAMEWORK_DIR),
    },
    close: () => rm(workRoot, { recursive: true, force: true }),
  };
}

export function snapshotOf(configJson: Record<string, unknown>, configName = 'Framework check', firstbootSecrets?: FirstbootSecretStamp): BuildSnapshot {
  return {
    ...(firstbootSecrets ? { firstbootSecrets } : {}),
    buildId: '00000000-0000-0000-0000-000000000000',
    configId: '00000000-0000-0000-0000-000000000001',
    configName,
    configJson,
    yjsState: new Uint8Array(),
    schemaVersion: '1',
    builderVersion: '1.0.0',
    contentHash: 'f'.repeat(64),
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
