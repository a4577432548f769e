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

async function view(buildId: string): Promise<Viewer> {
  const viewer: Viewer = { lines: [], latencies: [], events: [], stop: async () => {} };
  viewer.stop = await followBuildLog({ db: env.db, hub }, buildId, {
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
});
