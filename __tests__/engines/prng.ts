/** A small seeded PRNG (mulberry32) for property tests: the same seed gives the same cases, no clock involved. */
export interface Rng {
  next(): number;
  int(n: number): number;
  bool(): boolean;
  pick<T>(xs: readonly T[]): T;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, bool: () => next() < 0.5, pick: (xs) => xs[int(xs.length)] };
}
