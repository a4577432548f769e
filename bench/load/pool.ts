/**
 * The bench's side of the load generators: spawns them, splits a scenario's clients between them
 * (whole rooms per generator, so send and receive times share a clock), and steps them through
 * the phases together.
 */
import { spawnNode, type NodeChild } from '../child-process.ts';
import { docOf } from '../population.ts';
import type { Endpoint } from '../targets/target.ts';
import type { Dialect } from '../wire.ts';
import type { ClientPlan, FromGenerator, GeneratorPlan, GeneratorReport, ToGenerator } from './messages.ts';

/** A generator answers a phase command at once; only connect (bounded by its own timeout) and
 * pre-generating scripts take time. This is the slack on top. */
const ANSWER_SLACK_MS = 30_000;

class GeneratorHandle {
  private waiting: Array<{ type: FromGenerator['type']; resolve: (m: FromGenerator) => void }> = [];
  private failure: Error | null = null;

  constructor(
    readonly proc: NodeChild,
    readonly writers: number,
    onProgress: (m: Extract<FromGenerator, { type: 'progress' }>) => void,
  ) {
    proc.child.on('message', (raw) => {
      const m = raw as FromGenerator;
      if (m.type === 'progress') return onProgress(m);
      if (m.type === 'error') this.fail(new Error(`${proc.label}: ${m.message}`));
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i !== -1) this.waiting.splice(i, 1)[0].resolve(m);
    });
    void proc.exited.then((code) => this.fail(new Error(`${proc.label} exited with ${code}: ${proc.tail()}`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
  }

  send(message: ToGenerator): void {
    if (this.proc.child.connected) this.proc.child.send(message);
  }

  /** Waits for a message of `type`, failing early if the generator dies or reports an error. */
  waitFor<T extends FromGenerator['type']>(type: T, timeoutMs: number): Promise<Extract<FromGenerator, { type: T }>> {
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => {
        if (this.failure) done(this.failure);
      }, 100);
      const timer = setTimeout(() => done(new Error(`${this.proc.label}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const entry = { type, resolve: (m: FromGenerator) => done(null, m) };
      const done = (error: Error | null, m?: FromGenerator) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiting = this.waiting.filter((w) => w !== entry);
        if (error) reject(error);
        else resolve(m as Extract<FromGenerator, { type: T }>);
      };
      this.waiting.push(entry);
    });
  }
}

export interface PoolLayout {
  dialect: Dialect;
  docs: string[];
  clients: number;
  writersPerDoc: number;
  /** Update capacity of each writer's script. */
  updatesPerWriter: number;
  endpointFor(clientIndex: number, doc: string): Endpoint;
  connectConcurrency: number;
  connectTimeoutMs: number;
}

export class GeneratorPool {
  private constructor(
    private readonly handles: GeneratorHandle[],
    private readonly connectTimeoutMs: number,
  ) {}

  /** Client i joins docOf(i); doc j lives in generator j % generators. */
  static async start(count: number, layout: PoolLayout, onProgress: (synced: number) => void): Promise<GeneratorPool> {
    const perGen: ClientPlan[][] = Array.from({ length: count }, () => []);
    const seenInDoc = new Map<number, number>();
    for (let i = 0; i < layout.clients; i++) {
      const d = docOf(i, layout.docs.length);
      const k = seenInDoc.get(d) ?? 0;
      seenInDoc.set(d, k + 1);
      const doc = layout.docs[d];
      const { url, localAddress, server } = layout.endpointFor(i, doc);
      perGen[d % count].push({ index: i, url, localAddress, doc, writer: k < layout.writersPerDoc, server });
    }
    const progress = new Map<number, number>();
    const handles = perGen
      .filter((clients) => clients.length > 0)
      .map((clients, g) => {
        const proc = spawnNode(`generator ${g}`, ['--import', 'tsx', 'bench/load/generator.ts'], { ipc: true });
        const handle = new GeneratorHandle(proc, clients.filter((c) => c.writer).length, (m) => {
          progress.set(g, m.synced);
          onProgress([...progress.values()].reduce((a, b) => a + b, 0));
        });
        const plan: GeneratorPlan = {
          dialect: layout.dialect,
          clients,
          connectConcurrency: layout.connectConcurrency,
          connectTimeoutMs: layout.connectTimeoutMs,
          updatesPerWriter: layout.updatesPerWriter,
        };
        handle.send({ type: 'plan', plan });
        return handle;
      });
    const pool = new GeneratorPool(handles, layout.connectTimeoutMs);
    try {
      await Promise.all(handles.map((h) => h.waitFor('ready', ANSWER_SLACK_MS)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get pids(): number[] {
    return this.handles.map((h) => h.proc.pid);
  }

  async connect(): Promise<{ synced: number; failed: number; ms: number; errors: string[] }> {
    for (const h of this.handles) h.send({ type: 'connect' });
    const answers = await Promise.all(
      this.handles.map((h) => h.waitFor('connected', this.connectTimeoutMs + ANSWER_SLACK_MS)),
    );
    return {
      synced: answers.reduce((n, a) => n + a.synced, 0),
      failed: answers.reduce((n, a) => n + a.failed, 0),
      ms: Math.max(...answers.map((a) => a.ms)),
      errors: answers.flatMap((a) => a.errors),
    };
  }

  /** Splits `rate` between generators in proportion to their writers. */
  write(rate: number): void {
    const writers = this.handles.reduce((n, h) => n + h.writers, 0);
    for (const h of this.handles) h.send({ type: 'write', rate: writers > 0 ? (rate * h.writers) / writers : 0 });
  }

  measureStart(): void {
    for (const h of this.handles) h.send({ type: 'measure-start' });
  }

  measureEnd(): void {
    for (const h of this.handles) h.send({ type: 'measure-end' });
  }

  async reports(): Promise<GeneratorReport[]> {
    for (const h of this.handles) h.send({ type: 'report' });
    const answers = await Promise.all(this.handles.map((h) => h.waitFor('report', ANSWER_SLACK_MS)));
    return answers.map((a) => a.report);
  }

  async close(): Promise<void> {
    for (const h of this.handles) h.send({ type: 'close' });
    await Promise.all(
      this.handles.map(async (h) => {
        await h.waitFor('closed', ANSWER_SLACK_MS).catch(() => {});
        await h.proc.stop();
      }),
    );
  }
}
