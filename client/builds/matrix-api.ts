/**
 * The build-matrix part of the REST API (server/builds/matrix-routes.ts). A cell's logs and
 * artifacts are its build's: the build API serves them.
 */
import type { MatrixPick } from '../../shared/builds/matrix-targets.ts';
import type { BuildStatus } from '../../shared/builds/status.ts';
import type { TargetVars } from '../../shared/builds/targets-compositor.ts';
import type { ApiCall } from '../app/api.ts';

export interface MatrixCell {
  position: number;
  target: TargetVars;
  build: { id: string; status: BuildStatus; stage: string | null; progress: number; error: string | null; contentHash: string; createdAt: string; finishedAt: string | null };
}

export interface Matrix {
  id: string;
  configId: string;
  sourceContentHash: string;
  origin: 'pick' | 'targets' | 'targets.yaml';
  createdAt: string;
  cells: MatrixCell[];
  counts: Partial<Record<BuildStatus, number>>;
}

/** What creating one answers (202): the matrix, which cells found an existing build, and how many
 * board/branch pairs of a pick were left out (the board does not offer the branch). */
export interface MatrixAccepted extends Matrix {
  deduplicated: number[];
  skipped: number;
}

export interface MatrixSummary {
  id: string;
  origin: Matrix['origin'];
  createdAt: string;
  cells: number;
}

export type MatrixRequest = { pick: MatrixPick } | { targetsYaml: string } | { targets: TargetVars[] };

export interface MatrixApi {
  list(configId: string): Promise<MatrixSummary[]>;
  get(matrixId: string): Promise<Matrix>;
  create(configId: string, request: MatrixRequest): Promise<MatrixAccepted>;
  /** `position` one cell, or every cell. */
  cancel(matrixId: string, position?: number): Promise<unknown>;
  retry(matrixId: string, position?: number): Promise<unknown>;
}

export function createMatrixApi(call: ApiCall): MatrixApi {
  const matrix = (id: string) => `/api/matrices/${encodeURIComponent(id)}`;
  const cell = (id: string, position?: number) => (position === undefined ? matrix(id) : `${matrix(id)}/cells/${position}`);
  return {
    list: (configId) => call('GET', `/api/configs/${encodeURIComponent(configId)}/matrices`),
    get: (id) => call('GET', matrix(id)),
    create: (configId, request) => call('POST', `/api/configs/${encodeURIComponent(configId)}/matrices`, { json: request }),
    cancel: (id, position) => call('POST', `${cell(id, position)}/cancel`),
    retry: (id, position) => call('POST', `${cell(id, position)}/retry`),
  };
}
