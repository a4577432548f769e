/**
 * `GET/PUT /api/layout`: the caller's saved workspace layout. The client stores
 * `LayoutConfig.fromResolved(goldenLayout.saveLayout())`; the server only bounds its size and
 * checks it is a JSON object (its inner shape is golden-layout's business).
 */
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../auth/actor.ts';
import { userLayouts } from '../../shared/node/db/schema.ts';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { LAYOUT_BODY } from './api-spec.ts';

/** A layout with a dozen panels is a few KB; 64 KB means something else is being stored. */
export const MAX_LAYOUT_BYTES = 64 * 1024;

/** Who is asking: the signed-in user's id, or null. */
export type UserIdOf = (c: Context<AppEnv>) => string | null;

export function layoutRoutes(deps: { db: Db; userIdOf: UserIdOf }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const requireUser = (c: Context<AppEnv>) => {
    const id = deps.userIdOf(c);
    if (!id) throw new ApiError(401, 'unauthorized', 'sign in to save a layout');
    return id;
  };

  app.get('/', async (c) => {
    const userId = requireUser(c);
    const [row] = await deps.db.select({ layout: userLayouts.layout }).from(userLayouts).where(eq(userLayouts.userId, userId));
    if (!row) return c.json({ layout: null });
    return c.json({ layout: row.layout });
  });

  // The schema the API description declares (layout/api-spec.ts); the size is checked here.
  const readLayout = validatedBody<{ layout: Record<string, unknown> }>(LAYOUT_BODY);
  app.put('/', async (c) => {
    const userId = requireUser(c);
    const { layout } = await readLayout(c);
    if (JSON.stringify(layout).length > MAX_LAYOUT_BYTES) {
      throw new ApiError(413, 'payload_too_large', `a layout is at most ${MAX_LAYOUT_BYTES} bytes`);
    }
    await deps.db
      .insert(userLayouts)
      .values({ userId, layout })
      .onConflictDoUpdate({ target: userLayouts.userId, set: { layout, updatedAt: new Date() } });
    return c.body(null, 204);
  });
  return app;
}
