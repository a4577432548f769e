/**
 * The schema the client form is generated from and the server enforces: every value has a size
 * limit, sections come in build order, and the board and release facts come from the data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOARD_CONFIG_KEYS } from '../shared/schema/config-type.ts';
import { SCHEMA_VERSION } from '../shared/schema/version.ts';
import { configSchema } from '../shared/validation/index.ts';

const rawBoards = JSON.parse(readFileSync(new URL('../shared/data/armbian-boards.json', import.meta.url), 'utf8')) as Array<{ board: string; name: string; vendor: string; arch: string; support: string; hasVideo?: boolean }>;
const properties = Object.entries(configSchema.properties);

describe('limits the server enforces', () => {
  it('forbids unknown keys at the root', () => {
    expect(configSchema.additionalProperties).toBe(false);
  });

  it.each(properties)('%s has a size limit', (_, property) => {
    if (property.type === 'string') expect(property.maxLength).toBeGreaterThan(0);
    if (property.type === 'integer') expect(property.maximum).toBeGreaterThan(0);
    if (property.type === 'array') {
      expect(property.maxItems).toBeGreaterThan(0);
      expect(property.items?.maxLength).toBeGreaterThan(0);
    }
  });

  it('keeps long free text collaborative (multiline → Y.Text)', () => {
    const multiline = properties.filter(([, p]) => p.format === 'multiline').map(([name]) => name);
    expect(multiline).toEqual(['firstbootSshKeys', 'customizeScript', 'extraLines', 'description']);
  });
});

describe('form annotations', () => {
  it('cannot be changed in place by an importer (sorting an enum for display throws)', () => {
    expect(() => (configSchema.properties.RELEASE.enum as string[]).sort()).toThrow(TypeError);
    expect(configSchema.properties.RELEASE.enum?.[0]).toBe('buster');
  });

  it('carries the schema version', () => {
    expect(configSchema['x-schema-version']).toBe(SCHEMA_VERSION);
  });

  it('orders properties by section in build order, then by x-order', () => {
    const sectionIds = configSchema['x-sections'].map((s) => s.id);
    expect(sectionIds).toEqual(['target', 'image', 'kernel', 'filesystem', 'output', 'system', 'customisation']);
    const positions = properties.map(([, p]) => [sectionIds.indexOf(p['x-section']), p['x-order']] as const);
    expect(positions.every(([section]) => section >= 0)).toBe(true);
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(positions).toEqual(sorted);
    expect(properties.slice(0, 3).map(([name]) => name)).toEqual(['BOARD', 'BRANCH', 'RELEASE']);
  });

  it('matches the TypeScript BoardConfig keys one to one', () => {
    expect(properties.map(([name]) => name)).toEqual([...BOARD_CONFIG_KEYS]);
  });

  it('gives every default a value its own enum allows', () => {
    for (const [name, p] of properties) {
      if (p.default === undefined) continue;
      if (p.enum) expect(p.enum, name).toContain(p.default);
      if (p.items?.enum) for (const item of p.default as string[]) expect(p.items.enum, name).toContain(item);
    }
  });

  it('points x-when and x-replaced-by at real properties', () => {
    for (const [name, p] of properties) {
      for (const target of Object.keys(p['x-when'] ?? {})) expect(configSchema.properties, name).toHaveProperty(target);
      if (p['x-replaced-by']) expect(configSchema.properties, name).toHaveProperty(p['x-replaced-by']);
    }
  });
});

describe('board and release facts', () => {
  it('lists every board of the data with what the board picker shows', () => {
    const boards = configSchema['x-boards'];
    expect(boards).toHaveLength(rawBoards.length);
    expect(configSchema.properties.BOARD.enum).toEqual(boards.map((b) => b.board));
    const orangepi5 = boards.find((b) => b.board === 'orangepi5');
    expect(orangepi5).toEqual({
      board: 'orangepi5', name: 'Orange Pi 5', vendor: 'xunlong', family: 'rockchip-rk3588', arch: 'arm64', support: 'conf',
      kernelTargets: ['current', 'edge', 'vendor'], hasVideo: true,
      // Every branch the family builds, not only the listed ones (legacy and bleedingedge with a warning).
      kernels: { legacy: '5.10', vendor: '6.1', current: '6.18', edge: '7.1', bleedingedge: '7.2' },
    });
  });

  it('marks exactly the boards the data says have no video output', () => {
    const noVideo = configSchema['x-boards'].filter((b) => !b.hasVideo).map((b) => b.board).sort();
    expect(noVideo).toEqual(rawBoards.filter((b) => b.hasVideo === false).map((b) => b.board).sort());
  });

  it('lists releases with support level and architectures', () => {
    const noble = configSchema['x-releases'].find((r) => r.release === 'noble');
    expect(noble).toMatchObject({ support: 'supported', architectures: ['arm64', 'armhf', 'riscv64', 'amd64'] });
    expect(configSchema['x-releases'].map((r) => r.release)).toEqual(configSchema.properties.RELEASE.enum);
  });
});
