/**
 * Fan-in of build events for one process: one Redis subscriber connection, any number of
 * listeners per build. Channels are reference-counted so two viewers of the same build share
 * one SUBSCRIBE and the second leaving does not cut off the first.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeBuildEvent, type BuildEvent } from '../../builds/events.ts';
import type { BuildKeys } from '../../builds/keys.ts';
import type { Tenant } from '../../tenant.ts';

export type BuildEventListener = (event: BuildEvent) => void;

export interface BuildEventHub {
  /** Resolves once Redis confirmed the subscription: events published after that are delivered. */
  /** `tenant`: the build's (its events channel is named with it, shared/builds/keys.ts). */
  follow(tenant: Tenant, buildId: string, listener: BuildEventListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** `subscriber` is dedicated to this hub (a connection in subscriber mode can do nothing else);
 * the hub does not close it, its owner does. */
export function createBuildEventHub(subscriber: Redis, keys: BuildKeys, logger: Logger): BuildEventHub {
  const listeners = new Map<string, Set<BuildEventListener>>();
  const subscribed = new Map<string, Promise<void>>();
  const onMessage = (channel: string, message: string): void => {
    const set = listeners.get(channel);
    if (!set) return;
    const event = decodeBuildEvent(message);
    if (!event) {
      logger.warn({ channel }, 'ignored a malformed build event');
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (err) {
        logger.error({ err, channel }, 'build event listener threw');
      }
    }
  };
  subscriber.on('message', onMessage);

  return {
    async follow(tenant, buildId, listener) {
      const channel = keys.eventsChannel(tenant, buildId);
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        // Later followers of the same channel wait for the same confirmation.
        subscribed.set(channel, subscriber.subscribe(channel).then(() => undefined));
      }
      set.add(listener);
      let done = false;
      const unfollow = async (): Promise<void> => {
        if (done) return;
        done = true;
        const current = listeners.get(channel);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          listeners.delete(channel);
          subscribed.delete(channel);
          await subscriber.unsubscribe(channel);
        }
      };
      try {
        await subscribed.get(channel);
      } catch (err) {
        await unfollow().catch(() => undefined);
        throw err;
      }
      return unfollow;
    },
    async close() {
      subscriber.off('message', onMessage);
      const channels = [...listeners.keys()];
      listeners.clear();
      subscribed.clear();
      if (channels.length > 0) await subscriber.unsubscribe(...channels);
    },
  };
}
