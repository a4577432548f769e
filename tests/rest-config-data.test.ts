/**
 * Whole-configuration REST writes and file formats: PUT data (live clients see it), import and
 * export (JSON, Armbian .conf and pasted ./compile.sh lines), the schema, and identical validation
 * on both ends.
 */
import { describe, expect, it } from 'vitest';
import { configToConf } from '../shared/conf/conf-export.ts';
import { defaultConfig } from '../shared/doc-binding.ts';
import { configSchema, validateConfig, type ValidationResult } from '../shared/validation/index.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const VALID = { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'bookworm', BUILD_MINIMAL: 'yes', extraPackages: ['htop'] };

describe('REST config data', () => {
  const { server } = useTestServer();

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
    const before = await server.storage.loadDoc(mainDoc(id));
    const res = await json(`/api/configs/${id}/data`, 'PUT', { ...VALID, BOARD: 7, bogus: true });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: Array<{ path: string; keyword: string; message: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/BOARD', '/bogus']));
    for (const d of body.error.details) expect(d.message.length).toBeGreaterThan(0);
    const after = await server.storage.loadDoc(mainDoc(id));
    expect(after.updates.length).toBe(before.updates.length);
    expect((await get(id)).data.BOARD).toBe('orangepi5');
  });

  const importText = (body: string, name?: string) =>
    server.api(`/api/configs/import${name ? `?name=${encodeURIComponent(name)}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
    });

  it('exports JSON and .conf and imports both back to the same document', async () => {
    const data = {
      ...VALID,
      extraPackages: ['htop', 'tmux'],
      timezone: 'Europe/Berlin',
      description: 'NAS for the office\n"quoted" and $HOME',
      customizeScript: '#!/bin/bash\necho "customising $3"\n',
      extraLines: 'SHARE_LOGS=yes\nfunction user_config__x() {\n\techo "${BOARD}"\n}\n',
      ENABLE_EXTENSIONS: ['docker-ce'],
    };
    const id = await createConfig(server, { name: 'Orange Pi 5 NAS', data });
    const original = (await get(id)).data;
    const jsonRes = await server.api(`/api/configs/${id}/export?format=json`);
    expect(jsonRes.headers.get('content-disposition')).toContain('orange-pi-5-nas.json');
    const exported = (await jsonRes.json()) as { name: string; data: Record<string, unknown> };
    const reimported = await json('/api/configs/import', 'POST', exported);
    expect(reimported.status).toBe(201);
    const copy = await get(((await reimported.json()) as { id: string }).id);
    expect(copy.data).toEqual(original);

    const confRes = await server.api(`/api/configs/${id}/export?format=conf`);
    const conf = await confRes.text();
    expect(confRes.headers.get('content-disposition')).toContain('config-orange-pi-5-nas.conf');
    expect(conf).toContain('BOARD="orangepi5"');
    expect(conf).toContain('add_packages_to_image htop tmux');
    const confImport = await importText(conf);
    expect(confImport.status).toBe(201);
    const created = (await confImport.json()) as { id: string; name: string; warnings: unknown[] };
    expect(created.name).toBe('Orange Pi 5 NAS');
    expect(created.warnings).toEqual([]);
    // Extra packages, customize script, time zone, description and extra lines all come back.
    expect((await get(created.id)).data).toEqual(original);
  });

  it('a deliberately emptied default stays empty through .conf export and import', async () => {
    const data: Record<string, unknown> = { ...defaultConfig(), ...VALID, COMPRESS_OUTPUTIMAGE: [] };
    delete data.VENDOR;
    const id = await createConfig(server, { name: 'emptied' });
    expect((await json(`/api/configs/${id}/data`, 'PUT', data)).status).toBe(200);
    const original = (await get(id)).data;
    expect(original.VENDOR).toBeUndefined();
    const conf = await (await server.api(`/api/configs/${id}/export?format=conf`)).text();
    const created = (await (await importText(conf)).json()) as { id: string };
    expect((await get(created.id)).data).toEqual(original);
  });

  it('imports a file with unknown options, functions and broken lines, keeping them as Extra lines with warnings', async () => {
    const res = await importText('BOARD="rock-5b"\nMY_SECRET_SWITCH=yes\nVENDOR="$HOME"\nthis is not bash\n', 'x');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; warnings: Array<{ line: number; message: string }> };
    expect(body.warnings.some((w) => w.line === 3 && w.message.includes('$HOME'))).toBe(true);
    const { data } = await get(body.id);
    expect(data.BOARD).toBe('rock-5b');
    expect(data.VENDOR).toBe(defaultConfig().VENDOR);
    expect(data.extraLines).toBe('MY_SECRET_SWITCH=yes\nVENDOR="$HOME"\nthis is not bash');
  });

  it('imports a pasted ./compile.sh command line through the same endpoint, as text or inside JSON', async () => {
    const line = './compile.sh build BOARD=uefi-x86 BRANCH=current RELEASE=noble BUILD_MINIMAL=no BUILD_DESKTOP=no KERNEL_CONFIGURE=no ENABLE_EXTENSIONS=mesa-vpu,nvidia';
    const res = await importText(line, 'uefi');
    expect(res.status).toBe(201);
    const { data } = await get(((await res.json()) as { id: string }).id);
    // What the app sends: the text inside JSON; without a name, the board names it.
    const asJson = await json('/api/configs/import', 'POST', { conf: line });
    expect(asJson.status).toBe(201);
    const created = (await asJson.json()) as { id: string; name: string };
    expect(created.name).toBe('uefi-x86');
    expect((await get(created.id)).data).toEqual(data);
    expect(data).toMatchObject({ BOARD: 'uefi-x86', BRANCH: 'current', RELEASE: 'noble', ENABLE_EXTENSIONS: ['mesa-vpu', 'nvidia'] });
  });

  it('import takes JSON and text/plain only', async () => {
    const res = await server.api('/api/configs/import?name=x', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'BOARD=rock-5b' });
    expect(res.status).toBe(415);
    const tooLong = await importText('# x\n'.repeat(2_001));
    expect(tooLong.status).toBe(422);
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
    expect(configToConf(configSchema, 'n', {}, {})).toContain('# schema');
  });
});
