/** A row of a task table: plain JSON cells, so every format writer sees the same values. */
export type Cell = number | string | boolean | null;
export type Row = Record<string, Cell>;

/** Rounds to `digits` decimals so files written from computed values are byte-stable and readable. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Keeps only `columns`, in that order (missing cells become null). */
export function project(rows: readonly Row[], columns: readonly string[]): Row[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
}
