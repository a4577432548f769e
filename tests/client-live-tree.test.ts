/**
 * The Files and Kernel panels' live tree: an edit inside one file refreshes that file's entry
 * only (the others are the same objects: nothing re-read them), while a file added, removed or
 * made executable re-reads the listing and is announced.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLiveTree } from '../client/files/live-tree.ts';
import { filesRoot, putTextFile, removePath, setExecutable } from '../shared/files/file-tree.ts';

describe('the live userpatches tree', () => {
  it('refreshes only the edited file on a keystroke, and re-reads the listing when files come and go', () => {
    const doc = new Y.Doc();
    putTextFile(doc, 'customize-image.sh', '#!/bin/bash\n');
    putTextFile(doc, 'linux-bcm2711-current.config', 'CONFIG_WIREGUARD=y\n');
    let structural = 0;
    const live = createLiveTree(doc, () => (structural += 1));
    const [script, kernel] = live.tree();

    (filesRoot(doc).get('linux-bcm2711-current.config') as Y.Text).insert(0, '# kiosk\n');
    const [scriptAfter, kernelAfter] = live.tree();
    expect(kernelAfter).toMatchObject({ path: 'linux-bcm2711-current.config', text: '# kiosk\nCONFIG_WIREGUARD=y\n' });
    expect(scriptAfter).toBe(script);
    expect(kernelAfter).not.toBe(kernel);
    expect(structural).toBe(0);

    putTextFile(doc, 'overlay/etc/motd', 'hello\n');
    expect(live.tree().map((e) => e.path)).toEqual(['customize-image.sh', 'linux-bcm2711-current.config', 'overlay/etc/motd']);
    setExecutable(doc, 'customize-image.sh', true);
    expect(live.tree()[0].mode).toBe(0o755);
    removePath(doc, 'overlay/etc/motd');
    expect(live.tree()).toHaveLength(2);
    expect(structural).toBe(3);

    live.destroy();
    putTextFile(doc, 'after.txt', 'x');
    expect(live.tree()).toHaveLength(2);
  });
});
