/**
 * The build status machine shared by server and builder: the allowed moves, and the guarded
 * UPDATE refusing every other one (checked on a real Postgres row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { BUILD_STATUSES, canTransition, isTerminal, sourcesOf, type BuildStatus } from '../shared/builds/status.ts';
import { transitionBuild } from '../shared/node/builds/transition.ts';
import { buildRequest, createBuildsEnv, insertConfig, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';

describe('build status transitions', () => {
  it('allows exactly the documented moves', () => {
    const allowed = BUILD_STATUSES.flatMap((from) => BUILD_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      ['queued→running', 'queued→cancelled', 'queued→failed', 'running→succeeded', 'running→failed', 'running→cancelled', 'running→queued'].sort(),
    );
    expect(BUILD_STATUSES.filter(isTerminal)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(sourcesOf('running')).toEqual(['queued']);
  });
});

describe('guarded status update', () => {
  let env: BuildsEnv;
  beforeAll(async () => {
    env = await createBuildsEnv(testLogger(), 'builder_status');
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('applies allowed moves and refuses the rest', async () => {
    const configId = await insertConfig(env.db, 'status');
    // No builder runs here: the row stays wherever the test moves it.
    const { id } = await enqueueBuild(env.service, buildRequest(configId));
    const move = (to: BuildStatus) => transitionBuild(env.db, id, to, {});
    expect(await move('succeeded')).toBeNull(); // queued → succeeded skips running
    expect((await move('running'))?.status).toBe('running');
    expect(await move('running')).toBeNull(); // a second claim of the same build
    expect((await move('succeeded'))?.status).toBe('succeeded');
    for (const to of BUILD_STATUSES) expect(await move(to), `succeeded → ${to}`).toBeNull();
  });
});
