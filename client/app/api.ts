/**
 * The REST API as the client uses it. Errors come back as `ApiRequestError` with the server's
 * `{ error: { code, message, details } }` so panels can show the message as given.
 */
import { createFilesApi, type FilesApi } from '../files/files-api.ts';
import type { Role } from '../../shared/roles.ts';
import type { ValidationResult } from '../../shared/validation/issue.ts';
import { createAccessApi, type AccessApi } from './access-api.ts';
import { createWebhooksApi, type WebhooksApi } from './webhooks-api.ts';
import { createSecretsApi, type SecretsApi } from './secrets-api.ts';
import { createBuildApi, type BuildApi } from './build-api.ts';
import { createHistoryApi, type HistoryApi } from '../history/history-api.ts';
import { createReviewApi, type ReviewApi } from '../review/review-api.ts';
import { createTokensApi, type TokensApi } from './tokens-api.ts';
import { createOrgsApi, type OrgsApi } from '../orgs/orgs-api.ts';

export interface ConfigSummary {
  id: string;
  name: string;
  /** Its organisation; null (or absent from older servers): personal. */
  orgId?: string | null;
  createdAt?: string;
  updatedAt: string;
}

/** One note of a .conf import: a line kept in Extra lines, a reference only the framework can expand. */
export interface TrashedConfig {
  id: string;
  name: string;
  deletedAt: string;
  /** When the expiry sweep deletes it for good. */
  purgeAt: string;
}

export interface ImportWarning {
  /** 1-based line of the imported text; 0 for a note about the whole file. */
  line: number;
  message: string;
}

export interface ImportedConfig extends ConfigSummary {
  warnings?: ImportWarning[];
}

export interface ConfigRecord extends ConfigSummary {
  data: Record<string, unknown>;
  validation: ValidationResult;
  role: Role;
}

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** The colour the server gives this account (presence, avatars). */
  color?: string;
}

/** Sign-in methods besides email and password (`GET /api/auth/providers`). */
export interface AuthProviders {
  github: boolean;
}

/** What `GET /api/shares/:token` says a link opens. */
export interface ShareInfo {
  configId: string;
  name: string;
  role: Role;
  kind: 'live' | 'snapshot';
  label: string | null;
  expiresAt: string | null;
  /** Snapshot links: the frozen configuration. */
  data?: Record<string, unknown>;
  frozenAt?: string;
}

/** What `POST /api/invitations/lookup` says an invitation link offers. */
export interface InvitationInfo {
  configId: string;
  configName: string;
  role: Role;
  /** Where it was sent; the account that accepts need not have this address. */
  email: string;
  invitedBy: string | null;
  expiresAt: string;
}

export interface ErrorDetail {
  path: string;
  message: string;
  keyword: string;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface Api {
  me(): Promise<User | null>;
  login(email: string, password: string): Promise<User>;
  signup(name: string, email: string, password: string): Promise<User>;
  logout(): Promise<void>;
  providers(): Promise<AuthProviders>;
  resolveShare(token: string): Promise<ShareInfo>;
  /** What an invitation link offers, and spending it (signed in) to become a member. */
  lookupInvitation(token: string): Promise<InvitationInfo>;
  acceptInvitation(token: string): Promise<{ configId: string; role: Role }>;
  /** Starts linking GitHub to the signed-in account: the address to send the browser to. */
  linkGithub(next: string): Promise<{ url: string }>;
  /** The same API, sending a share token with every request (for people who came by a link). */
  withShareToken(token: string): Api;
  listConfigs(): Promise<ConfigSummary[]>;
  getConfig(id: string): Promise<ConfigRecord>;
  /** `orgId`: made in that organisation (the workspace chosen in the top bar); null: personal. */
  createConfig(name: string, data?: Record<string, unknown>, orgId?: string | null): Promise<ConfigSummary>;
  renameConfig(id: string, name: string): Promise<ConfigSummary>;
  /** Moves a configuration to its owner's trash (owner only); restorable until it expires. */
  deleteConfig(id: string): Promise<void>;
  /** Your configurations in the trash, and the day each is deleted for good. */
  listTrash(): Promise<TrashedConfig[]>;
  restoreConfig(id: string): Promise<ConfigSummary>;
  importConfig(fileName: string, text: string, orgId?: string | null): Promise<ImportedConfig>;
  /** A pasted config file or `./compile.sh` line; an empty name lets the server choose one. */
  importPasted(name: string, text: string, orgId?: string | null): Promise<ImportedConfig>;
  exportUrl(id: string, format: 'json' | 'conf'): string;
  getLayout(): Promise<unknown>;
  /** `leaving`: the page is going away; the request must outlive it (fetch keepalive). */
  putLayout(layout: unknown, options?: { leaving?: boolean }): Promise<void>;
  /** Builds of a configuration, their logs, artifacts and snapshots. */
  builds: BuildApi;
  /** Members and share links of a configuration (owner only). */
  access: AccessApi;
  /** Webhooks and their delivery log (owner only). */
  webhooks: WebhooksApi;
  /** First-boot secrets, write-only (editors and owners, as members). */
  secrets: SecretsApi;
  /** Change log, named versions, diffs and restores. */
  history: HistoryApi;
  /** Comments, reviews, build approval and the review settings. */
  review: ReviewApi;
  /** The userpatches tree's uploads and downloads (text files live in the document). */
  files: FilesApi;
  /** Your personal access tokens for scripts (the account page). */
  tokens: TokensApi;
  /** Organisations you belong to (the organisation page, the top bar's switcher). */
  orgs: OrgsApi;
}

/** One REST call relative to the API's base, with the share token when there is one. */
export type ApiCall = <T>(method: string, path: string, body?: RequestBody) => Promise<T>;

/** `keepalive`: sent even if the page unloads right after (a save on leaving; at most 64 KiB). */
type RequestBody = { json?: unknown; keepalive?: boolean };

async function request<T>(method: string, url: string, body?: RequestBody, shareToken?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (shareToken) headers['x-share-token'] = shareToken;
  let payload: string | undefined;
  // Every call that changes something says application/json, body or not: the server refuses
  // other types on cookie-authenticated writes (a page on another origin can send text/plain or
  // a form without asking, never JSON).
  if (method !== 'GET' && method !== 'HEAD') headers['content-type'] = 'application/json';
  if (body?.json !== undefined) payload = JSON.stringify(body.json);
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', keepalive: body?.keepalive === true });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) {
    const error = (json?.error ?? {}) as { code?: string; message?: string; details?: ErrorDetail[] };
    throw new ApiRequestError(res.status, error.code ?? 'http_error', error.message ?? `${method} ${url}: ${res.status}`, error.details ?? []);
  }
  return json as T;
}

/** Name for an imported file: its base name without the extension ("config-orangepi5.conf" → "orangepi5"). */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(json|conf)$/i, '').replace(/^config-/, '');
  return base.trim() || 'Imported configuration';
}

export function createApi(base = '', shareToken?: string): Api {
  const call: ApiCall = (method, path, body) => request(method, `${base}${path}`, body, shareToken);
  const config = (id: string) => `/api/configs/${encodeURIComponent(id)}`;
  return {
    async me() {
      try {
        return (await call<{ user: User }>('GET', '/api/auth/me')).user;
      } catch (e) {
        if (e instanceof ApiRequestError && e.status === 401) return null;
        throw e;
      }
    },
    async login(email, password) {
      return (await call<{ user: User }>('POST', '/api/auth/login', { json: { email, password } })).user;
    },
    async signup(name, email, password) {
      return (await call<{ user: User }>('POST', '/api/auth/signup', { json: { name, email, password } })).user;
    },
    logout: () => call('POST', '/api/auth/logout'),
    providers: () => call('GET', '/api/auth/providers'),
    resolveShare: (token) => call('GET', `/api/shares/${encodeURIComponent(token)}`),
    // Tokens go in the body, not the path, so they stay out of request logs.
    lookupInvitation: (token) => call('POST', '/api/invitations/lookup', { json: { token } }),
    acceptInvitation: (token) => call('POST', '/api/invitations/accept', { json: { token } }),
    linkGithub: (next) => call('POST', '/api/auth/github/link', { json: { next } }),
    withShareToken: (token) => createApi(base, token),
    listConfigs: () => call('GET', '/api/configs'),
    getConfig: (id) => call('GET', config(id)),
    createConfig: (name, data, orgId) => call('POST', '/api/configs', { json: { name, ...(data ? { data } : {}), ...(orgId ? { orgId } : {}) } }),
    renameConfig: (id, name) => call('PATCH', config(id), { json: { name } }),
    deleteConfig: (id) => call('DELETE', config(id)),
    listTrash: () => call('GET', '/api/trash'),
    restoreConfig: (id) => call('POST', `${config(id)}/restore`),
    importConfig(fileName, text, orgId) {
      const place = orgId ? { orgId } : {};
      const name = nameFromFile(fileName);
      if (/\.json$/i.test(fileName) || text.trimStart().startsWith('{')) {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        // Accept both a bare configuration and the `{ name, data }` shape GET returns.
        const data = (parsed.data && typeof parsed.data === 'object' ? parsed.data : parsed) as Record<string, unknown>;
        const chosen = typeof parsed.name === 'string' && parsed.data ? parsed.name : name;
        return call('POST', '/api/configs/import', { json: { name: chosen, data, ...place } });
      }
      // The .conf text travels inside JSON: the session cookie only writes with application/json.
      return call('POST', '/api/configs/import', { json: { name, conf: text, ...place } });
    },
    importPasted: (name, text, orgId) =>
      call('POST', '/api/configs/import', { json: { ...(name.trim() ? { name: name.trim() } : {}), conf: text, ...(orgId ? { orgId } : {}) } }),
    exportUrl: (id, format) =>
      `${base}${config(id)}/export?format=${format}${shareToken ? `&share=${encodeURIComponent(shareToken)}` : ''}`,
    async getLayout() {
      const body = await call<{ layout: unknown }>('GET', '/api/layout');
      return body.layout;
    },
    putLayout: (layout, options) => call('PUT', '/api/layout', { json: { layout }, keepalive: options?.leaving === true }),
    builds: createBuildApi(call, base, shareToken),
    access: createAccessApi(call),
    webhooks: createWebhooksApi(call),
    secrets: createSecretsApi(call),
    history: createHistoryApi(call),
    review: createReviewApi(call),
    files: createFilesApi(base, shareToken),
    tokens: createTokensApi(call),
    orgs: createOrgsApi(call),
  };
}
