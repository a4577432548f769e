/**
 * `boardroom`: the command line for scripts and CI jobs (docs/cli.md). Every command is one or two
 * REST calls with a bearer token; `runCli` takes its streams and environment as arguments, so the
 * tests run it in-process against a real server.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { login, logout, whoami } from './account-commands.ts';
import { CliError, createApiClient } from './api-client.ts';
import { downloadArtifacts, listArtifacts, listBuilds, startBuild } from './build-commands.ts';
import { exportConfig, importConfig, listConfigs, setValues, validate } from './config-commands.ts';
import { loadCredentials } from './credentials.ts';
import type { CliIo, CommandContext } from './io.ts';

export const USAGE = `Usage: boardroom <command> [options]

  login --url URL (--token T | --token-stdin | --email E --password-stdin)
                                   sign in and save the token (CI: set BOARDROOM_URL and BOARDROOM_TOKEN instead)
  logout                           forget the saved token (and end a password session)
  whoami                           who the token belongs to
  configs ls                       configurations you can reach
  export ID [--format json|conf] [-o FILE]
  import FILE [--name NAME]        a .json (as exported) or an Armbian .conf
  set ID KEY=value [KEY=value…]    change keys (KEY= removes one); exit 1 if the result has errors
  validate ID|FILE                 the form's validation; exit 1 on errors
  build ID [--follow] [--force]    start a build; --follow prints its log and exits 0 only if it succeeded
  builds ls ID                     builds of a configuration
  artifacts ls BUILD
  artifacts download BUILD [--dir DIR] [--name N]… [--verify]
                                   --verify: checksums as recorded by the server and SHA256SUMS; exit 1 on a mismatch

Options: --json (machine-readable output), --help.
Exit codes: 0 done, 1 failed (errors, a failed build, a checksum mismatch, the server said no),
2 wrong usage, 3 not signed in or not allowed.`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  email: { type: 'string' },
  token: { type: 'string' },
  'token-stdin': { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  name: { type: 'string', multiple: true },
  follow: { type: 'boolean', short: 'f' },
  force: { type: 'boolean' },
  dir: { type: 'string' },
  verify: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const ctx: CommandContext = {
    io,
    json: values.json === true,
    async api() {
      const { url, token } = await loadCredentials(io.env);
      if (!url || !token) throw new CliError('not signed in: run `boardroom login`, or set BOARDROOM_URL and BOARDROOM_TOKEN', 3);
      return createApiClient(url, token, io.fetch);
    },
  };
  const [command, ...rest] = positionals;
  const arg = (i: number, what: string): string => {
    const value = rest[i];
    if (!value) throw new CliError(`${command} needs ${what}\n\n${USAGE}`, 2);
    return value;
  };
  try {
    switch (command) {
      case 'login':
        return await login(ctx, { url: values.url, email: values.email, token: values.token, tokenStdin: values['token-stdin'], passwordStdin: values['password-stdin'] });
      case 'logout':
        return await logout(ctx);
      case 'whoami':
        return await whoami(ctx);
      case 'configs':
        if (rest[0] !== 'ls') throw new CliError('configs: the subcommand is ls', 2);
        return await listConfigs(ctx);
      case 'export':
        return await exportConfig(ctx, arg(0, 'a configuration id'), { format: values.format, output: values.output });
      case 'import':
        return await importConfig(ctx, arg(0, 'a file'), { name: values.name?.[0] });
      case 'set':
        return await setValues(ctx, arg(0, 'a configuration id'), rest.slice(1));
      case 'validate':
        return await validate(ctx, arg(0, 'a configuration id or a file'));
      case 'build':
        return await startBuild(ctx, arg(0, 'a configuration id'), { follow: values.follow, force: values.force });
      case 'builds':
        if (rest[0] !== 'ls') throw new CliError('builds: the subcommand is ls', 2);
        return await listBuilds(ctx, arg(1, 'a configuration id'));
      case 'artifacts':
        if (rest[0] === 'ls') return await listArtifacts(ctx, arg(1, 'a build id'));
        if (rest[0] === 'download') return await downloadArtifacts(ctx, arg(1, 'a build id'), { dir: values.dir, verify: values.verify, name: values.name });
        throw new CliError('artifacts: the subcommands are ls and download', 2);
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`boardroom: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** The process around `runCli` (bin/boardroom.mjs). */
export async function main(): Promise<void> {
  const io: CliIo = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    fetch,
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
