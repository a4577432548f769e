/**
 * REST basics of /api/configs and health, against a real server and Postgres.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Limits } from '../shared/protocol.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

describe('REST /api/configs', () => {
  const { server } = useTestServer();

  const api = (path: string, init: RequestInit = {}) => server.api(path, init);

  it('creates, lists, gets, renames and deletes', async () => {
    const created = await api('/api/configs', { method: 'POST', body: JSON.stringify({ name: 'Rock 5B server' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const list = (await (await api('/api/configs')).json()) as Array<{ id: string; name: string }>;
    expect(list.find((c) => c.id === id)?.name).toBe('Rock 5B server');

    const got = (await (await api(`/api/configs/${id}`)).json()) as Record<string, unknown>;
    expect(got).toMatchObject({ id, name: 'Rock 5B server' });
    expect(typeof got.data).toBe('object');
    expect(typeof got.updatedAt).toBe('string');

    const renamed = await api(`/api/configs/${id}`, { method: 'PATCH', body: JSON.stringify({ name: 'Renamed' }) });
    expect(renamed.status).toBe(200);
    expect(((await (await api(`/api/configs/${id}`)).json()) as { name: string }).name).toBe('Renamed');

    expect((await api(`/api/configs/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/configs/${id}`)).status).toBe(404);
  });

  it('GET returns the live document, including edits made over sync', async () => {
    const id = await createConfig(server, { name: 'live', data: { BOARD: 'rock-5b' } });
    const client = connectClient(server, id);
    try {
      await synced(client);
      client.doc.getMap('config').set('RELEASE', 'trixie');
      await eventually(async () => {
        const body = (await (await api(`/api/configs/${id}`)).json()) as { data: Record<string, unknown> };
        expect(body.data.BOARD).toBe('rock-5b');
        expect(body.data.RELEASE).toBe('trixie');
      });
    } finally {
      client.destroy();
    }
  });

  it('answers bad input with a clear 4xx error body', async () => {
    const cases: Array<[string, RequestInit, number, string]> = [
      ['/api/configs', { method: 'POST', body: 'not json' }, 400, 'bad_request'],
      // Refused by the body's declared schema (server/configs/api-spec.ts), as every route's body.
      ['/api/configs', { method: 'POST', body: JSON.stringify({}) }, 422, 'validation_failed'],
      ['/api/configs', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(Limits.maxNameLength + 1) }) }, 422, 'validation_failed'],
      ['/api/configs', { method: 'POST', body: JSON.stringify({ name: 'a', data: [1] }) }, 422, 'validation_failed'],
      ['/api/configs/00000000-0000-4000-8000-000000000000', {}, 404, 'not_found'],
      ['/api/configs/not-a-uuid', {}, 404, 'not_found'],
      ['/api/nothing-here', {}, 404, 'not_found'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await api(path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });

  it('GET /sync without an upgrade is a clear 426', async () => {
    const res = await fetch(`${server.url}/sync/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(426);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.postgres).toBe('ok');
  });

  it('a created configuration starts with the data it was given', async () => {
    const id = await createConfig(server, { name: 'seeded', data: { BOARD: 'orangepi5', extraPackages: ['htop'] } });
    const client = connectClient(server, id);
    try {
      await synced(client);
      const packages = client.doc.getMap('config').get('extraPackages');
      expect(packages).toBeInstanceOf(Y.Array);
      expect((packages as Y.Array<string>).toJSON()).toEqual(['htop']);
    } finally {
      client.destroy();
    }
  });
  it('refuses a body over the request limit with 413', async () => {
    const res = await api('/api/configs', {
      method: 'POST',
      body: JSON.stringify({ name: 'big', data: { description: 'x'.repeat(Limits.maxRequestBodyBytes) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

});
