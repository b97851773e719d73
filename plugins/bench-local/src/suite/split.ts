import { Prng } from '../prng.ts';

/** Cuts a seeded shuffle of `rows` into consecutive parts of the given sizes; the rest is the last part. */
export function seededParts<T>(rows: readonly T[], seed: number, sizes: number[]): T[][] {
  const shuffled = new Prng(seed).shuffle(rows);
  const parts: T[][] = [];
  let at = 0;
  for (const n of sizes) {
    parts.push(shuffled.slice(at, at + n));
    at += n;
  }
  parts.push(shuffled.slice(at));
  return parts;
}

/** First row of each key, order kept: duplicate inputs must not land on both sides of a split. */
export function distinctBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
