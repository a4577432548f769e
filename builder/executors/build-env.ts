/**
 * The environment a build process gets: an allow-list, never the builder's own environment.
 *
 * The builder holds secrets (DATABASE_URL, REDIS_URL, GITHUB_CLIENT_SECRET, SECRETS_KEY, …) and a
 * build runs an editor's customize script, so everything a build process sees is named here:
 *
 * - `BUILD_ENV_INHERITED`: taken from the builder's environment when set (PATH falls back to
 *   `DEFAULT_BUILD_PATH`);
 * - `BUILD_ENV_FIXED`: always set to these values;
 * - HOME: a directory private to the build attempt, never the builder's home (its dotfiles,
 *   credentials and caches stay out of reach of `$HOME`);
 * - the operator's `BUILD_ENV_PASSTHROUGH` names (e.g. http_proxy, https_proxy, no_proxy), copied
 *   when the builder has them.
 *
 * Every executor takes the same factory, so a new way of running builds cannot forget the list.
 */

/** Harmless variables the framework and its tools read, passed on when the builder has them.
 * PATH: where compile.sh finds bash, git, docker. LANG/LC_ALL: tool output and sorting. TERM:
 * colour handling (the framework strips nothing without it). TZ: timestamps in logs and images. */
export const BUILD_ENV_INHERITED = ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TZ'] as const;

/** PATH when the builder has none: the usual system directories, nothing user-specific. */
export const DEFAULT_BUILD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Always set. SHOW_LOG=yes makes the framework print command output (compiler lines) on stdout
 * where the live log and progress read it; without a terminal it would only go to its log files.
 * CI is deliberately absent, and refused in BUILD_ENV_PASSTHROUGH: CI=true replaces the framework's
 * section markers (which progress reads) with GitHub Actions `::group::` lines, and changes its
 * log archiving and .deb compression.
 */
export const BUILD_ENV_FIXED: Readonly<Record<string, string>> = { SHOW_LOG: 'yes' };

/** A variable name: what a shell would accept in `export NAME=…`. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SourceEnv = Readonly<Record<string, string | undefined>>;

/** The environment of one build process, given the directory it may use as HOME. */
export type BuildEnvFactory = (home: string) => Record<string, string>;

export class BuildEnvError extends Error {
  readonly code = 'invalid_build_env_passthrough';
  constructor(message: string) {
    super(message);
    this.name = 'BuildEnvError';
  }
}

/** Names BUILD_ENV_PASSTHROUGH refuses, and why. */
const NEVER_PASSED: Readonly<Record<string, string>> = {
  HOME: "HOME is always the build's own directory",
  CI: "CI turns the framework's section markers into GitHub Actions lines (progress reads the markers)",
};

/** Parses BUILD_ENV_PASSTHROUGH: names separated by commas or spaces. HOME and CI cannot be passed through. */
export function parseBuildEnvPassthrough(raw: string | undefined): string[] {
  const names = (raw ?? '').split(/[\s,]+/).filter((n) => n !== '');
  for (const name of names) {
    if (!ENV_NAME.test(name)) throw new BuildEnvError(`BUILD_ENV_PASSTHROUGH: ${JSON.stringify(name)} is not a variable name`);
    const never = NEVER_PASSED[name];
    if (never) throw new BuildEnvError(`BUILD_ENV_PASSTHROUGH: ${never}`);
  }
  return [...new Set(names)];
}

/**
 * The factory every executor uses. `source` is the builder's environment (read once by the entry
 * file); only the names above are ever copied out of it.
 */
export function createBuildEnv(source: SourceEnv, passthrough: readonly string[] = []): BuildEnvFactory {
  const base: Record<string, string> = {};
  for (const name of [...BUILD_ENV_INHERITED, ...passthrough]) {
    const value = source[name];
    if (value !== undefined) base[name] = value;
  }
  base.PATH ??= DEFAULT_BUILD_PATH;
  Object.assign(base, BUILD_ENV_FIXED);
  return (home) => ({ ...base, HOME: home });
}
