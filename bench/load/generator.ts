/**
 * Load generator child process (`node --import tsx bench/load/generator.ts`, spawned by
 * bench/sync.ts with an IPC channel). It holds light clients, sends pre-generated updates at the
 * asked rate and records, per receipt, receive time minus send time on its own clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MAX_MARKER_ID, scanMarkers, updateFrame } from '../wire.ts';
import { LightClient } from './light-client.ts';
import type { FromGenerator, GeneratorPlan, GeneratorReport, ToGenerator } from './messages.ts';
import { makeWriterScript } from './updates.ts';

/** Send loop period. 5 ms keeps sends near their due time without a busy loop. */
const TICK_MS = 5;
/** At most this many sends per tick, so a stalled loop does not answer with a burst. */
const MAX_SENDS_PER_TICK = 200;
/** Progress messages during long connect phases. */
const PROGRESS_EVERY_MS = 2_000;
/** Most connect errors quoted back to the parent. */
const MAX_ERRORS_REPORTED = 5;

interface Writer {
  client: LightClient;
  init: Buffer;
  frames: Buffer[];
  firstId: number;
  next: number;
}

/** A growing array of latencies (ms). */
class Samples {
  private data = new Float64Array(1024);
  private count = 0;

  push(x: number): void {
    if (this.count === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = x;
  }

  values(): Float64Array {
    return this.data.slice(0, this.count);
  }
}

function send(message: FromGenerator, then?: () => void): void {
  process.send!(message, undefined, {}, () => then?.());
}

class Generator {
  private clients: LightClient[] = [];
  private writers: Writer[] = [];
  /** Per update id: author client slot, send time, whether it is in the measured window. */
  private authorOf = new Int32Array(0);
  private sentAt = new Float64Array(0);
  private measured = new Uint8Array(0);
  /** One bit per (update id, receiver's place in its room): seen already (for duplicates). */
  private seen = new Uint8Array(0);
  /** Per client slot: its place among its room's clients, and the server process it is on. */
  private placeInRoom: Int32Array;
  private serverOf: Int32Array;
  private maxRoom = 0;
  private roomSize = new Map<string, number>();
  private latencies = new Samples();
  private crossLatencies = new Samples();
  private received = 0;
  private duplicates = 0;
  private echoes = 0;
  private sentInWindow = 0;
  private expected = 0;
  private unexpectedCloses = 0;
  private measuring = false;
  private sendTimer: NodeJS.Timeout | null = null;
  private loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private cpuAtStart: NodeJS.CpuUsage | null = null;
  private windowStart = 0;
  private cpuPercent = 0;
  private slotOf = new Map<LightClient, number>();

  constructor(private readonly plan: GeneratorPlan) {
    const hooks = {
      onUpdateFrame: (client: LightClient, frame: Buffer, body: number) => this.onUpdateFrame(client, frame, body),
      onUnexpectedClose: () => {
        this.unexpectedCloses += 1;
      },
    };
    const capacity = plan.updatesPerWriter;
    const writerPlans = plan.clients.filter((c) => c.writer);
    if (writerPlans.length * capacity > MAX_MARKER_ID) throw new Error('too many updates for marker ids');
    this.authorOf = new Int32Array(writerPlans.length * capacity).fill(-1);
    this.sentAt = new Float64Array(writerPlans.length * capacity);
    this.measured = new Uint8Array(writerPlans.length * capacity);
    this.placeInRoom = new Int32Array(plan.clients.length);
    this.serverOf = new Int32Array(plan.clients.length);
    for (const c of plan.clients) {
      const client = new LightClient(c.index, c.url, c.localAddress, c.doc, plan.dialect, hooks);
      const place = this.roomSize.get(c.doc) ?? 0;
      this.placeInRoom[this.clients.length] = place;
      this.serverOf[this.clients.length] = c.server;
      this.slotOf.set(client, this.clients.length);
      this.clients.push(client);
      this.roomSize.set(c.doc, place + 1);
      if (c.writer) {
        const firstId = this.writers.length * capacity;
        const script = makeWriterScript(firstId, capacity);
        this.writers.push({
          client,
          init: updateFrame(plan.dialect, c.doc, script.init),
          frames: script.updates.map((u) => updateFrame(plan.dialect, c.doc, u)),
          firstId,
          next: 0,
        });
      }
    }
    this.maxRoom = Math.max(0, ...this.roomSize.values());
    this.seen = new Uint8Array(Math.ceil((writerPlans.length * capacity * this.maxRoom) / 8));
  }

  async connect(): Promise<void> {
    const started = performance.now();
    const { connectConcurrency, connectTimeoutMs } = this.plan;
    const deadline = started + connectTimeoutMs;
    let next = 0;
    let synced = 0;
    let failed = 0;
    const errors: string[] = [];
    const progress = setInterval(() => send({ type: 'progress', synced, failed }), PROGRESS_EVERY_MS);
    const lane = async () => {
      while (next < this.clients.length) {
        const client = this.clients[next++];
        const left = deadline - performance.now();
        if (left <= 0) {
          failed += 1;
          continue;
        }
        try {
          await client.connect(left);
          synced += 1;
        } catch (error) {
          failed += 1;
          if (errors.length < MAX_ERRORS_REPORTED) errors.push(`client ${client.index}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(connectConcurrency, this.clients.length) }, lane));
    clearInterval(progress);
    send({ type: 'connected', synced, failed, ms: performance.now() - started, errors });
  }

  startWriting(rate: number): void {
    for (const w of this.writers) w.client.send(w.init);
    if (this.writers.length === 0 || rate <= 0) return;
    const began = performance.now();
    let sent = 0;
    let cursor = 0;
    this.sendTimer = setInterval(() => {
      const due = Math.floor(((performance.now() - began) * rate) / 1000) - sent;
      const n = Math.min(due, MAX_SENDS_PER_TICK);
      for (let k = 0; k < n; k++) {
        // Round robin over writers; clients are laid out room by room in turn, so consecutive
        // sends go to different rooms.
        const w = this.writers[cursor];
        cursor = (cursor + 1) % this.writers.length;
        if (w.next >= w.frames.length) continue; // script exhausted: bounded, never reused
        const id = w.firstId + w.next;
        const frame = w.frames[w.next++];
        this.authorOf[id] = this.slotOf.get(w.client)!;
        this.measured[id] = this.measuring ? 1 : 0;
        if (this.measuring) {
          this.sentInWindow += 1;
          this.expected += this.roomSize.get(w.client.doc)! - 1;
        }
        this.sentAt[id] = performance.now();
        w.client.send(frame);
      }
      sent += due;
    }, TICK_MS);
  }

  measureStart(): void {
    this.measuring = true;
    this.loopDelay.reset();
    this.loopDelay.enable();
    this.cpuAtStart = process.cpuUsage();
    this.windowStart = performance.now();
  }

  measureEnd(): void {
    this.measuring = false;
    if (this.sendTimer) clearInterval(this.sendTimer);
    this.sendTimer = null;
    this.loopDelay.disable();
    if (this.cpuAtStart) {
      const used = process.cpuUsage(this.cpuAtStart);
      const wallMs = performance.now() - this.windowStart;
      this.cpuPercent = wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0;
    }
  }

  private onUpdateFrame(client: LightClient, frame: Buffer, body: number): void {
    const now = performance.now();
    const slot = this.slotOf.get(client)!;
    scanMarkers(frame, body, (id) => {
      if (id >= this.authorOf.length) return;
      const author = this.authorOf[id];
      if (author === -1 || this.measured[id] === 0) return;
      // Hocuspocus and the reference server echo an update to its author; that is not fan-out.
      if (author === slot) {
        this.echoes += 1;
        return;
      }
      const bit = id * this.maxRoom + this.placeInRoom[slot];
      const mask = 1 << (bit & 7);
      if (this.seen[bit >>> 3] & mask) {
        this.duplicates += 1;
        return;
      }
      this.seen[bit >>> 3] |= mask;
      this.received += 1;
      const latency = now - this.sentAt[id];
      this.latencies.push(latency);
      if (this.serverOf[author] !== this.serverOf[slot]) this.crossLatencies.push(latency);
    });
  }

  report(): GeneratorReport {
    return {
      latencies: this.latencies.values(),
      crossLatencies: this.crossLatencies.values(),
      sent: this.sentInWindow,
      expected: this.expected,
      received: this.received,
      duplicates: this.duplicates,
      echoes: this.echoes,
      unexpectedCloses: this.unexpectedCloses,
      cpuPercent: this.cpuPercent,
      loopDelayP99Ms: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : 0,
      rssBytes: process.memoryUsage.rss(),
    };
  }

  close(): void {
    if (this.sendTimer) clearInterval(this.sendTimer);
    for (const c of this.clients) c.terminate();
  }
}

let generator: Generator | null = null;

process.on('message', (raw) => {
  const message = raw as ToGenerator;
  try {
    switch (message.type) {
      case 'plan':
        generator = new Generator(message.plan);
        send({ type: 'ready' });
        break;
      case 'connect':
        generator!.connect().catch((error: Error) => send({ type: 'error', message: error.message }));
        break;
      case 'write':
        generator!.startWriting(message.rate);
        break;
      case 'measure-start':
        generator!.measureStart();
        break;
      case 'measure-end':
        generator!.measureEnd();
        break;
      case 'report':
        send({ type: 'report', report: generator!.report() });
        break;
      case 'close':
        generator?.close();
        send({ type: 'closed' }, () => process.disconnect());
        break;
    }
  } catch (error) {
    send({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
});
// The parent going away ends the generator too: no orphaned sockets.
process.on('disconnect', () => {
  generator?.close();
  process.exit(0);
});
