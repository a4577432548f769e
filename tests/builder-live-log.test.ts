/**
 * Live feedback: a viewer following a build from the start, one joining half-way and one
 * arriving after it finished all see exactly the same log, line for line; live lines reach the
 * first viewer within a second of being printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { createBuildEventHub, type BuildEventHub } from '../shared/node/builds/event-hub.ts';
import type { BuildEvent, BuildLogLine } from '../shared/builds/events.ts';
import { followBuildLog } from '../shared/node/builds/follow-log.ts';
import { publishBuildEvent } from '../shared/node/builds/transition.ts';
import { tenantOfOrg } from '../shared/tenant.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import type { Builder } from '../builder/worker.ts';
import type { Redis } from 'ioredis';
import {
  armbianExecutor,
  buildRequest,
  createBuildsEnv,
  fakeArmbianCheckout,
  insertConfig,
  startTestBuilder,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** What the issue promises: a line reaches every viewer within a second. */
const LIVE_LATENCY_LIMIT_MS = 1_000;
/** Compiler lines the fake build prints, with a pause between them so the build lasts seconds. */
const FAKE_LINES = 300;

let env: BuildsEnv;
let builder: Builder;
let subscriber: Redis;
let hub: BuildEventHub;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_livelog');
  const checkout = await fakeArmbianCheckout(env.tmp);
  builder = startTestBuilder(
    env,
    armbianExecutor(checkout, { FAKE_ARMBIAN_LINES: String(FAKE_LINES), FAKE_ARMBIAN_DELAY: '0.005' }),
  );
  subscriber = env.redis.duplicate();
  hub = createBuildEventHub(subscriber, env.keys, env.logger);
});

afterAll(async () => {
  await builder?.close();
  await hub?.close();
  subscriber?.disconnect();
  await env?.cleanup();
});

interface Viewer {
  lines: BuildLogLine[];
  latencies: number[];
  events: BuildEvent[];
  stop: () => Promise<void>;
}

async function view(buildId: string, readLog?: typeof readBuildLog): Promise<Viewer> {
  const viewer: Viewer = { lines: [], latencies: [], events: [], stop: async () => {} };
  viewer.stop = await followBuildLog({ db: env.db, hub, readLog }, buildId, {
    onLines(lines) {
      const now = Date.now();
      for (const line of lines) {
        viewer.lines.push(line);
        viewer.latencies.push(now - Date.parse(line.ts));
      }
    },
    onEvent: (event) => viewer.events.push(event),
  });
  return viewer;
}

describe('build log', () => {
  it('is the same for live, joining and late viewers, and live within a second', async () => {
    const configId = await insertConfig(env.db, 'live');
    const queued = await enqueueBuild(env.service, buildRequest(configId));
    const live = await view(queued.id);
    await builder.start();

    await eventually(() => expect(live.lines.length).toBeGreaterThan(FAKE_LINES / 3), { timeoutMs: 20_000 });
    const joining = await view(queued.id);
    expect((await getBuild(env.db, queued.id))?.status).toBe('running');

    await eventually(
      async () => expect((await getBuild(env.db, queued.id))?.status).toBe('succeeded'),
      { timeoutMs: 30_000 },
    );
    const late = await view(queued.id);
    const stored = await readBuildLog(env.db, queued.id);
    expect(stored.length).toBeGreaterThan(FAKE_LINES);
    expect(stored.at(-1)!.line).toBe('succeeded');

    for (const viewer of [live, joining, late]) {
      await eventually(() => expect(viewer.lines.length).toBe(stored.length));
      expect(viewer.lines).toEqual(stored);
      await viewer.stop();
    }
    // The joining viewer joined while the build ran and was still following when it ended.
    expect(joining.events.some((e) => e.type === 'status' && e.status === 'succeeded')).toBe(true);

    const worst = Math.max(...live.latencies);
    console.log(`live log latency: max ${worst} ms over ${live.latencies.length} lines`);
    expect(worst).toBeLessThan(LIVE_LATENCY_LIMIT_MS);
    expect(live.events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('tells a viewer the build ended only after every stored line, even when it ends while the viewer catches up', async () => {
    const configId = await insertConfig(env.db, 'ends-while-catching-up');
    const queued = await enqueueBuild(env.service, buildRequest(configId));
    await builder.start();
    await eventually(async () => expect((await getBuild(env.db, queued.id))?.status).toBe('succeeded'), { timeoutMs: 30_000 });
    const stored = await readBuildLog(env.db, queued.id);
    const done = (await getBuild(env.db, queued.id))!;
    // insertConfig makes a personal configuration: its builds' events are on the personal tenant's channel.
    const tenant = tenantOfOrg(null);
    const ended: BuildEvent = { type: 'status', buildId: done.id, configId, status: 'succeeded', error: null, attempts: done.attempts, at: new Date().toISOString() };

    // The final status is published (and reaches this process) while the viewer's first store read
    // is still out: the race a short build and a slow store make.
    const watcher: BuildEvent[] = [];
    const stopWatching = await hub.follow(tenant, queued.id, (event) => watcher.push(event));
    let first = true;
    const slowRead: typeof readBuildLog = async (db, id, options) => {
      if (first) {
        first = false;
        await publishBuildEvent(env.redis, env.keys, tenant, ended);
        await eventually(() => expect(watcher.some((e) => e.type === 'status')).toBe(true));
      }
      return readBuildLog(db, id, options);
    };
    const linesWhenEnded: number[] = [];
    const viewer: Viewer = { lines: [], latencies: [], events: [], stop: async () => {} };
    viewer.stop = await followBuildLog({ db: env.db, hub, readLog: slowRead }, queued.id, {
      onLines: (lines) => viewer.lines.push(...lines),
      onEvent: (event) => {
        if (event.type === 'status') linesWhenEnded.push(viewer.lines.length);
        viewer.events.push(event);
      },
    });
    await eventually(() => expect(linesWhenEnded).toHaveLength(1));
    expect(linesWhenEnded[0]).toBe(stored.length);
    expect(viewer.lines).toEqual(stored);
    await viewer.stop();
    await stopWatching();
  });
});
