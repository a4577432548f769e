/**
 * What a command may touch: its arguments, the environment, standard streams and the API. Passed
 * in, so tests run the CLI in-process against a real server and read what it printed.
 */
import type { ApiClient } from './api-client.ts';
import type { Env } from './credentials.ts';

export interface CliIo {
  env: Env;
  /** Where relative paths are resolved (files to import, download folders). */
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input, whole (`--password-stdin`). */
  readStdin: () => Promise<string>;
  fetch: typeof fetch;
}

export interface CommandContext {
  io: CliIo;
  /** `--json`: one JSON document on stdout, for scripts; otherwise lines for people. */
  json: boolean;
  /** The API with the saved or environment credentials; throws "not signed in" without them. */
  api: () => Promise<ApiClient>;
}

/** Prints `value` as JSON with `--json`, else the human lines. */
export function print(ctx: CommandContext, value: unknown, human: () => string[]): void {
  if (ctx.json) ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  else for (const line of human()) ctx.io.stdout(`${line}\n`);
}
