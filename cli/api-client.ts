/**
 * The CLI's view of the REST API: the server's URL and a bearer token (a personal access token or
 * a session from `boardroom login`), JSON in and out, and the server's `{error:{code,message,
 * details}}` turned into an `ApiError` the CLI prints as is.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** The process exit code (docs/cli.md): 1 failed, 2 usage, 3 not signed in or refused. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path?: string; message?: string }> = [],
  ) {
    super(`${message} (${status} ${code})${details.map((d) => `\n  ${d.path || '(root)'}: ${d.message ?? ''}`).join('')}`, status === 401 || status === 403 ? 3 : 1);
  }
}

export interface ApiClient {
  readonly url: string;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response of a GET that answered 2xx (downloads, text exports, event streams). */
  raw(path: string, headers?: Record<string, string>): Promise<Response>;
}

export function createApiClient(url: string, token: string | null, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = url.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  const send = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> }): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { method, headers: headers(init.headers), body: init.body });
    } catch (error) {
      throw new CliError(`cannot reach ${base}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  };
  return {
    url: base,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(method, path, {
        // Every write says application/json (the server refuses other types on writes).
        headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    },
    raw: (path, extra) => send('GET', path, { headers: extra }),
  };
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string; details?: Array<{ path?: string; message?: string }> } };
    if (error?.message) return new ApiError(res.status, error.code ?? 'error', error.message, error.details ?? []);
  } catch {
    // Not the API's JSON (a proxy's error page): say what came back.
  }
  return new ApiError(res.status, 'http_error', text.slice(0, 200) || res.statusText);
}
