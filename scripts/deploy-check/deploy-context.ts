/**
 * What the deployment checks compare the files with, read from the repository: the schemas,
 * the settings `.env.example` lists, the Dockerfile's targets, nginx.conf, and the routes each
 * process serves for probes. One place, shared by `npm run lint:deploy` and the tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerLimitDefaults } from '../../server/settings.ts';
import { settingsListed, type ComposeContext } from './compose-check.ts';
import { parseDockerfile, stagesOf } from './dockerfile-rules.ts';
import type { K8sContext } from './k8s-check.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

/** Targets an operator builds, and those that run a long-lived process (they need a HEALTHCHECK). */
export const DOCKER_TARGETS = ['server', 'builder', 'builder-armbian', 'migrate'];
export const DOCKER_SERVICES = ['server', 'builder', 'builder-armbian'];
/** Routes a probe may ask, per container name: server/routes/health.ts, builder/health-endpoint.ts. */
export const PROBE_ROUTES: Record<string, string[]> = { server: ['/health', '/health/ready'], builder: ['/health'] };

export function composeContext(): ComposeContext {
  return {
    schema: JSON.parse(read('deploy/schemas/compose.schema.json')),
    settings: settingsListed(read('.env.example')),
    dockerTargets: new Set(stagesOf(parseDockerfile(read('Dockerfile'))).flatMap((s) => (s.name ? [s.name] : []))),
    nginxConf: read('deploy/nginx.conf'),
  };
}

export function k8sContext(): K8sContext {
  return {
    schema: JSON.parse(read('deploy/schemas/k8s.schema.json')),
    settings: settingsListed(read('.env.example')),
    routes: PROBE_ROUTES,
    defaultShutdownDeadlineMs: ServerLimitDefaults.shutdownDeadlineMs,
  };
}
