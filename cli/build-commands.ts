/**
 * `build`, `builds ls`, `artifacts ls`, `artifacts download`. `build --follow` prints the build's
 * log as it is written (the server's event stream, resumed after a dropped connection from the
 * last line seen) and exits with the build's result: 0 succeeded, 1 failed or cancelled. `download
 * --verify` checks every file against the checksum the server recorded when the builder stored it
 * (and against SHA256SUMS when the build has one); a file that does not match is deleted.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, type ApiClient } from './api-client.ts';
import { print, type CommandContext } from './io.ts';
import { readSse } from './sse.ts';

interface BuildView {
  id: string;
  configId: string;
  status: string;
  stage: string | null;
  progress: number;
  error: string | null;
  contentHash: string;
  createdAt?: string;
}
interface Artifact {
  name: string;
  size: number;
  sha256: string;
}
interface LogLine {
  seq: number;
  stream: string;
  line: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
/** Between two attempts to re-open a dropped log stream: a server restart takes a few seconds. */
export const FOLLOW_RETRY_MS = 1_000;
/** Dropped streams in a row before giving up (about a minute of a server that is gone). */
const FOLLOW_MAX_RETRIES = 60;
/** The checksum header artifact downloads carry (server/builds/routes.ts). */
const CHECKSUM_HEADER = 'x-checksum-sha256';

const buildPath = (id: string) => `/api/builds/${encodeURIComponent(id)}`;

export async function startBuild(ctx: CommandContext, configId: string, options: { follow?: boolean; force?: boolean }): Promise<number> {
  const api = await ctx.api();
  const started = await api.json<{ id: string; deduplicated?: boolean; contentHash: string; warnings?: Array<{ path: string; message: string }> }>(
    'POST',
    `/api/configs/${encodeURIComponent(configId)}/builds`,
    options.force ? { force: true } : {},
  );
  if (!options.follow) {
    print(ctx, started, () => [`Build ${started.id}${started.deduplicated ? ' (the same content was already built or is building: this is that build)' : ''} queued for content ${started.contentHash.slice(0, 12)}.`]);
    return 0;
  }
  // Following: the log goes to stdout as it comes; with --json the final build object follows it.
  ctx.io.stderr(`Build ${started.id}${started.deduplicated ? ' (deduplicated)' : ''}: following its log.\n`);
  const finished = await follow(ctx, api, started.id);
  if (ctx.json) ctx.io.stdout(`${JSON.stringify(finished, null, 2)}\n`);
  ctx.io.stderr(`Build ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ''}.\n`);
  return finished.status === 'succeeded' ? 0 : 1;
}

/** Prints log lines until the build has finished; returns the finished build. */
async function follow(ctx: CommandContext, api: ApiClient, buildId: string): Promise<BuildView> {
  let lastSeq = 0;
  let failures = 0;
  for (;;) {
    try {
      const res = await api.raw(`${buildPath(buildId)}/logs`, { accept: 'text/event-stream', ...(lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {}) });
      if (!res.body) throw new CliError('the log stream has no body');
      for await (const event of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        failures = 0;
        if (event.event === 'log') {
          const line = JSON.parse(event.data) as LogLine;
          if (line.seq <= lastSeq) continue;
          lastSeq = line.seq;
          if (!ctx.json) (line.stream === 'stderr' ? ctx.io.stderr : ctx.io.stdout)(`${line.line}\n`);
        }
      }
    } catch (error) {
      // A refusal (the token was revoked, the build is not ours) is final; a dropped connection is not.
      if (error instanceof CliError && !(error.message.includes('cannot reach') || /\(5\d\d /.test(error.message))) throw error;
      if (++failures > FOLLOW_MAX_RETRIES) throw error;
    }
    // The stream ends when the build finishes (or the server goes away): the build says which.
    const build = await api.json<BuildView>('GET', buildPath(buildId)).catch((error: unknown) => {
      if (++failures > FOLLOW_MAX_RETRIES) throw error;
      return null;
    });
    if (build && FINISHED.has(build.status)) return build;
    await new Promise((r) => setTimeout(r, FOLLOW_RETRY_MS));
  }
}

export async function listBuilds(ctx: CommandContext, configId: string): Promise<number> {
  const builds = await (await ctx.api()).json<BuildView[]>('GET', `/api/configs/${encodeURIComponent(configId)}/builds`);
  print(ctx, builds, () => (builds.length === 0 ? ['No builds.'] : builds.map((b) => `${b.id}  ${b.status.padEnd(9)}  ${b.contentHash.slice(0, 12)}  ${b.createdAt ?? ''}`)));
  return 0;
}

export async function listArtifacts(ctx: CommandContext, buildId: string): Promise<number> {
  const { artifacts } = await (await ctx.api()).json<{ artifacts: Artifact[] }>('GET', buildPath(buildId));
  print(ctx, artifacts, () => (artifacts.length === 0 ? ['No artifacts (the build has not finished, or they expired).'] : artifacts.map((a) => `${a.sha256}  ${String(a.size).padStart(12)}  ${a.name}`)));
  return 0;
}

export async function downloadArtifacts(ctx: CommandContext, buildId: string, options: { dir?: string; verify?: boolean; name?: string[] }): Promise<number> {
  const api = await ctx.api();
  const { artifacts, status } = await api.json<{ artifacts: Artifact[]; status: string }>('GET', buildPath(buildId));
  const wanted = options.name?.length ? artifacts.filter((a) => options.name!.includes(a.name)) : artifacts;
  const missing = (options.name ?? []).filter((n) => !artifacts.some((a) => a.name === n));
  if (missing.length > 0) throw new CliError(`build ${buildId} has no artifact ${missing.join(', ')}`);
  if (wanted.length === 0) throw new CliError(`build ${buildId} (${status}) has no artifacts to download`);
  const dir = path.resolve(ctx.io.cwd, options.dir ?? '.');
  await mkdir(dir, { recursive: true });
  const results: Array<{ name: string; file: string; size: number; sha256: string; verified: boolean }> = [];
  let bad = 0;
  for (const artifact of wanted) {
    const file = path.join(dir, path.basename(artifact.name));
    const res = await api.raw(`${buildPath(buildId)}/artifacts/${encodeURIComponent(artifact.name)}`);
    const hash = createHash('sha256');
    const partial = `${file}.part`;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), hashing, createWriteStream(partial));
    } catch (error) {
      // Cut off mid-way (the server lost the file, the connection dropped): nothing half-written stays.
      await rm(partial, { force: true });
      ctx.io.stderr(`FAILED ${artifact.name}: the download broke off (${error instanceof Error ? error.message : String(error)}); deleted\n`);
      bad++;
      continue;
    }
    const sha256 = hash.digest('hex');
    const expected = [artifact.sha256, res.headers.get(CHECKSUM_HEADER)].filter((h): h is string => !!h);
    if (options.verify && expected.some((h) => h !== sha256)) {
      await rm(partial, { force: true });
      ctx.io.stderr(`MISMATCH ${artifact.name}: got ${sha256}, the server recorded ${expected.join(' / ')}; deleted\n`);
      bad++;
      continue;
    }
    await rename(partial, file);
    results.push({ name: artifact.name, file, size: artifact.size, sha256, verified: !!options.verify });
  }
  if (options.verify) bad += await checkSums(ctx, dir, results);
  print(ctx, { buildId, files: results, failed: bad }, () => results.map((r) => `${r.verified ? 'OK ' : '   '} ${r.sha256}  ${r.file}`));
  return bad === 0 ? 0 : 1;
}

/** When SHA256SUMS came along, every file it lists that was downloaded must match it too. */
async function checkSums(ctx: CommandContext, dir: string, files: Array<{ name: string; sha256: string }>): Promise<number> {
  if (!files.some((f) => f.name === 'SHA256SUMS')) return 0;
  const listed = new Map<string, string>();
  for (const line of (await readFile(path.join(dir, 'SHA256SUMS'), 'utf8')).split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (match) listed.set(path.basename(match[2]!), match[1]!);
  }
  let bad = 0;
  for (const f of files) {
    const want = listed.get(path.basename(f.name));
    if (want && want !== f.sha256) {
      ctx.io.stderr(`MISMATCH ${f.name}: SHA256SUMS says ${want}, the file is ${f.sha256}\n`);
      bad++;
    }
  }
  return bad;
}
