/**
 * A room's commit order (server/sync/commit-order.ts): what waits for durability runs only once
 * everything applied before it is durable, in the order it waited, and never before the room says
 * so (it fans out first, so a repair reaches its author before the "saved" of its change).
 */
import { describe, expect, it } from 'vitest';
import { CommitOrder } from '../server/sync/commit-order.ts';

describe('commit order', () => {
  it('runs a waiter at once when nothing is unsaved', () => {
    const order = new CommitOrder();
    let ran = false;
    order.afterApplied(() => (ran = true));
    expect(ran).toBe(true);
    expect(order.unsaved).toBe(0);
  });

  it('holds waiters until their changes are durable and the room lets them run, in order', () => {
    const order = new CommitOrder();
    const ran: string[] = [];
    expect(order.apply(2)).toBe(2);
    order.afterApplied(() => ran.push('first'));
    expect(order.apply(1)).toBe(3);
    order.afterApplied(() => ran.push('second'));
    expect(order.unsaved).toBe(3);

    order.settle(2);
    expect(ran).toEqual([]);
    order.runDue();
    expect(ran).toEqual(['first']);
    expect(order.unsaved).toBe(1);

    order.settle(3);
    order.runDue();
    expect(ran).toEqual(['first', 'second']);
    expect(order.unsaved).toBe(0);
  });

  it('resolves whenSaved once everything applied before the call is durable', async () => {
    const order = new CommitOrder();
    order.apply(1);
    let saved = false;
    const done = order.whenSaved().then(() => (saved = true));
    order.apply(1);
    order.settle(1);
    order.runDue();
    await done;
    expect(saved).toBe(true);
    expect(order.unsaved).toBe(1);
  });
});
