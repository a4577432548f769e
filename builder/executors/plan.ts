/**
 * The default executor: no root, no network, no Armbian checkout. It writes what a real build
 * would be run with (conf file, customize script, command line) plus a manifest and checksums.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkedPlan, planOrUserErrorAsync, type FrameworkJudge } from '../framework-check/checked-plan.ts';
import { resolveTree, TREE_ARTIFACT, treeTarball, writeTree } from '../plan/plan-tree.ts';
import { FIRSTRUN_SECRETS_FILE, writeFirstrunSecrets } from '../plan/firstrun.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import type { BuildEnvFactory } from './build-env.ts';
import { ExecutorError, type Executor } from './types.ts';

/** `judge` null: no Armbian checkout configured; the plan is written unchecked, with a manifest
 * warning and no predicted image name. */
export function createPlanExecutor(deps: { facts: ArmbianFacts; builderVersion: string; buildEnv: BuildEnvFactory; judge?: FrameworkJudge | null }): Executor {
  return {
    name: 'plan',
    async run(ctx) {
      ctx.progress('plan', 0);
      const tree = await planOrUserErrorAsync(() => resolveTree(ctx.snapshot.yjsState, ctx.fetchBlob));
      const plan = await checkedPlan({
        tree,
        snapshot: ctx.snapshot,
        facts: deps.facts,
        builderVersion: deps.builderVersion,
        judge: deps.judge ?? null,
        signal: ctx.signal,
        log: (line) => ctx.log(line, 'system'),
      });
      const m = plan.manifest;
      ctx.log(`board ${m.board} (${m.boardName}), family ${m.family}, ${m.architecture}`, 'system');
      ctx.log(`branch ${m.branch}, kernel ${m.kernelVersion ?? 'unknown'}, release ${m.release}`, 'system');
      for (const warning of m.warnings) ctx.log(`warning: ${warning}`, 'system');
      ctx.log(`command: ${m.command}`, 'system');
      // The same allow-list a real build runs with: names only (values may be proxies with passwords).
      ctx.log(`environment: ${Object.keys(deps.buildEnv('<build home>')).sort().join(' ')}`, 'system');
      let done = 0;
      for (const file of plan.files) {
        if (ctx.signal.aborted) throw new ExecutorError('aborted', String(ctx.signal.reason ?? 'aborted'));
        const target = path.join(ctx.workDir, file.name);
        await writeFile(target, file.content, 'utf8');
        await ctx.addArtifact(file.name, target);
        done += 1;
        ctx.log(`wrote ${file.name}${file.installTo ? ` (for ${file.installTo})` : ''}`, 'system');
        ctx.progress('plan', Math.round((done / plan.files.length) * 100));
      }
      if (ctx.firstbootSecrets.size > 0) {
        // Where the extension reads it in a checkout's userpatches/: the private workspace only.
        await writeFirstrunSecrets(path.join(ctx.workDir, 'userpatches'), ctx.firstbootSecrets);
        ctx.log(`wrote userpatches/${FIRSTRUN_SECRETS_FILE} (0600, private to this build; not an artifact)`, 'system');
      }
      if (plan.tree.length > 0) {
        // The tree as the build's userpatches/ gets it (bytes and modes), and as one artifact.
        await writeTree(path.join(ctx.workDir, 'userpatches'), plan.tree);
        const tar = path.join(ctx.workDir, TREE_ARTIFACT);
        await writeFile(tar, treeTarball(plan.tree));
        await ctx.addArtifact(TREE_ARTIFACT, tar);
        ctx.log(`wrote ${TREE_ARTIFACT}: ${plan.tree.length} files of userpatches/`, 'system');
      }
      ctx.log(`predicted image: ${m.predictedImageName ?? 'not predicted (the framework was not asked)'}`, 'system');
    },
  };
}
