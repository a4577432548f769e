/**
 * Framework checks in flight on this server. A check costs a framework run on a builder and a
 * blocking Redis connection here while it waits, so: the same state of the same configuration
 * is checked once however many people press "Check with Armbian" at the same time (they share
 * the answer), and one person can keep only a few different checks waiting. Without the cap, an
 * editor's script could queue checks faster than builders answer and hold a Redis connection
 * per request.
 */
import { ApiError } from '../http-errors.ts';

/** Different checks one person may have waiting on this server at once. Two covers "checked,
 * edited, checked again" while the first is still running. */
export const CHECKS_IN_FLIGHT_PER_PERSON = 2;
/** Different checks this server waits on at once (each holds one Redis connection). */
export const CHECKS_IN_FLIGHT_PER_SERVER = 16;
/** What a refused caller is told to wait: about one framework run. */
export const CHECK_RETRY_AFTER_S = 10;

/** 429: the route adds `Retry-After: CHECK_RETRY_AFTER_S`. */
export class TooManyChecks extends ApiError {
  constructor(message: string) {
    super(429, 'rate_limited', `${message}; try again in ${CHECK_RETRY_AFTER_S} s`);
  }
}

export interface CheckFlights {
  /** Runs `start` unless a check of `stateKey` is already in flight, whose answer is shared.
   * A new check counts against `person` until it settles; joining one does not. */
  run<T>(stateKey: string, person: string, start: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
}

export function createCheckFlights(limits = { perPerson: CHECKS_IN_FLIGHT_PER_PERSON, perServer: CHECKS_IN_FLIGHT_PER_SERVER }): CheckFlights {
  const flights = new Map<string, Promise<unknown>>();
  const perPerson = new Map<string, number>();

  return {
    run<T>(stateKey: string, person: string, start: () => Promise<T>): Promise<T> {
      const shared = flights.get(stateKey);
      if (shared) return shared as Promise<T>;
      const mine = perPerson.get(person) ?? 0;
      if (mine >= limits.perPerson) throw new TooManyChecks(`you already have ${mine} framework checks running`);
      if (flights.size >= limits.perServer) throw new TooManyChecks('this server is waiting on as many framework checks as it takes');
      perPerson.set(person, mine + 1);
      const flight = start().finally(() => {
        flights.delete(stateKey);
        const left = (perPerson.get(person) ?? 1) - 1;
        if (left > 0) perPerson.set(person, left);
        else perPerson.delete(person);
      });
      flights.set(stateKey, flight);
      return flight;
    },
    get inFlight() {
      return flights.size;
    },
  };
}
