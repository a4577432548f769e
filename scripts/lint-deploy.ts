/**
 * `npm run lint:deploy`: the Dockerfile rules, the compose checks and the rendered Kubernetes
 * overlay, as tests/deploy-files.test.ts and tests/deploy-k8s.test.ts run them; prints each
 * problem and exits 1 when there is any.
 */
import path from 'node:path';
import { checkCompose } from './deploy-check/compose-check.ts';
import { composeContext, DOCKER_SERVICES, DOCKER_TARGETS, k8sContext, read, ROOT } from './deploy-check/deploy-context.ts';
import { lintDockerfile, lintDockerignore } from './deploy-check/dockerfile-rules.ts';
import { checkK8s } from './deploy-check/k8s-check.ts';
import { renderKustomization } from './deploy-check/kustomize.ts';

const overlay = process.argv[2] ?? 'deploy/k8s/overlays/example';
const results: [string, string[]][] = [
  ['Dockerfile', lintDockerfile(read('Dockerfile'), { targets: DOCKER_TARGETS, services: DOCKER_SERVICES })],
  ['.dockerignore', lintDockerignore(read('.dockerignore'))],
  ['docker-compose.yml', checkCompose(read('docker-compose.yml'), composeContext())],
  ['deploy/compose.armbian.yml', checkCompose(read('deploy/compose.armbian.yml'), composeContext(), { overlay: true })],
  [overlay, checkK8s(renderKustomization(path.join(ROOT, overlay)), k8sContext())],
];
let failed = false;
for (const [file, problems] of results) {
  console.log(`${problems.length ? '✗' : '✓'} ${file}`);
  for (const p of problems) console.log(`    ${p}`);
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
