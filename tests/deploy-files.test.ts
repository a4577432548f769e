/**
 * The images and the compose deployment, checked as far as this machine can: where a Docker
 * engine answers, the server image is built and started; everywhere, the Dockerfile passes the
 * hadolint-like rules, the compose files pass their schema and the semantic checks, and each
 * rule catches the mistake it exists for (a rule that cannot fail checks nothing).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkCompose } from '../scripts/deploy-check/compose-check.ts';
import { composeContext, DOCKER_SERVICES, DOCKER_TARGETS, read, ROOT } from '../scripts/deploy-check/deploy-context.ts';
import { isPinnedImage, lintDockerfile, lintDockerignore } from '../scripts/deploy-check/dockerfile-rules.ts';

/** A docker build of the server target downloads a base image and runs npm ci: minutes. */
const IMAGE_BUILD_TIMEOUT_MS = 20 * 60_000;

const dockerfile = read('Dockerfile');
const lint = (text: string) => lintDockerfile(text, { targets: DOCKER_TARGETS, services: DOCKER_SERVICES });
const engineAnswers = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 10_000 }).status === 0;

describe('Dockerfile', () => {
  it('passes every rule', () => {
    expect(lint(dockerfile)).toEqual([]);
    expect(lintDockerignore(read('.dockerignore'))).toEqual([]);
  });

  it(
    engineAnswers ? 'builds the server image with the Docker engine' : 'has no Docker engine here: the file rules above stand in for a build',
    () => {
      if (!engineAnswers) {
        expect(spawnSync('docker', ['info'], { encoding: 'utf8' }).status).not.toBe(0);
        return;
      }
      const built = spawnSync('docker', ['build', '--target', 'server', '-t', 'boardroom-server:test', '.'], { cwd: ROOT, encoding: 'utf8' });
      expect(built.status, built.stderr).toBe(0);
      const user = spawnSync('docker', ['image', 'inspect', '--format', '{{.Config.User}}', 'boardroom-server:test'], { encoding: 'utf8' });
      expect(user.stdout.trim()).toBe('node');
    },
    IMAGE_BUILD_TIMEOUT_MS,
  );

  it('catches each mistake it exists for', () => {
    const broken: [string, string, RegExp][] = [
      ['ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=node:20', /not pinned/],
      ['ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=node:latest', /not pinned/],
      ['RUN npm ci --no-audit --no-fund\n', 'RUN npm install\n', /npm install/],
      ['USER node\n', 'USER root\n', /target server: runs as root/],
      ['COPY package.json ./\n', 'ADD https://example.org/x.tgz /tmp/\nCOPY package.json ./\n', /ADD of a URL/],
      ['CMD ["node", "dist/app/server.js"]', 'CMD node dist/app/server.js', /shell form/],
      ['CMD ["node", "dist/app/server.js"]', 'CMD ["node", "--import", "tsx", "server/main.ts"]', /tsx at run time/],
      ['  && rm -rf /var/lib/apt/lists/*\n', '\n', /apt lists left/],
      ['apt-get install -y --no-install-recommends', 'apt-get install -y', /--no-install-recommends/],
    ];
    for (const [from, to, problem] of broken) {
      expect(dockerfile, from).toContain(from);
      expect(lint(dockerfile.replace(from, to)).join('\n'), to).toMatch(problem);
    }
    const noHealth = dockerfile.replace(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/g, '');
    expect(lint(noHealth)).toEqual(expect.arrayContaining(['target server: no HEALTHCHECK', 'target builder: no HEALTHCHECK']));
    expect(lintDockerignore('dist\n.git\n')).toEqual(expect.arrayContaining(['.dockerignore does not exclude node_modules', '.dockerignore does not exclude data']));
  });

  it('tells pinned images from moving tags', () => {
    for (const ok of ['node:20.20.2-bookworm-slim', 'postgres:16.6-bookworm', 'nginx:1.27.3', `redis@sha256:${'a'.repeat(64)}`]) expect(isPinnedImage(ok), ok).toBe(true);
    for (const bad of ['node', 'node:20', 'node:latest', 'nginx:stable', 'registry:5000/app']) expect(isPinnedImage(bad), bad).toBe(false);
  });
});

describe('docker compose', () => {
  const compose = read('docker-compose.yml');
  const ctx = composeContext();
  /** The compose file with `edit` applied to its parsed form. */
  const edited = (edit: (doc: any) => void) => {
    const doc = parse(compose, { merge: true });
    edit(doc);
    return stringify(doc);
  };

  it('passes the schema and the semantic checks, and so does the real-images overlay', () => {
    expect(checkCompose(compose, ctx)).toEqual([]);
    expect(checkCompose(read('deploy/compose.armbian.yml'), ctx, { overlay: true })).toEqual([]);
    expect(compose).toContain('docker compose up -d --build --scale server=3 --scale builder=2');
  });

  it('catches each mistake it exists for', () => {
    const cases: [(doc: any) => void, RegExp][] = [
      [(d) => (d.services.server.healtcheck = d.services.server.healthcheck), /additional properties \(healtcheck\)/],
      [(d) => delete d.services.builder.restart, /builder: no restart policy/],
      [(d) => delete d.services.server.healthcheck, /server: no healthcheck|lb: waits for server to be healthy/],
      [(d) => (d.services.server.depends_on.migrations.condition = 'service_started'), /server: does not wait for migrations/],
      [(d) => (d.services.migrations.restart = 'always'), /migrations: a one-shot others wait for must not restart forever/],
      [(d) => (d.services.server.environment.MAX_CONECTIONS_PER_ROOM = '10'), /MAX_CONECTIONS_PER_ROOM is not a setting/],
      [(d) => (d.services.redis.image = 'redis:latest'), /redis: image redis:latest is not pinned/],
      [(d) => (d.services.server.ports = ['8080:8080']), /server: publishes ports/],
      [(d) => (d.services.server.build.target = 'sever'), /build target sever is not in the Dockerfile/],
      [(d) => (d.services.server.environment.TRUST_PROXY = ''), /TRUST_PROXY unset/],
      [(d) => (d.services.builder.healthcheck.test = ['CMD', 'true']), /builder: healthcheck does not ask \/health/],
      [(d) => delete d.services.redis.healthcheck, /waits for redis to be healthy, but redis has no healthcheck/],
    ];
    for (const [edit, problem] of cases) expect(checkCompose(edited(edit), ctx).join('\n'), String(problem)).toMatch(problem);
    expect(checkCompose(compose.replace('${PUBLIC_URL:-', '${PUBLIK_URL:-'), ctx).join('\n')).toMatch(/PUBLIK_URL/);
    const noXff = { ...ctx, nginxConf: ctx.nginxConf.replace(/proxy_set_header X-Forwarded-For[^\n]*/, '') };
    expect(checkCompose(compose, noXff)).toContain('nginx.conf does not forward X-Forwarded-For');
    const noUpgrade = { ...ctx, nginxConf: ctx.nginxConf.replace(/proxy_set_header Upgrade[^\n]*/, '') };
    expect(checkCompose(compose, noUpgrade)).toContain('nginx.conf does not forward the Upgrade header');
  });
});
