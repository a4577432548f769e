/**
 * What a server process is made from (`startServer`'s options) and what it hands back. `main.ts`
 * fills the options from the environment (server/settings.ts); tests fill them directly.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './auth/actor.ts';
import type { GithubSettings } from './auth/github-routes.ts';
import type { ScryptParams } from './auth/passwords.ts';
import type { AuditSweep } from './audit/audit-sweep.ts';
import type { BuildsContext } from './builds/builds-context.ts';
import type { Database } from './db/connect.ts';
import type { Feature, FeatureCore } from './features/feature.ts';
import type { Metrics } from './metrics.ts';
import type { ServerLimits } from './settings.ts';
import type { DocStorage } from './storage/types.ts';
import type { GroupCommitter } from './sync/group-committer.ts';
import type { DocumentRooms } from './sync/room-contract.ts';
import type { RoomManager } from './sync/room-manager.ts';
import type { TrashSweep } from './trash/trash-sweep.ts';
import type { BlobGcSweep } from './files/blob-gc.ts';
import type { ObjectStoreSettings } from '../shared/node/blobs/object-store.ts';
import type { ConnectionRegistry } from './ws-transport.ts';
import type { DocumentDeclaration } from '../shared/doc-layout.ts';

export interface ServerOptions {
  database: Database;
  logger: Logger;
  port: number;
  host?: string;
  idleUnloadMs?: number;
  compactAfterUpdates?: number;
  /** Folder of the built client; default `dist/client` next to the sources. */
  clientDir?: string;
  /** Serve the client's source maps (SERVE_SOURCE_MAPS); default not. */
  serveSourceMaps?: boolean;
  /** Base URL for links this server hands out; default its own address. */
  publicUrl?: string;
  secureCookies?: boolean;
  /** Redis for the build queue and events; without it build routes answer 503. */
  redisUrl?: string;
  /** Oldest extension protocol version (`?ext=`) served; default MIN_EXT_PROTOCOL_VERSION
   * (shared/ext-messages.ts). Older pages are closed with 4426 and told to reload. */
  minExtVersion?: number;
  /** Prefix of every Redis key and channel (tests and deployments sharing a Redis stay apart). */
  keyPrefix?: string;
  artifactsDir?: string;
  /** Enables "Sign in with GitHub". */
  github?: GithubSettings | null;
  /** Limits and timeouts (server/settings.ts); unset ones keep their defaults. */
  limits?: Partial<ServerLimits>;
  /** `TRUST_PROXY`: addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustProxy?: string[];
  /** `ALLOWED_ORIGINS`: origins besides PUBLIC_URL's whose pages may use the session cookie. */
  allowedOrigins?: string[];
  /** `smtp://user:pass@host:port` (or smtps://): invitation links are e-mailed. Without it the
   * owner is shown the link to pass on. */
  smtpUrl?: string;
  /** Sender of those mails. */
  mailFrom?: string;
  /** Bearer token for `/metrics` (METRICS_TOKEN); without it the public port answers 404 there. */
  metricsToken?: string;
  /** Serve `/metrics` on a listener of its own (METRICS_PORT; 0 picks a free port). */
  metricsPort?: number;
  /** Address of that listener (METRICS_HOST); default `host`. */
  metricsHost?: string;
  /** The process's metrics, when the entry file made them first (to count process-level errors). */
  metrics?: Metrics;
  /** Features added after the built-in ones, built from the same core (tests plug one in to see
   * what the server does with a failing hook, an unready feature or a shutdown). */
  features?: (core: FeatureCore) => Feature[];
  /** The documents a configuration may hold; default shared/doc-layout.ts `CONFIG_DOCUMENTS`
   * (tests declare a second one). */
  documents?: readonly DocumentDeclaration[];
  /** `SECRETS_KEY` (shared/node/secrets/sealed.ts): seals webhook and first-boot secrets at rest. main.ts always
   * passes one; without it (tests) a key is made up for this process, so what it sealed does not
   * open after a restart. */
  secretsKey?: string;
  /** `OBJECT_STORE_URL` and its bucket and credentials (shared/node/blobs/object-store.ts): binary
   * files' bytes go there instead of Postgres. Null or absent: Postgres. */
  objectStore?: ObjectStoreSettings | null;
  /** `ADMIN_EMAILS`, normalised (auth/instance-admins.ts): addresses that become instance admins
   * once proven. */
  adminEmails?: string[];
  /** `WEBHOOK_ALLOWED_NETWORKS`: CIDRs webhooks may be sent to although the guard refuses them
   * (server/webhooks/url-guard.ts). */
  webhookAllowedNetworks?: string[];
  /** scrypt cost of new password hashes; default SCRYPT_PARAMS (server/auth/passwords.ts). Only
   * test servers set it (a cheaper cost: each sign-up otherwise spends ~100 ms of CPU), which is
   * why it is an option and not a setting: no environment variable can weaken production's. */
  passwordHashParams?: ScryptParams;
}

/** Sender of invitation mails when MAIL_FROM is not set. */
export const DEFAULT_MAIL_FROM = 'Boardroom <boardroom@localhost>';

export interface RunningServer {
  port: number;
  url: string;
  storage: DocStorage;
  manager: RoomManager;
  /** The rooms as routes see them (each configuration's main document). */
  rooms: DocumentRooms;
  committer: GroupCommitter;
  registry: ConnectionRegistry;
  builds: BuildsContext | null;
  metrics: Metrics;
  /** Port of the separate metrics listener, or null when there is none. */
  metricsPort: number | null;
  /** The Hono app; its route table (`app.routes`) drives the generated permission matrix and fuzz tests. */
  app: Hono<AppEnv>;
  /** The trash expiry sweep (runs on its own timer; tests call `runOnce`). */
  trashSweep: TrashSweep;
  /** The sweep of unreferenced file blobs (runs on its own timer; tests call `runOnce`). */
  blobGc: BlobGcSweep;
  /** The audit retention sweep (runs on its own timer; tests call `runOnce`). */
  auditSweep: AuditSweep;
  close(): Promise<void>;
}
