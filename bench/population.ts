/**
 * Who the bench's clients are: which document each one joins and which loopback address it comes
 * from. Shared by every target so all servers see the same population.
 *
 * Clients come from many addresses in 127.0.0.0/8 (all of it is local on Linux) rather than all
 * from 127.0.0.1: a real crowd comes from many addresses, and servers with per-address limits
 * (Boardroom has one) would otherwise refuse it. Traffic still goes only to 127.0.0.1.
 */

/** Clients per person (and per source address): a few tabs each, well below Boardroom's per-user
 * connection limit (50). */
export const CLIENTS_PER_PERSON = 40;

export interface Population {
  docs: number;
  clients: number;
}

/** Client i joins doc i % docs: consecutive clients land in different rooms. */
export function docOf(clientIndex: number, docs: number): number {
  return clientIndex % docs;
}

/** Clients of each doc, in client order. */
export function clientsByDoc(p: Population): number[][] {
  const out: number[][] = Array.from({ length: p.docs }, () => []);
  for (let i = 0; i < p.clients; i++) out[docOf(i, p.docs)].push(i);
  return out;
}

/** Source address number k: 127.0.1.1, 127.0.1.2, … (62,500 of them; 127.0.0.x is left alone). */
export function sourceAddress(k: number): string {
  const n = k % (250 * 250);
  return `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}

/**
 * Groups clients into people, room by room: a person holds up to CLIENTS_PER_PERSON clients of
 * consecutive docs, so most docs have one person in them (its owner) and a big room has several.
 */
export function groupIntoPeople(p: Population): { personOf: Int32Array; people: number } {
  const personOf = new Int32Array(p.clients);
  let person = -1;
  let load = CLIENTS_PER_PERSON;
  for (const clients of clientsByDoc(p)) {
    for (const c of clients) {
      if (load >= CLIENTS_PER_PERSON) {
        person += 1;
        load = 0;
      }
      personOf[c] = person;
      load += 1;
    }
  }
  return { personOf, people: person + 1 };
}
