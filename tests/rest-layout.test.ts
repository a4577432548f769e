/**
 * The saved workspace layout: stored per user, bounded, and validated.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LAYOUT_BYTES } from '../server/layout/routes.ts';
import { useTestServer } from './helpers/rig.ts';

describe('REST /api/layout', () => {
  const { server } = useTestServer();
  const put = (body: unknown) => server.api('/api/layout', { method: 'PUT', body: JSON.stringify(body) });

  it('returns null before anything is saved, then the saved layout', async () => {
    expect(await (await server.api('/api/layout')).json()).toEqual({ layout: null });
    const layout = { root: { type: 'row', content: [{ type: 'component', componentType: 'form' }] } };
    expect((await put({ layout })).status).toBe(204);
    expect(await (await server.api('/api/layout')).json()).toEqual({ layout });
  });

  it('refuses a layout that is not an object, or too large', async () => {
    expect((await put({ layout: 'row' })).status).toBe(422);
    expect((await put({ layout: { blob: 'x'.repeat(MAX_LAYOUT_BYTES) } })).status).toBe(413);
  });
});
