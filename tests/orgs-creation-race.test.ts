/**
 * A configuration created while its organisation is being deleted (issue #20, the creation race):
 * the two serialise on the organisation's row, so either the configuration is made and the
 * deletion is refused (409 org_not_empty), or the deletion wins and the creation is refused (404),
 * and no configuration ever points at a deleted organisation.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authed, signUp } from './helpers/auth.ts';
import { useTestServer } from './helpers/rig.ts';

const { server } = useTestServer();
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Array<Record<string, unknown>>;

/** Rounds of the race: enough for both orders (and the close calls between them) to happen. */
const ROUNDS = 30;

describe('creating a configuration while its organisation is deleted', () => {
  it('never leaves a configuration in a deleted organisation', async () => {
    const ada = await signUp(server.url, 'Ada');
    const call = authed(server.url, ada.token);
    for (let round = 0; round < ROUNDS; round++) {
      const org = (await (await call('/api/orgs', { method: 'POST', body: JSON.stringify({ name: `Race ${round}` }) })).json()) as { id: string };
      // The import goes through the same placement; alternate so both paths race.
      const path = round % 2 === 0 ? '/api/configs' : '/api/configs/import';
      const [created, deleted] = await Promise.all([
        call(path, { method: 'POST', body: JSON.stringify({ name: `cfg ${round}`, orgId: org.id, data: {} }) }),
        call(`/api/orgs/${org.id}`, { method: 'DELETE' }),
      ]);
      // Exactly one of them wins, and each says why the other lost.
      if (created.status === 201) {
        expect(deleted.status).toBe(409);
        expect(((await deleted.json()) as { error: { code: string } }).error.code).toBe('org_not_empty');
      } else {
        expect(created.status).toBe(404);
        expect(deleted.status).toBe(204);
      }
    }
    const stranded = rows(
      await server.database.db.execute(sql`select c.id from configs c join organisations o on o.id = c.org_id where o.deleted_at is not null`),
    );
    expect(stranded).toEqual([]);
  });
});
