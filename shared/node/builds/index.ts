/** The build pipeline's shared API: what the server calls and what the builder implements.
 * Node only (storage, queue, Redis): the browser imports `status.ts` and `events.ts` directly. */
export * from './artifact-cleanup.ts';
export * from '../../builds/artifact-name.ts';
export * from './artifact-storage.ts';
export * from './artifact-storage-local.ts';
export * from './build-service.ts';
export * from './db.ts';
export * from '../../builds/errors.ts';
export * from './event-hub.ts';
export * from '../../builds/events.ts';
export * from './follow-log.ts';
export * from './job.ts';
export * from '../../builds/keys.ts';
export * from './queue.ts';
export * from './read.ts';
export * from '../../builds/status.ts';
export * from './transition.ts';
export * from '../../builds/version.ts';
