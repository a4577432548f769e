/**
 * A promise with a deadline: settles as `work` does, or rejects with `expired()` once `ms` pass
 * first (after `onExpired`, which can tear down what the work was waiting on). The work itself is
 * not cancelled; callers that need that do it in `onExpired`.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, expired: () => Error, onExpired?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      onExpired?.();
      reject(expired());
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
