/**
 * Whole-configuration REST writes and file formats: PUT data (live clients see it), import and
 * export (JSON and Armbian .conf), the schema, and identical validation on both ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configToConf } from '../shared/conf-format.ts';
import { configSchema, validateConfig, type ValidationResult } from '../shared/validation/index.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const VALID = { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'bookworm', BUILD_MINIMAL: 'yes', extraPackages: ['htop'] };

describe('REST config data', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.cleanup());

  const json = (path: string, method: string, body: unknown) => server.api(path, { method, body: JSON.stringify(body) });
  const get = async (id: string) =>
    (await (await server.api(`/api/configs/${id}`)).json()) as { data: Record<string, unknown>; validation: ValidationResult };

  it('PUT data replaces the configuration and live clients see it', async () => {
    const id = await createConfig(server, { name: 'put' });
    const client = connectClient(server, id);
    try {
      await synced(client);
      const res = await json(`/api/configs/${id}/data`, 'PUT', VALID);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: Record<string, unknown>; validation: ValidationResult };
      expect(body.data).toMatchObject(VALID);
      expect(body.validation.valid).toBe(true);
      await eventually(() => expect(client.doc.getMap('config').get('BOARD')).toBe('orangepi5'));
    } finally {
      client.destroy();
    }
  });

  it('PUT data with a wrong shape is 422 with JSON Pointer details, and changes nothing', async () => {
    const id = await createConfig(server, { name: 'put-bad', data: VALID });
    const before = await server.storage.loadDoc(id);
    const res = await json(`/api/configs/${id}/data`, 'PUT', { ...VALID, BOARD: 7, bogus: true });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: Array<{ path: string; keyword: string; message: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/BOARD', '/bogus']));
    for (const d of body.error.details) expect(d.message.length).toBeGreaterThan(0);
    const after = await server.storage.loadDoc(id);
    expect(after.updates.length).toBe(before.updates.length);
    expect((await get(id)).data.BOARD).toBe('orangepi5');
  });

  it('exports JSON and .conf and imports both back', async () => {
    const id = await createConfig(server, { name: 'Orange Pi 5 NAS', data: VALID });
    const jsonRes = await server.api(`/api/configs/${id}/export?format=json`);
    expect(jsonRes.headers.get('content-disposition')).toContain('orange-pi-5-nas.json');
    const exported = (await jsonRes.json()) as { name: string; data: Record<string, unknown> };
    const reimported = await json('/api/configs/import', 'POST', exported);
    expect(reimported.status).toBe(201);
    const copy = await get(((await reimported.json()) as { id: string }).id);
    expect(copy.data).toEqual((await get(id)).data);

    const confRes = await server.api(`/api/configs/${id}/export?format=conf`);
    const conf = await confRes.text();
    expect(confRes.headers.get('content-disposition')).toContain('config-orange-pi-5-nas.conf');
    expect(conf).toContain('BOARD="orangepi5"');
    expect(conf).toContain('BRANCH="vendor"');
    const confImport = await server.api(`/api/configs/import`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: conf });
    expect(confImport.status).toBe(201);
    const fromConf = await get(((await confImport.json()) as { id: string }).id);
    expect(fromConf.data).toMatchObject({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'bookworm', BUILD_MINIMAL: 'yes' });
  });

  it('refuses a .conf with unknown options or broken lines, naming the line', async () => {
    const res = await server.api(`/api/configs/import?name=x`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'BOARD="rock-5b"\nMY_SECRET_SWITCH=yes\nthis is not bash\n',
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(body.error.details.map((d) => d.path)).toContain('/MY_SECRET_SWITCH');
    expect(body.error.details.some((d) => d.message.includes('Line 3'))).toBe(true);
  });

  it('refuses an unknown export format', async () => {
    const id = await createConfig(server, { name: 'fmt' });
    expect((await server.api(`/api/configs/${id}/export?format=yaml`)).status).toBe(400);
  });

  it('serves the schema with board and release facts', async () => {
    const res = await fetch(`${server.url}/api/schema`);
    const schema = (await res.json()) as typeof configSchema;
    expect(schema['x-schema-version']).toBe(configSchema['x-schema-version']);
    expect(schema['x-boards'].find((b) => b.board === 'rock-5b')?.kernelTargets).toContain('current');
    expect(schema.properties.RELEASE).toBeDefined();
  });

  it('server and client give identical validation results for the same documents', async () => {
    const cases: Array<Record<string, unknown>> = [
      VALID,
      { BOARD: 'rock-5b', BRANCH: 'legacy', RELEASE: 'noble' },
      { BOARD: 'visionfive2', BRANCH: 'vendor', RELEASE: 'bookworm', BUILD_DESKTOP: 'yes', BUILD_MINIMAL: 'yes' },
      { BOARD: 'uefi-x86', BRANCH: 'current', RELEASE: 'trixie', ROOTFS_TYPE: 'f2fs' },
      { BOARD: 'orangepizero', BRANCH: 'current', RELEASE: 'buster', BTRFS_COMPRESSION: 'zstd' },
      {},
    ];
    const id = await createConfig(server, { name: 'parity' });
    for (const data of cases) {
      const res = await json(`/api/configs/${id}/data`, 'PUT', data);
      expect(res.status).toBe(200);
      const serverResult = (await res.json()) as { data: Record<string, unknown>; validation: ValidationResult };
      // The browser runs the same function on the same document.
      expect(serverResult.validation).toEqual(validateConfig(serverResult.data));
      expect((await get(id)).validation).toEqual(validateConfig(serverResult.data));
    }
    expect(configToConf(configSchema, 'n', {})).toContain('# schema');
  });
});
