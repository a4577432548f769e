/**
 * The build matrices of the open configuration, for the matrix view: the recent ones, the one
 * shown with its cells, the selected cell, and creating, cancelling and retrying. Cell statuses
 * follow the configuration's build status feed (`build/status`, `build/progress`: every build of
 * this configuration, so every cell's); a cell that ends reads the matrix again for its times.
 */
import { batch, createSignal, type Accessor } from 'solid-js';
import { isTerminal } from '../../shared/builds/status.ts';
import { ApiRequestError } from '../app/api.ts';
import type { ConfigSession } from '../session/config-session.ts';
import type { Matrix, MatrixApi, MatrixRequest, MatrixSummary } from './matrix-api.ts';

export interface MatrixProblem {
  message: string;
  details: Array<{ path: string; message: string }>;
}

export interface MatrixCenter {
  list: Accessor<MatrixSummary[]>;
  matrix: Accessor<Matrix | null>;
  selectedCell: Accessor<number | null>;
  selectCell(position: number | null): void;
  problem: Accessor<MatrixProblem | null>;
  /** A passing note ("3 cells were built already: they show those builds"). */
  note: Accessor<string | null>;
  busy: Accessor<boolean>;
  open(matrixId: string): Promise<void>;
  create(request: MatrixRequest): Promise<boolean>;
  cancel(position?: number): Promise<void>;
  retry(position?: number): Promise<void>;
  refresh(): Promise<void>;
  destroy(): void;
}

const problemOf = (error: unknown): MatrixProblem =>
  error instanceof ApiRequestError
    ? { message: error.message, details: error.details.map((d) => ({ path: d.path, message: d.message })) }
    : { message: error instanceof Error ? error.message : String(error), details: [] };

export function createMatrixCenter(api: MatrixApi, session: ConfigSession): MatrixCenter {
  const [list, setList] = createSignal<MatrixSummary[]>([]);
  const [matrix, setMatrix] = createSignal<Matrix | null>(null);
  const [selectedCell, selectCell] = createSignal<number | null>(null);
  const [problem, setProblem] = createSignal<MatrixProblem | null>(null);
  const [note, setNote] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let destroyed = false;

  const open = async (matrixId: string): Promise<void> => {
    try {
      const next = await api.get(matrixId);
      if (destroyed) return;
      batch(() => {
        if (matrix()?.id !== next.id) selectCell(null);
        setMatrix(next);
      });
    } catch (error) {
      if (!destroyed) setProblem(problemOf(error));
    }
  };
  const refresh = async (): Promise<void> => {
    try {
      const summaries = await api.list(session.configId);
      if (destroyed) return;
      setList(summaries);
      const current = matrix()?.id ?? summaries[0]?.id;
      if (current) await open(current);
    } catch (error) {
      if (!destroyed) setProblem(problemOf(error));
    }
  };

  const patchCells = (buildId: string, change: (cell: Matrix['cells'][number]) => Matrix['cells'][number]): boolean => {
    const current = matrix();
    if (!current || !current.cells.some((c) => c.build.id === buildId)) return false;
    setMatrix({ ...current, cells: current.cells.map((c) => (c.build.id === buildId ? change(c) : c)) });
    return true;
  };
  const offStatus = session.on('build/status', (event) => {
    const known = patchCells(event.buildId, (c) => ({ ...c, build: { ...c.build, status: event.status, error: event.error } }));
    if (known && isTerminal(event.status)) void open(matrix()!.id);
  });
  const offProgress = session.on('build/progress', (event) => {
    patchCells(event.buildId, (c) => ({ ...c, build: { ...c.build, stage: event.stage, progress: event.pct, status: c.build.status === 'queued' ? 'running' : c.build.status } }));
  });

  const act = async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      return true;
    } catch (error) {
      const p = problemOf(error);
      setProblem({ ...p, message: `${what}: ${p.message}` });
      return false;
    } finally {
      setBusy(false);
    }
  };

  return {
    list,
    matrix,
    selectedCell,
    selectCell,
    problem,
    note,
    busy,
    open,
    refresh,
    async create(request) {
      setNote(null);
      return act('The matrix was not started', async () => {
        const accepted = await api.create(session.configId, request);
        batch(() => {
          setMatrix(accepted);
          selectCell(null);
          const notes = [];
          if (accepted.deduplicated.length > 0) notes.push(`${accepted.deduplicated.length} of ${accepted.cells.length} cells were built (or are building) already: they show those builds.`);
          if (accepted.skipped > 0) notes.push(`${accepted.skipped} board and branch pairs were left out: those boards do not offer that kernel branch.`);
          setNote(notes.join(' ') || null);
        });
        const summaries = await api.list(session.configId);
        if (!destroyed) setList(summaries);
      });
    },
    async cancel(position) {
      const current = matrix();
      if (!current) return;
      await act('Cancel failed', () => api.cancel(current.id, position));
      await open(current.id);
    },
    async retry(position) {
      const current = matrix();
      if (!current) return;
      await act('Retry failed', () => api.retry(current.id, position));
      await open(current.id);
    },
    destroy() {
      destroyed = true;
      offStatus();
      offProgress();
    },
  };
}
