import { Prng } from '@datamaster/sdk';

/** A seeded pseudo-random source: returns floats in [0, 1). */
export type Rng = () => number;

/** mulberry32 (the SDK's Prng) as a function: same seed, same sequence, on every platform. */
export function mulberry32(seed: number): Rng {
  const p = new Prng(seed);
  return () => p.next();
}
