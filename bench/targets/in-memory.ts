/**
 * The two comparison servers, each one process holding documents in memory. Documents need no
 * creation: a name is a document.
 */
import { spawnNode, waitForListening, type NodeChild } from '../child-process.ts';
import { groupIntoPeople, sourceAddress, type Population } from '../population.ts';
import { combineRuntime, GC_REPORT_WAIT_MS, RUNTIME_REPORT_WAIT_MS, serverNodeFlags, type RuntimeFigures, type Endpoint, type HeapFigures, type ServerProcessInfo, type Target } from './target.ts';
import type { Dialect } from '../wire.ts';

class SingleProcessTarget implements Target {
  private server: NodeChild | null = null;
  private port = 0;
  private personOf: Int32Array = new Int32Array(0);

  constructor(
    readonly name: string,
    readonly dialect: Dialect,
    readonly description: string,
    private readonly entry: string,
    private readonly url: (port: number, doc: string) => string,
    private readonly nodeFlags: string[],
  ) {}

  async start(): Promise<void> {
    // YPERSISTENCE would make the reference server persist to LevelDB; the bench wants it in memory.
    this.server = spawnNode(this.name, [...serverNodeFlags(this.nodeFlags), this.entry], {
      env: { PORT: '0', YPERSISTENCE: undefined },
    });
    this.port = await waitForListening(this.server);
  }

  /** No accounts and no creation: a name is a document. The people grouping only picks source
   * addresses, the same ones Boardroom's clients use. */
  async setUp(population: Population): Promise<string[]> {
    this.personOf = groupIntoPeople(population).personOf;
    return Array.from({ length: population.docs }, (_, i) => `bench-${i}`);
  }

  endpointFor(clientIndex: number, doc: string): Endpoint {
    return { url: this.url(this.port, doc), localAddress: sourceAddress(this.personOf[clientIndex]), server: 0 };
  }

  processes(): ServerProcessInfo[] {
    return this.server ? [{ label: this.name, pid: this.server.pid }] : [];
  }

  async supportPids(): Promise<number[]> {
    return [];
  }

  async collectGarbage(): Promise<HeapFigures | null> {
    const report = await this.server?.collectGarbage(GC_REPORT_WAIT_MS);
    return report ? { heapUsed: report.heapUsed, heapTotal: report.heapTotal, external: report.external } : null;
  }

  async runtimeStats(): Promise<RuntimeFigures | null> {
    return this.server ? combineRuntime([await this.server.runtimeStats(RUNTIME_REPORT_WAIT_MS)]) : null;
  }

  /** In memory: the documents are gone after a restart, as they would be. */
  async restart(): Promise<void> {
    await this.server?.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}

/** Hocuspocus clients connect to the server root and name the document in every message. */
export function hocuspocusTarget(nodeFlags: string[] = []): Target {
  return new SingleProcessTarget(
    'hocuspocus',
    'hocuspocus',
    '@hocuspocus/server 4.7, in memory, no extensions',
    'bench/servers/hocuspocus.mjs',
    (port) => `ws://127.0.0.1:${port}/`,
    nodeFlags,
  );
}

/** The reference server takes the document name from the URL path. */
export function referenceTarget(nodeFlags: string[] = []): Target {
  return new SingleProcessTarget(
    'y-websocket@1.5',
    'y-websocket',
    'y-websocket 1.5.4 bin/utils.js setupWSConnection, in memory',
    'bench/servers/y-websocket-v1.mjs',
    (port, doc) => `ws://127.0.0.1:${port}/sync/${doc}`,
    nodeFlags,
  );
}
