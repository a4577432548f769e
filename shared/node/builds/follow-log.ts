/**
 * A viewer's view of a build's log: the stored lines first, then live ones, without a gap or a
 * repeat. The live channel is joined before the store is read; live lines already delivered
 * from the store are dropped by `seq`, and a gap (a missed message) is filled from the store.
 *
 * Every event goes out in the order it arrived, after the lines that came before it: a viewer
 * stops listening at the final status, so a status sent ahead of lines still being read from the
 * store (a short build ending while the viewer catches up) would leave the log empty on screen.
 * For the same reason a final status first sends whatever the store holds beyond the last line.
 */
import { eq } from 'drizzle-orm';
import { buildJobs } from '../db/builds-schema.ts';
import { tenantOfOrg } from '../../tenant.ts';
import type { BuildsDb } from './db.ts';
import type { BuildEventHub } from './event-hub.ts';
import type { BuildEvent, BuildLogLine } from '../../builds/events.ts';
import { isTerminal } from '../../builds/status.ts';
import { BUILD_LOG_PAGE_LINES, readBuildLog } from './read.ts';

export interface FollowBuildLogOptions {
  /** Lines with seq ≤ afterSeq are skipped (a reconnecting viewer passes the last seq it has). */
  afterSeq?: number;
  /** Called with lines in seq order, each exactly once. */
  onLines(lines: BuildLogLine[]): void;
  /** Every other event (status, progress, artifact), in arrival order and after the lines that
   * preceded it; a final status comes after every stored line. */
  onEvent?(event: BuildEvent): void;
  /** A store read failed; lines may be missing until the viewer follows again from its last seq. */
  onError?(err: unknown): void;
}

export async function followBuildLog(
  deps: { db: BuildsDb; hub: BuildEventHub; /** The store read (default `readBuildLog`; the server's runs it under RLS). */ readLog?: typeof readBuildLog },
  buildId: string,
  options: FollowBuildLogOptions,
): Promise<() => Promise<void>> {
  let lastSeq = options.afterSeq ?? 0;
  let catchingUp = true;
  let closed = false;
  /** Events that arrived while the stored lines were read, in arrival order. */
  const pending: BuildEvent[] = [];
  // Serialises catch-up, gap fills and other events so everything is delivered in order.
  let chain: Promise<void> = Promise.resolve();

  const deliver = (lines: BuildLogLine[]): void => {
    const fresh = lines.filter((line) => line.seq > lastSeq).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0 || closed) return;
    lastSeq = fresh[fresh.length - 1]!.seq;
    options.onLines(fresh);
  };

  const fillFromStore = async (): Promise<void> => {
    for (;;) {
      const page = await (deps.readLog ?? readBuildLog)(deps.db, buildId, { afterSeq: lastSeq });
      if (page.length === 0 || closed) return;
      deliver(page);
      if (page.length < BUILD_LOG_PAGE_LINES) return;
    }
  };

  const handle = async (event: BuildEvent): Promise<void> => {
    if (event.type === 'log') {
      const first = event.lines.reduce((min, line) => Math.min(min, line.seq), Number.POSITIVE_INFINITY);
      // Lines are stored before they are published, so anything missing is in the store.
      if (first > lastSeq + 1 && first !== Number.POSITIVE_INFINITY) await fillFromStore();
      deliver(event.lines);
      return;
    }
    // The builder stores every line before it publishes the final status: a line whose message
    // was missed is still sent before the viewer is told the build ended. A failed read is
    // reported, and the end is still told (the viewer can reload the rest; a stream left open
    // for a build that ended would never close).
    if (event.type === 'status' && isTerminal(event.status)) await fillFromStore().catch((err: unknown) => options.onError?.(err));
    if (!closed) options.onEvent?.(event);
  };

  const enqueue = (step: () => Promise<void>): Promise<void> => {
    chain = chain.then(step).catch((err: unknown) => options.onError?.(err));
    return chain;
  };

  // The build's events channel is its tenant's: read from the build's row (the database set it).
  const [build] = await deps.db.select({ orgId: buildJobs.orgId }).from(buildJobs).where(eq(buildJobs.id, buildId));
  const unsubscribe = await deps.hub.follow(tenantOfOrg(build?.orgId), buildId, (event) => {
    if (catchingUp) pending.push(event);
    else void enqueue(() => handle(event));
  });
  try {
    await fillFromStore();
  } catch (err) {
    // The viewer gets an error instead of a log with a hole in it.
    await unsubscribe();
    throw err;
  }
  catchingUp = false;
  await enqueue(async () => {
    for (const event of pending.splice(0)) await handle(event);
  });
  return async () => {
    closed = true;
    await unsubscribe();
  };
}
