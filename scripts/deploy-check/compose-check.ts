/**
 * docker-compose.yml checked without an engine: the YAML against the schema of what we rely on
 * (deploy/schemas/compose.schema.json), then what a schema cannot say: restart policies, health
 * checks behind every `service_healthy`, migrations before servers and builders, pinned images,
 * build targets the Dockerfile has, health checks on the ports the services listen on, nginx
 * forwarding addresses and upgrades, and every environment variable an app service is given being
 * a setting Boardroom reads (listed in .env.example) or one it hands on to builds
 * (BUILD_ENV_PASSTHROUGH).
 */
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { isPinnedImage } from './dockerfile-rules.ts';

/** Variables the compose files interpolate that are not Boardroom settings: they only shape the
 * deployment (deploy/compose.armbian.yml says what each is). */
export const COMPOSE_ONLY_VARIABLES = new Set(['DOCKER_GID', 'ARMBIAN_CHECKOUT']);

type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';
export interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  restart?: string;
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, { condition: Condition }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  expose?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export interface ComposeContext {
  schema: object;
  /** Setting names from .env.example. */
  settings: Set<string>;
  /** Targets ./Dockerfile defines. */
  dockerTargets: Set<string>;
  /** deploy/nginx.conf */
  nginxConf: string;
}

/** The names `.env.example` lists (`NAME=default` lines). */
export function settingsListed(envExample: string): Set<string> {
  return new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

export function parseCompose(text: string): unknown {
  // `<<: *app-env` merges are part of what the file uses.
  return parse(text, { merge: true });
}

/** App services: the ones built from our Dockerfile. */
const isApp = (s: ComposeService) => !!s.build;
const ONE_SHOT = 'service_completed_successfully';

export function checkCompose(text: string, ctx: ComposeContext, options: { overlay?: boolean } = {}): string[] {
  const problems: string[] = [];
  const doc = parseCompose(text);
  const ajv = new Ajv({ allErrors: true, strict: false });
  // An overlay (`-f docker-compose.yml -f deploy/compose.armbian.yml`) only has the keys it changes.
  const schema = options.overlay ? overlaySchema(ctx.schema) : ctx.schema;
  if (!ajv.validate(schema, doc)) {
    for (const e of ajv.errors ?? []) problems.push(`schema: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
    return problems;
  }
  const { services } = doc as ComposeFile;
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}/g)) {
    if (!ctx.settings.has(m[1]) && !COMPOSE_ONLY_VARIABLES.has(m[1])) problems.push(`\${${m[1]}} is neither a setting in .env.example nor a documented compose variable`);
  }
  for (const [name, s] of Object.entries(services)) {
    const oneShot = Object.values(services).some((o) => o.depends_on?.[name]?.condition === ONE_SHOT);
    if (s.image && !s.build && !isPinnedImage(s.image)) problems.push(`${name}: image ${s.image} is not pinned to a release`);
    if (s.build && !ctx.dockerTargets.has(s.build.target)) problems.push(`${name}: build target ${s.build.target} is not in the Dockerfile`);
    if (!options.overlay) {
      if (oneShot && s.restart !== 'no' && s.restart !== 'on-failure') problems.push(`${name}: a one-shot others wait for must not restart forever`);
      if (!oneShot && s.restart !== 'unless-stopped' && s.restart !== 'always') problems.push(`${name}: no restart policy (one crash stays down)`);
      if (!oneShot && !s.healthcheck) problems.push(`${name}: no healthcheck`);
    }
    for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
      const target = services[dep];
      if (!target) problems.push(`${name}: depends on ${dep}, which is not a service`);
      else if (condition === 'service_healthy' && !target.healthcheck) problems.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
    if (isApp(s)) {
      // Variables handed on to builds (BUILD_ENV_PASSTHROUGH) are the framework's, not ours.
      const passedOn = new Set(String(s.environment?.BUILD_ENV_PASSTHROUGH ?? '').split(/[\s,]+/).filter(Boolean));
      for (const key of Object.keys(s.environment ?? {})) {
        if (!ctx.settings.has(key) && !passedOn.has(key)) problems.push(`${name}: ${key} is not a setting Boardroom reads (.env.example)`);
      }
    }
  }
  if (!options.overlay) problems.push(...checkProductionShape(services, ctx));
  return problems;
}

function checkProductionShape(services: Record<string, ComposeService>, ctx: ComposeContext): string[] {
  const problems: string[] = [];
  const byTarget = (t: string) => Object.entries(services).find(([, s]) => s.build?.target === t);
  const migrations = byTarget('migrate');
  if (!migrations) problems.push('no migrations service (target migrate)');
  for (const target of ['server', 'builder']) {
    const found = byTarget(target);
    if (!found) {
      problems.push(`no ${target} service`);
      continue;
    }
    const [name, s] = found;
    if (migrations && s.depends_on?.[migrations[0]]?.condition !== ONE_SHOT) problems.push(`${name}: does not wait for ${migrations[0]} (condition ${ONE_SHOT})`);
    // `--scale server=3` needs servers that publish no host port; the lb publishes.
    if (s.ports?.length) problems.push(`${name}: publishes ports, so it cannot be scaled (put it behind the lb)`);
    const test = (s.healthcheck?.test ?? []).join(' ');
    const port = String(s.environment?.[target === 'server' ? 'PORT' : 'BUILDER_HEALTH_PORT'] ?? '');
    const route = target === 'server' ? '/health/ready' : '/health';
    if (!port || !test.includes(`:${port}${route}`)) problems.push(`${name}: healthcheck does not ask ${route} on its port (${port || 'unset'})`);
  }
  const server = byTarget('server');
  if (server) {
    const [name, s] = server;
    if (!String(s.environment?.TRUST_PROXY ?? '')) problems.push(`${name}: TRUST_PROXY unset behind the lb (every client would be the lb's address)`);
    const port = String(s.environment?.PORT ?? '');
    if (!new RegExp(`proxy_pass\\s+(https?://${name}:${port}|\\$\\w+)`).test(ctx.nginxConf) || !ctx.nginxConf.includes(`http://${name}:${port}`)) {
      problems.push(`nginx.conf does not forward to ${name}:${port}`);
    }
  }
  for (const [pattern, what] of [
    [/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for/, 'X-Forwarded-For'],
    [/proxy_set_header\s+Upgrade\s+\$http_upgrade/, 'the Upgrade header'],
    [/proxy_set_header\s+Connection\s+\$connection_upgrade/, 'the Connection header of upgrades'],
    [/proxy_http_version\s+1\.1/, 'HTTP/1.1 (upgrades need it)'],
  ] as const) {
    if (!pattern.test(ctx.nginxConf)) problems.push(`nginx.conf does not forward ${what}`);
  }
  return problems;
}

/** The same schema with nothing required: an overlay names only what it changes. */
function overlaySchema(schema: object): object {
  const copy = structuredClone(schema) as { definitions: { service: { anyOf?: unknown } } };
  delete copy.definitions.service.anyOf;
  return { ...copy, $id: 'https://boardroom.invalid/schemas/compose-overlay.schema.json' };
}
