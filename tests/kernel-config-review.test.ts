/**
 * Kernel configuration a team can review, against a real server, Postgres and Redis: a build (and
 * a build matrix) of a configuration with KERNEL_CONFIGURE=yes is refused with 422, the message
 * saying why (menuconfig needs a terminal) and naming the kernel config file to use instead; the
 * kernel config file in the tree is compared per option with the last approved review's version
 * over REST (what the Kernel panel shows: "CONFIG_X: y → m").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffKconfig, formatKconfigChange } from '../shared/kernel-config/kconfig-diff.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const KERNEL_FILE = 'linux-bcm2711-current.config';
const RPI = { BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no' };

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string; keyword: string }> };
}

describe('kernel configuration', () => {
  const { server, clients } = useTestServer({ redis: 'kernel-config' });
  let carol: TestUser;
  beforeAll(async () => {
    carol = await signUp(server.url, 'Carol');
  });
  const post = (path: string, body: unknown) => server.api(path, { method: 'POST', body: JSON.stringify(body) });

  it('refuses a build with KERNEL_CONFIGURE=yes, saying why and which file to use; with no it builds', async () => {
    const id = await createConfig(server, { name: 'menuconfig', data: { ...RPI, KERNEL_CONFIGURE: 'yes' } });
    const refused = await post(`/api/configs/${id}/builds`, {});
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe('validation_failed');
    const detail = body.error.details!.find((d) => d.path === '/KERNEL_CONFIGURE')!;
    expect(detail.keyword).toBe('interactive-kernel-config');
    expect(detail.message).toMatch(/needs a terminal for its interactive menu, and a remote build has none/);
    expect(detail.message).toContain(`userpatches/${KERNEL_FILE} (the Kernel panel)`);

    // A matrix refuses every cell the same way, saying which.
    const matrix = await post(`/api/configs/${id}/matrices`, { targets: [{ BRANCH: 'edge' }] });
    expect(matrix.status).toBe(422);
    const cells = ((await matrix.json()) as ErrorBody).error.details!;
    expect(cells).toContainEqual(expect.objectContaining({ path: '/cells/0/KERNEL_CONFIGURE', message: expect.stringContaining('userpatches/linux-bcm2711-edge.config') }));

    const owner = connectClient(server, id);
    clients.push(owner);
    await synced(owner);
    owner.doc.getMap('config').set('KERNEL_CONFIGURE', 'no');
    await eventually(async () => expect((await post(`/api/configs/${id}/builds`, {})).status).toBe(202));
  });

  it('compares the kernel config file per option with the last approved review', async () => {
    const id = await createConfig(server, { name: 'reviewed kernel', data: { ...RPI, KERNEL_CONFIGURE: 'no' } });
    await addMember(server, id, carol, 'commenter');
    const approved = 'CONFIG_WIREGUARD=y\nCONFIG_USB_NET_DRIVERS=m\n# CONFIG_DEBUG_INFO is not set\nCONFIG_LOCALVERSION="-acme"\n';
    expect((await post(`/api/configs/${id}/files/upload`, { path: KERNEL_FILE, text: approved })).status).toBe(201);

    const opened = await post(`/api/configs/${id}/reviews`, { title: 'Kernel for the kiosk' });
    expect(opened.status).toBe(201);
    const review = (await opened.json()) as { id: string; versionId: string; contentHash: string };
    const decided = await authed(server.url, carol.token)(`/api/configs/${id}/reviews/${review.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ decision: 'approve', contentHash: review.contentHash }),
    });
    expect(decided.status).toBe(200);

    // Someone edits the file afterwards: reordered, a comment added, three options changed.
    const edited = '# kiosk kernel\nCONFIG_LOCALVERSION="-acme2"\n# CONFIG_DEBUG_INFO is not set\nCONFIG_WIREGUARD=m\nCONFIG_BTRFS_FS=y\n';
    expect((await post(`/api/configs/${id}/files/upload`, { path: KERNEL_FILE, text: edited })).status).toBe(201);

    const reviews = (await (await server.api(`/api/configs/${id}/reviews`)).json()) as Array<{ id: string; status: string; versionId: string; changedSinceApproval: boolean }>;
    const last = reviews.find((r) => r.status === 'approved')!;
    expect(last).toMatchObject({ id: review.id, changedSinceApproval: true });
    const diff = (await (await server.api(`/api/configs/${id}/diff?from=${last.versionId}&to=current`)).json()) as Array<{ path: string; before: unknown; after: unknown }>;
    const entry = diff.find((e) => e.path === `#files/${KERNEL_FILE}`)!;
    expect(entry).toMatchObject({ before: approved, after: edited });
    expect(diffKconfig(entry.before as string, entry.after as string).map(formatKconfigChange)).toEqual([
      'CONFIG_BTRFS_FS: added, y',
      'CONFIG_LOCALVERSION: "-acme" → "-acme2"',
      'CONFIG_USB_NET_DRIVERS: removed (was m)',
      'CONFIG_WIREGUARD: y → m',
    ]);

    // The review itself says so too: its changes since approval and its own diff cover the tree.
    const detail = (await (await server.api(`/api/configs/${id}/reviews/${review.id}`)).json()) as {
      changesSinceReview: Array<{ path: string; op: string; before: unknown; after: unknown }>;
      diff: Array<{ path: string; op: string; after: unknown }>;
    };
    expect(detail.changesSinceReview.filter((e) => e.path.startsWith('#files/'))).toMatchObject([{ path: `#files/${KERNEL_FILE}`, op: 'change', before: approved, after: edited }]);
    expect(detail.diff.filter((e) => e.path.startsWith('#files/'))).toMatchObject([{ path: `#files/${KERNEL_FILE}`, op: 'add', after: approved }]);
  });
});
