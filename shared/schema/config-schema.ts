/**
 * Builds the JSON Schema (2020-12) of one board configuration from the project's Armbian data.
 *
 * The root carries, besides the properties:
 * - `x-schema-version`: SCHEMA_VERSION, frozen into build snapshots;
 * - `x-sections`: the form sections in build order (each property names its `x-section` and
 *   `x-order`);
 * - `x-boards`: facts of every board (name, vendor, family, arch, support, kernel branches with
 *   their kernel versions, video output) for the board picker and the rules;
 * - `x-families`: each family's architecture and kernels, for board files of the configuration's
 *   own userpatches tree (shared/boards/custom-boards.ts);
 * - `x-releases`: facts of every release (label, support, architectures);
 * - `x-extensions`: every extension name the framework can enable.
 *
 * The server serves this object; the browser uses the identical copy embedded in the generated
 * validator module (`shared/validation/generated/`), which a test keeps fresh.
 */
import { loadBoardFacts, loadFamilyFacts } from './board-facts.ts';
import { loadBuildOptions } from './build-options.ts';
import { configProperties } from './config-properties.ts';
import { loadFrameworkFacts } from './framework-facts.ts';
import { loadOptionLinks, withOptionLinks } from './option-docs.ts';
import { loadReleaseFacts } from './releases.ts';
import type { ConfigSchema, SectionInfo } from './types.ts';
import { SCHEMA_ID, SCHEMA_VERSION } from './version.ts';

export { SCHEMA_ID, SCHEMA_VERSION } from './version.ts';

/** Properties a build cannot start without; the form marks them and validation reports them. */
export const REQUIRED_PROPERTIES = ['BOARD', 'BRANCH', 'RELEASE'] as const;

export const SECTIONS: readonly SectionInfo[] = [
  { id: 'target', title: 'Target', description: 'The board, its kernel branch and the distribution release.' },
  { id: 'image', title: 'Image type', description: 'Console, minimal or desktop image.' },
  { id: 'kernel', title: 'Kernel', description: 'How the kernel is built and what comes with it.' },
  { id: 'filesystem', title: 'Filesystem', description: 'Root filesystem, partitions and image size.' },
  { id: 'output', title: 'Output', description: 'Compression, checksums and naming of the finished image.' },
  { id: 'system', title: 'System', description: 'Networking, locale, time zone and first-boot behaviour.' },
  { id: 'customisation', title: 'Customisation', description: 'Extensions, extra packages, your own script and notes.' },
];

/** Builds a fresh schema object; callers may keep it, nothing else holds a reference. */
export function buildConfigSchema(): ConfigSchema {
  const options = loadBuildOptions();
  const framework = loadFrameworkFacts();
  const boards = loadBoardFacts(framework.branches);
  const releases = loadReleaseFacts(options);
  const schema: ConfigSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Board configuration',
    description: 'One Armbian image build configuration as Boardroom stores and edits it.',
    type: 'object',
    'x-schema-version': SCHEMA_VERSION,
    'x-sections': SECTIONS.map((s) => ({ ...s })),
    'x-boards': boards,
    'x-families': loadFamilyFacts(framework.branches),
    'x-releases': releases,
    'x-extensions': [...framework.extensions],
    properties: withOptionLinks(configProperties(options, boards, releases, framework), loadOptionLinks()),
    required: [...REQUIRED_PROPERTIES],
    additionalProperties: false,
  };
  // A JSON round trip drops `undefined` members, so this object equals what `GET /api/schema`
  // serves and what the generated module embeds, byte for byte.
  return JSON.parse(JSON.stringify(schema)) as ConfigSchema;
}
