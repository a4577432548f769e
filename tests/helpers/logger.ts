import pino from 'pino';

/** Quiet by default; `TEST_LOG=debug npm test` shows the server's logs. */
export const testLogger = () => pino({ level: process.env.TEST_LOG ?? 'silent' });
