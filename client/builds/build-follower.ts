/**
 * Follows one build: its details, then its log stream (`EventSource` on `/api/builds/:id/logs`:
 * stored lines first, then live ones, status, progress and artifact events). The server ends the
 * stream when the build ends; we close our side on the final status, or EventSource would
 * reconnect and replay. A dropped stream reconnects by itself with `Last-Event-ID`, so no line
 * is missed or shown twice (lines are also kept in `seq` order here).
 */
import { batch, createSignal, type Accessor } from 'solid-js';
import type { BuildEvent } from '../../shared/builds/events.ts';
import { isTerminal } from '../../shared/builds/status.ts';
import type { BuildApi, BuildDetails, BuildLogLine } from '../app/build-api.ts';

/** Lines kept in the page. A plan build logs dozens; a real Armbian build tens of thousands. Past
 * this the oldest go (the view says how many), so a long build cannot slow the page down. */
export const MAX_LOG_LINES_SHOWN = 20_000;

export interface BuildFollower {
  build: Accessor<BuildDetails | null>;
  lines: Accessor<readonly BuildLogLine[]>;
  /** Earlier lines dropped to stay under MAX_LOG_LINES_SHOWN. */
  trimmed: Accessor<number>;
  /** The log stream is open (the build is still going). */
  streaming: Accessor<boolean>;
  error: Accessor<string | null>;
  close(): void;
}

export function followBuild(api: BuildApi, buildId: string, onFinished?: () => void): BuildFollower {
  const [build, setBuild] = createSignal<BuildDetails | null>(null);
  const [lines, setLines] = createSignal<readonly BuildLogLine[]>([]);
  const [trimmed, setTrimmed] = createSignal(0);
  const [streaming, setStreaming] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let lastSeq = 0;
  let closed = false;
  let source: EventSource | null = null;
  // Lines arrive in bursts; render them once per frame, not once each.
  let pending: BuildLogLine[] = [];
  let frame: number | null = null;

  const flush = (): void => {
    frame = null;
    if (pending.length === 0 || closed) return;
    const all = [...lines(), ...pending];
    pending = [];
    const over = all.length - MAX_LOG_LINES_SHOWN;
    batch(() => {
      if (over > 0) setTrimmed((t) => t + over);
      setLines(over > 0 ? all.slice(over) : all);
    });
  };
  const addLine = (line: BuildLogLine): void => {
    if (line.seq <= lastSeq) return;
    lastSeq = line.seq;
    pending.push(line);
    frame ??= requestAnimationFrame(flush);
  };

  const patch = (change: Partial<BuildDetails>): void => {
    const current = build();
    if (current) setBuild({ ...current, ...change });
  };
  const reload = async (): Promise<void> => {
    try {
      const details = await api.get(buildId);
      if (!closed) setBuild(details);
    } catch (e) {
      if (!closed) setError(e instanceof Error ? e.message : String(e));
    }
  };
  const stop = (): void => {
    source?.close();
    source = null;
    setStreaming(false);
  };

  const parse = (event: MessageEvent): unknown => {
    try {
      return JSON.parse(String(event.data));
    } catch (e) {
      console.warn('unreadable build event', e);
      return null;
    }
  };

  const open = (): void => {
    const es = new EventSource(api.logStreamUrl(buildId));
    source = es;
    setStreaming(true);
    es.addEventListener('log', (event) => {
      const line = parse(event as MessageEvent) as BuildLogLine | null;
      if (line && typeof line.seq === 'number') addLine(line);
    });
    es.addEventListener('progress', (event) => {
      const e = parse(event as MessageEvent) as Extract<BuildEvent, { type: 'progress' }> | null;
      // Progress means a builder has it, even if the "running" status event is still on its way.
      if (e) patch({ stage: e.stage, progress: e.pct, ...(build()?.status === 'queued' ? { status: 'running' as const } : {}) });
    });
    es.addEventListener('artifact', (event) => {
      const e = parse(event as MessageEvent) as Extract<BuildEvent, { type: 'artifact' }> | null;
      const current = build();
      if (e && current && !current.artifacts.some((a) => a.name === e.artifact.name)) patch({ artifacts: [...current.artifacts, e.artifact] });
    });
    es.addEventListener('status', (event) => {
      const e = parse(event as MessageEvent) as Extract<BuildEvent, { type: 'status' }> | null;
      if (!e) return;
      patch({ status: e.status, ...(e.error !== undefined ? { error: e.error } : {}) });
      if (isTerminal(e.status)) {
        stop();
        flush();
        // The final record has the finish time, every artifact and the final error.
        void reload().then(() => onFinished?.());
      }
    });
    es.onerror = () => {
      // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up
      // (the build is gone, or access ended): say so and keep what we have.
      if (es.readyState === EventSource.CLOSED && source === es) {
        stop();
        setError('The live log stopped; reopen the build to load the rest.');
      }
    };
  };

  void reload().then(() => {
    if (!closed && build()) open();
  });

  return {
    build,
    lines,
    trimmed,
    streaming,
    error,
    close() {
      closed = true;
      if (frame !== null) cancelAnimationFrame(frame);
      stop();
    },
  };
}
