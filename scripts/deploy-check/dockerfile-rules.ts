/**
 * Hadolint-like rules for ./Dockerfile and .dockerignore, for machines without a Docker engine or
 * hadolint (tests/deploy-files.test.ts; `npm run lint:deploy`). Only what this project relies on:
 * pinned base images, a non-root user and a HEALTHCHECK in every image that runs a service, no
 * remote ADD, `npm ci` from the lock file, exec-form commands (so SIGTERM reaches node), no tsx at
 * run time, apt without recommends and without its lists left behind.
 */

export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | null;
  /** The image or earlier stage it starts from, ARGs resolved. */
  from: string;
  instructions: Instruction[];
}

/** Joins continuation lines, drops comments; keywords upper-cased. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i];
      line = line.replace(/\\\s*$/, ' ') + (/^\s*#/.test(next) ? '' : next.trim());
    }
    const match = /^\s*(\w+)\s+([\s\S]*)$/.exec(line);
    if (match) out.push({ line: start + 1, keyword: match[1].toUpperCase(), args: match[2].trim() });
  }
  return out;
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = ins.args.split('=');
      args.set(name.trim(), value.trim());
    } else if (ins.keyword === 'FROM') {
      const [image, , name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const from = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? '');
      stages.push({ name: name?.toLowerCase() ?? null, from, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return stages;
}

/** A tag that names one release (`node:20.20.2-bookworm-slim`, `nginx:1.27.3`) or a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return !!tag && tag !== 'latest' && /^\d+\.\d+(\.\d+)?/.test(tag.replace(/^v/, ''));
}

/** Instructions a stage has, its own and those of the stages it is built on, oldest first. */
function lineage(stages: Stage[], stage: Stage): Instruction[] {
  const parent = stages.find((s) => s.name === stage.from.toLowerCase());
  return [...(parent && parent !== stage ? lineage(stages, parent) : []), ...stage.instructions];
}

const ROOT_USERS = new Set(['root', '0', '0:0', 'root:root']);

/**
 * Problems with the Dockerfile. `services`: the targets that run a long-lived process (they need
 * a HEALTHCHECK); `targets`: every target an operator builds (non-root, exec-form CMD).
 */
export function lintDockerfile(text: string, options: { targets: string[]; services: string[] }): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const stages = stagesOf(instructions);
  const names = new Set(stages.map((s) => s.name));
  for (const stage of stages) {
    if (!names.has(stage.from.toLowerCase()) && !isPinnedImage(stage.from)) {
      problems.push(`stage ${stage.name ?? '?'}: base image "${stage.from}" is not pinned to a release (a version tag or a digest)`);
    }
  }
  for (const ins of instructions) {
    const where = `line ${ins.line}`;
    if (ins.keyword === 'ADD' && /(^|\s)(https?|ftp):\/\//i.test(ins.args)) problems.push(`${where}: ADD of a URL (download in a RUN with a checksum, or COPY)`);
    if (ins.keyword === 'RUN') {
      if (/\bnpm\s+(install|i)\b/.test(ins.args)) problems.push(`${where}: npm install (use npm ci: the lock file decides)`);
      if (/\bapt-get\s+install\b/.test(ins.args)) {
        if (!ins.args.includes('--no-install-recommends')) problems.push(`${where}: apt-get install without --no-install-recommends`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(ins.args)) problems.push(`${where}: apt lists left in the layer (rm -rf /var/lib/apt/lists/*)`);
      }
      if (/\bsudo\b/.test(ins.args)) problems.push(`${where}: sudo in a RUN`);
    }
    if ((ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') && /\btsx\b/.test(ins.args)) problems.push(`${where}: tsx at run time (run the compiled dist/app)`);
  }
  if (!instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))) problems.push('no RUN npm ci');
  for (const target of options.targets) {
    const stage = stages.find((s) => s.name === target);
    if (!stage) {
      problems.push(`target ${target}: missing`);
      continue;
    }
    const all = lineage(stages, stage);
    const user = all.filter((i) => i.keyword === 'USER').at(-1);
    if (!user || ROOT_USERS.has(user.args.trim())) problems.push(`target ${target}: runs as root (no USER, or USER root last)`);
    const cmd = all.filter((i) => i.keyword === 'CMD').at(-1);
    if (!cmd) problems.push(`target ${target}: no CMD`);
    else if (!cmd.args.startsWith('[')) problems.push(`target ${target}: CMD in shell form (a shell as PID 1 does not pass SIGTERM on)`);
    if (options.services.includes(target)) {
      const health = all.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
      if (!health || /^NONE\b/i.test(health.args)) problems.push(`target ${target}: no HEALTHCHECK`);
    }
  }
  return problems;
}

/** What the build context must never carry: host dependencies, data, history, secrets. */
export const REQUIRED_DOCKERIGNORE = ['node_modules', 'data', '.git', '.env', 'dist', 'test-artifacts'];

export function lintDockerignore(text: string): string[] {
  const entries = new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      .map((l) => l.replace(/^\/|\/$/g, '')),
  );
  return REQUIRED_DOCKERIGNORE.filter((e) => !entries.has(e)).map((e) => `.dockerignore does not exclude ${e}`);
}
