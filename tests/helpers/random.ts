/**
 * Seeded randomness for fuzz and convergence tests: the seed is printed so a failure can be replayed
 * with `SEED=<n> npx vitest run <file>`.
 */
export function seededRandom(label: string): { next: () => number; int: (n: number) => number; seed: number } {
  const seed = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${label}] seed ${seed}`);
  let state = seed >>> 0 || 1;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), seed };
}
