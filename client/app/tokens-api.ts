/** Personal access tokens of the signed-in account (`/api/tokens`, session only). */
import type { TokenScope } from '../../shared/token-scopes.ts';
import type { ApiCall } from './api.ts';

export interface AccessToken {
  id: string;
  name: string;
  /** `brt_<public id>`: the visible start of the token. */
  prefix: string;
  scopes: TokenScope[];
  /** null: every configuration you can reach. */
  configIds: string[] | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedAddress: string | null;
}

export interface NewAccessToken {
  name: string;
  scopes: TokenScope[];
  configIds: string[] | null;
  expiresAt: string;
}

export interface TokensApi {
  list(): Promise<AccessToken[]>;
  /** The answer carries the token's secret: shown once, never again. */
  create(input: NewAccessToken): Promise<AccessToken & { token: string }>;
  revoke(id: string): Promise<void>;
}

export function createTokensApi(call: ApiCall): TokensApi {
  return {
    list: () => call('GET', '/api/tokens'),
    create: (input) => call('POST', '/api/tokens', { json: input }),
    revoke: (id) => call('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
  };
}
