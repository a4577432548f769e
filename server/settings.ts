/**
 * Operator-tunable limits and timeouts of a server process, with today's values as defaults.
 * `server/main.ts` reads them from the environment through `readServerLimits(process.env)` and
 * passes the object down; nothing else reads the environment. Tests pass overrides to
 * `startServer({ limits })`. Each entry names its variable, so `.env.example` and
 * `docs/operations.md` can be checked against this table (tests/settings-documented.test.ts).
 */
import { Limits, Timeouts } from '../shared/protocol.ts';

// `OBJECT_STORE_URL`, `OBJECT_STORE_BUCKET`, `OBJECT_STORE_REGION` and the credentials: read by
// main.ts and builder/settings.ts through this (shared with builders, which read blobs too).
export { readObjectStoreSettings, type ObjectStoreSettings } from '../shared/node/blobs/object-store.ts';

export const ServerLimitDefaults = {
  // --- sync (shared/protocol.ts explains each value) ---
  maxMessageBytes: Limits.maxMessageBytes,
  maxDocumentBytes: Limits.maxDocumentBytes,
  maxConnectionsPerRoom: Limits.maxConnectionsPerRoom,
  maxUnsavedUpdatesPerRoom: Limits.maxUnsavedUpdatesPerRoom,
  maxRequestBodyBytes: Limits.maxRequestBodyBytes,
  maxBufferedBytesPerConnection: Limits.maxBufferedBytesPerConnection,
  roomIdleUnloadMs: Timeouts.roomIdleUnloadMs,
  // --- per person / address / share link (server/abuse-limits.ts) ---
  /** A person with a dozen tabs and a script or two; past this it is a runaway client. */
  connectionsPerUser: 50,
  /** An office or campus behind one NAT address. */
  connectionsPerAddress: 200,
  /** Everyone who came through one share link, on one process: a link pasted into a big chat
   * room still works, a leaked link cannot take every socket of the process. */
  connectionsPerLink: 200,
  /** Sync messages per second per person, sustained; typing and cursor moves stay far below. */
  messagesPerSecond: 200,
  /** Burst on top: a reconnect replays queued edits and awareness at once. */
  messageBurst: 400,
  /** Sync messages per second through one share link, all its guests together (five people). */
  linkMessagesPerSecond: 1_000,
  linkMessageBurst: 2_000,
  /** REST requests per minute per person. */
  requestsPerMinute: 600,
  /** REST requests per minute per client address (five people behind one NAT). */
  requestsPerMinutePerAddress: 3_000,
  // --- sign-in and sign-up (server/auth/login-throttle.ts, server/auth/passwords.ts) ---
  /** Wrong passwords for one (email, address) before delays start: typos are free. */
  loginFreeFailures: 5,
  /** First delay after the free failures; it doubles with every further failure. */
  loginDelayBaseMs: 1_000,
  /** Delays stop growing here: a person who mistyped a lot waits at most this long. */
  loginDelayMaxMs: 15 * 60 * 1000,
  /** Failed sign-ins from one address (any email) per window: a password sprayer's ceiling. */
  loginFailuresPerAddress: 50,
  loginWindowMs: 15 * 60 * 1000,
  /** Accounts created from one address per window: a classroom signs up, a script does not. */
  signupsPerAddress: 20,
  signupWindowMs: 60 * 60 * 1000,
  /** scrypt runs at once (32 MiB and ~100 ms each): past this, hashes wait, sign-ins first. */
  passwordHashConcurrency: 2,
  // --- trash (server/trash/) ---
  /** Days a deleted configuration stays restorable before the sweep deletes it for good: a
   * month covers a holiday and a "who deleted that?" noticed at the next release. */
  trashRetentionDays: 30,
  // --- audit log (server/audit/) ---
  /** Days the audit entries of personal configurations (no organisation) are kept; an
   * organisation's are kept its own `audit_retention_days` (default 365 too): a year covers an
   * annual access review. */
  auditRetentionDays: 365,
  /** How often the audit retention sweep runs: retention is counted in days, an hour late is no
   * one's loss, and each pass is a few indexed deletes. */
  auditSweepIntervalMs: 60 * 60 * 1000,
  // --- process (server/main.ts, server/db/connect.ts, server/invitations/mailer.ts) ---
  /** SIGTERM to exit: orchestrators wait about 30 s before SIGKILL; we aim well inside that. Past
   * this, whatever is still unsaved stays with the clients, which re-send it to another process.
   * Keep the orchestrator's grace period above it (compose stop_grace_period, Kubernetes
   * terminationGracePeriodSeconds minus preStop). */
  shutdownDeadlineMs: 15_000,
  /** Postgres connections of one process's pool (REST, loads, compaction, history; commits have
   * one of their own): servers × this + builders × their pool must fit max_connections. */
  databasePoolSize: 10,
  /** A mail server that has not connected, greeted or answered within this is given up on; the
   * invitation still stands and its link is shown to the owner. */
  smtpTimeoutMs: 10_000,
  // --- builds (server/builds/matrix-routes.ts) ---
  /** Cells one build matrix may have: a vendor's boards × two branches × two releases × three
   * image types fits; the framework's "every board" template (~1,500) would hold the builders for
   * days and is refused with this limit named. */
  maxMatrixCells: 64,
  // --- userpatches files (server/files/) ---
  /** One binary file of a configuration's tree (boot logo, firmware blob): 1 MiB, whose base64
   * upload (`POST …/files/upload`, 4/3 of it) fits the 2 MiB REST body. Raise both together. */
  fileMaxBytes: 1024 * 1024,
  // --- personal access tokens (server/tokens/) ---
  /** Longest a token may live: a year covers a CI job's yearly rotation; "forever" tokens are how
   * a leaked secret keeps working unnoticed. */
  tokenMaxLifetimeDays: 365,
  /** A token's "last used" is written at most this often: a CI job polling a build every few
   * seconds must not write a row per request, and a minute is as precise as the list shows. */
  tokenLastUsedIntervalMs: 60_000,
  /** Unrevoked, unexpired tokens per person: one per script and machine, not one per run. */
  tokensPerUser: 50,
  // --- webhooks (server/webhooks/) ---
  /** Attempts per delivery, the first included: with the base delay below, the last is about
   * 2.5 minutes after the first (a receiver's deploy or restart), then it is "failed" and can be
   * redelivered by hand. */
  webhookAttempts: 5,
  /** Delay before the first retry; each further one doubles it (BullMQ exponential backoff). */
  webhookRetryBaseMs: 10_000,
  /** One attempt, connecting included; a receiver should answer at once and work afterwards. */
  webhookTimeoutMs: 10_000,
  // --- sign-in, readiness, admission (server/auth/, server/health/, server/ws-transport.ts) ---
  /** How long a session lasts after sign-in (the cookie lives as long): two weeks of a person
   * coming back to their work without signing in again. */
  sessionTtlMs: 14 * 24 * 3600 * 1000,
  /** One readiness check of `/health/ready` (Postgres, Redis, a feature): a dependency slower than
   * this counts as down, so a load balancer stops sending work to this process. */
  readyCheckTimeoutMs: 2_000,
  /** Deciding whether a WebSocket may connect (its access, loading its room): past this the
   * client is closed with a retryable code rather than left waiting on a stuck dependency. */
  admissionTimeoutMs: 5_000,
  /** One request to GitHub during sign-in (token exchange, profile, e-mails). */
  githubTimeoutMs: 10_000,
} as const;

export type ServerLimits = { -readonly [K in keyof typeof ServerLimitDefaults]: number };

/** The environment variable behind each limit. */
export const LIMIT_ENV: Record<keyof ServerLimits, string> = {
  maxMessageBytes: 'WS_MAX_MESSAGE_BYTES',
  maxDocumentBytes: 'MAX_DOCUMENT_BYTES',
  maxConnectionsPerRoom: 'MAX_CONNECTIONS_PER_ROOM',
  maxUnsavedUpdatesPerRoom: 'MAX_UNSAVED_UPDATES_PER_ROOM',
  maxRequestBodyBytes: 'MAX_REQUEST_BODY_BYTES',
  maxBufferedBytesPerConnection: 'MAX_BUFFERED_BYTES_PER_CONNECTION',
  roomIdleUnloadMs: 'ROOM_IDLE_UNLOAD_MS',
  connectionsPerUser: 'CONNECTIONS_PER_USER',
  connectionsPerAddress: 'CONNECTIONS_PER_ADDRESS',
  connectionsPerLink: 'CONNECTIONS_PER_LINK',
  messagesPerSecond: 'MESSAGES_PER_SECOND',
  messageBurst: 'MESSAGE_BURST',
  linkMessagesPerSecond: 'LINK_MESSAGES_PER_SECOND',
  linkMessageBurst: 'LINK_MESSAGE_BURST',
  requestsPerMinute: 'REQUESTS_PER_MINUTE',
  requestsPerMinutePerAddress: 'REQUESTS_PER_MINUTE_PER_ADDRESS',
  loginFreeFailures: 'LOGIN_FREE_FAILURES',
  loginDelayBaseMs: 'LOGIN_DELAY_BASE_MS',
  loginDelayMaxMs: 'LOGIN_DELAY_MAX_MS',
  loginFailuresPerAddress: 'LOGIN_FAILURES_PER_ADDRESS',
  loginWindowMs: 'LOGIN_WINDOW_MS',
  signupsPerAddress: 'SIGNUPS_PER_ADDRESS',
  trashRetentionDays: 'TRASH_RETENTION_DAYS',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  auditSweepIntervalMs: 'AUDIT_SWEEP_INTERVAL_MS',
  signupWindowMs: 'SIGNUP_WINDOW_MS',
  passwordHashConcurrency: 'PASSWORD_HASH_CONCURRENCY',
  shutdownDeadlineMs: 'SHUTDOWN_DEADLINE_MS',
  databasePoolSize: 'DATABASE_POOL_SIZE',
  smtpTimeoutMs: 'SMTP_TIMEOUT_MS',
  maxMatrixCells: 'BUILD_MATRIX_MAX_CELLS',
  fileMaxBytes: 'FILE_MAX_BYTES',
  tokenMaxLifetimeDays: 'TOKEN_MAX_LIFETIME_DAYS',
  tokenLastUsedIntervalMs: 'TOKEN_LAST_USED_INTERVAL_MS',
  tokensPerUser: 'TOKENS_PER_USER',
  webhookAttempts: 'WEBHOOK_ATTEMPTS',
  webhookRetryBaseMs: 'WEBHOOK_RETRY_BASE_MS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  sessionTtlMs: 'SESSION_TTL_MS',
  readyCheckTimeoutMs: 'READY_CHECK_TIMEOUT_MS',
  admissionTimeoutMs: 'ADMISSION_TIMEOUT_MS',
  githubTimeoutMs: 'GITHUB_TIMEOUT_MS',
};

/** JSON around a file upload's base64 (path, flags): generous, paths are at most 255 characters. */
const UPLOAD_ENVELOPE_BYTES = 4096;

/** The REST body an upload of a `fileMaxBytes` file needs (base64 plus its JSON envelope). */
export function uploadBodyBytes(fileMaxBytes: number): number {
  return Math.ceil(fileMaxBytes / 3) * 4 + UPLOAD_ENVELOPE_BYTES;
}

export class SettingsError extends Error {
  readonly code = 'invalid_setting';
}

export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  return { ...ServerLimitDefaults, ...overrides };
}

/** Every limit from `env` (unset or empty: the default); a value that is not a positive integer
 * stops the start-up with the variable's name rather than running with a silent default. */
export function readServerLimits(env: Record<string, string | undefined>): ServerLimits {
  const limits = resolveLimits();
  for (const key of Object.keys(LIMIT_ENV) as (keyof ServerLimits)[]) {
    const raw = env[LIMIT_ENV[key]]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new SettingsError(`${LIMIT_ENV[key]} must be a positive integer, got "${raw}"`);
    limits[key] = value;
  }
  return limits;
}

/** Refuses limits that contradict each other (main.ts, at start-up): a file limit whose upload
 * the body limit refuses would answer every upload near it with the body limit's generic 413. */
export function checkLimitsAgree(limits: ServerLimits): ServerLimits {
  if (uploadBodyBytes(limits.fileMaxBytes) > limits.maxRequestBodyBytes) {
    throw new SettingsError(`FILE_MAX_BYTES ${limits.fileMaxBytes} needs MAX_REQUEST_BODY_BYTES of at least ${uploadBodyBytes(limits.fileMaxBytes)} (uploads are base64)`);
  }
  return limits;
}

/** A yes/no setting (`SERVE_SOURCE_MAPS`): `true` or `false`, unset or empty: `fallback`; anything
 * else stops the start-up rather than guessing. */
export function readBoolean(env: Record<string, string | undefined>, name: string, fallback = false): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new SettingsError(`${name} must be true or false, got "${env[name]}"`);
}

/** A comma-separated list setting (`TRUST_PROXY`, `ALLOWED_ORIGINS`); empty entries dropped. */
export function readList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
