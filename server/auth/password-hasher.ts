/**
 * scrypt behind a small concurrency cap. Each hash takes 32 MiB and ~100 ms of a libuv thread
 * (there are four); forty concurrent sign-ups used to fill every thread and make a normal
 * sign-in wait ten seconds behind them. With the cap, at most `concurrency` hashes run at once and
 * the rest wait in two queues: sign-ins (someone waiting to get in) go before sign-ups, so a
 * sign-up flood delays other sign-ups, not the people who already have an account.
 */
import { dummyVerify, hashPassword, SCRYPT_PARAMS, verifyPassword, type ScryptParams } from './passwords.ts';

/** Default cap: two of libuv's four threads, leaving the rest for file and DNS work. */
export const PASSWORD_HASH_CONCURRENCY = 2;

/** Sign-ups waiting for a hash slot before new ones are turned away (503): a hundred is about five
 * seconds of hashing at two at a time, which a person tolerates; past it the queue only grows. */
export const MAX_WAITING_SIGNUPS = 100;

export type HashPriority = 'signin' | 'signup';

export class HasherBusyError extends Error {
  readonly code = 'busy';
}

export interface PasswordHasher {
  /** Rejects with HasherBusyError when too many sign-ups already wait. */
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Same cost as `verify`, for an unknown email (timing must not tell accounts apart). */
  dummyVerify(password: string): Promise<void>;
  /** Hashes running and waiting, for tests and logs. */
  load(): { running: number; waiting: number };
}

/** `params`: the scrypt cost of new hashes and of the dummy check; only test servers pass a
 * lower one (server/server.ts, `passwordHashParams`). */
export function createPasswordHasher(concurrency = PASSWORD_HASH_CONCURRENCY, maxWaitingSignups = MAX_WAITING_SIGNUPS, params: ScryptParams = SCRYPT_PARAMS): PasswordHasher {
  let running = 0;
  const waiting: Record<HashPriority, Array<() => void>> = { signin: [], signup: [] };

  const acquire = (priority: HashPriority): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    // Sign-ins are never turned away here: the sign-in throttle already bounds them.
    if (priority === 'signup' && waiting.signup.length >= maxWaitingSignups) {
      return Promise.reject(new HasherBusyError('too many sign-ups at once; try again in a few seconds'));
    }
    return new Promise((resolve) => waiting[priority].push(resolve));
  };
  // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
  const release = () => {
    const next = waiting.signin.shift() ?? waiting.signup.shift();
    if (next) next();
    else running -= 1;
  };
  const run = async <T>(priority: HashPriority, work: () => Promise<T>): Promise<T> => {
    await acquire(priority);
    try {
      return await work();
    } finally {
      release();
    }
  };

  return {
    hash: (password) => run('signup', () => hashPassword(password, params)),
    verify: (password, stored) => run('signin', () => verifyPassword(password, stored)),
    dummyVerify: (password) => run('signin', () => dummyVerify(password, params)),
    load: () => ({ running, waiting: waiting.signin.length + waiting.signup.length }),
  };
}
