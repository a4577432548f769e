/**
 * The builds part of the REST API (server/builds/routes.ts). Dates arrive as ISO strings. The log
 * stream and downloads are plain URLs (EventSource and links cannot send headers), so a guest's
 * share token travels as `?share=` there.
 */
import type { BuildArtifactInfo, BuildLogLine } from '../../shared/builds/events.ts';
import type { FrameworkCheckAnswer } from '../../shared/builds/framework-check-answer.ts';
import type { BuildStatus } from '../../shared/builds/status.ts';
import type { ValidationIssue } from '../../shared/validation/issue.ts';
import { createMatrixApi, type MatrixApi } from '../builds/matrix-api.ts';
import type { ApiCall } from './api.ts';

export type { BuildArtifactInfo, BuildLogLine, BuildStatus, FrameworkCheckAnswer };

export interface BuildSummary {
  id: string;
  configId: string;
  status: BuildStatus;
  stage: string | null;
  /** 0–100. */
  progress: number;
  contentHash: string;
  schemaVersion: string;
  builderVersion: string;
  executor: string | null;
  /** Why it failed (or why an attempt was lost). */
  error: string | null;
  attempts: number;
  cancelRequested: boolean;
  retryOf: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BuildDetails extends BuildSummary {
  artifacts: BuildArtifactInfo[];
}

/** What `POST /api/configs/:id/builds` answers (202). */
export interface BuildAccepted {
  id: string;
  status: BuildStatus;
  /** The same content was built (or is building) already: this is that build. */
  deduplicated: boolean;
  contentHash: string;
  warnings: ValidationIssue[];
}

/** The exact configuration a build ran on. */
export interface BuildSnapshot {
  configJson: Record<string, unknown>;
  contentHash: string;
  schemaVersion: string;
  builderVersion: string;
}

export interface BuildApi {
  list(configId: string): Promise<BuildSummary[]>;
  get(buildId: string): Promise<BuildDetails>;
  request(configId: string, options?: { force?: boolean }): Promise<BuildAccepted>;
  cancel(buildId: string): Promise<unknown>;
  retry(buildId: string): Promise<{ id: string }>;
  snapshot(buildId: string): Promise<BuildSnapshot>;
  /** For an EventSource: stored lines, then live ones, then the stream ends with the build. */
  logStreamUrl(buildId: string): string;
  artifactUrl(buildId: string, name: string): string;
  /** "Check with Armbian": the framework's verdict on the configuration's current state. */
  frameworkCheck(configId: string): Promise<FrameworkCheckAnswer>;
  /** Build matrices: one request, one build per target. */
  matrices: MatrixApi;
}

export function createBuildApi(call: ApiCall, base: string, shareToken?: string): BuildApi {
  const build = (id: string) => `/api/builds/${encodeURIComponent(id)}`;
  const withShare = (url: string) => (shareToken ? `${url}?share=${encodeURIComponent(shareToken)}` : url);
  return {
    list: (configId) => call('GET', `/api/configs/${encodeURIComponent(configId)}/builds`),
    get: (id) => call('GET', build(id)),
    request: (configId, options = {}) =>
      call('POST', `/api/configs/${encodeURIComponent(configId)}/builds`, { json: options.force ? { force: true } : {} }),
    cancel: (id) => call('POST', `${build(id)}/cancel`),
    retry: (id) => call('POST', `${build(id)}/retry`),
    snapshot: (id) => call('GET', `${build(id)}/snapshot`),
    logStreamUrl: (id) => withShare(`${base}${build(id)}/logs`),
    artifactUrl: (id, name) => withShare(`${base}${build(id)}/artifacts/${encodeURIComponent(name)}`),
    frameworkCheck: (configId) => call('POST', `/api/configs/${encodeURIComponent(configId)}/framework-check`),
    matrices: createMatrixApi(call),
  };
}
