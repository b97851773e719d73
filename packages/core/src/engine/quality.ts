/**
 * The source quality score, 0..1: a documented blend, not a learned value.
 *
 * With a task (task columns known):
 *   0.40 x coverage      share of task columns (label included) the mapping fills
 * + 0.25 x completeness  1 - null share over the mapped source columns
 * + 0.15 x uniqueness    1 - duplicate rows / rows
 * + 0.20 x labelled      share of rows whose mapped label is not null (0 when the label is not mapped)
 * Without a task: 0.6 x completeness (over all columns) + 0.4 x uniqueness.
 * No rows -> 0.
 */
export interface QualityInputs {
  rows: number;
  duplicates: number;
  /** Null cells / all cells, over the columns that matter (mapped ones when there is a task). */
  nullShare: number;
  /** Mapped task columns / task columns; undefined without a task. */
  coverage?: number;
  /** Share of rows with a non-null label; undefined without a task. */
  labelled?: number;
}

export const QUALITY_WEIGHTS = { coverage: 0.4, completeness: 0.25, uniqueness: 0.15, labelled: 0.2 } as const;

export function qualityScore(q: QualityInputs): number {
  if (q.rows <= 0) return 0;
  const completeness = clamp01(1 - q.nullShare);
  const uniqueness = clamp01(1 - q.duplicates / q.rows);
  const score =
    q.coverage === undefined
      ? 0.6 * completeness + 0.4 * uniqueness
      : QUALITY_WEIGHTS.coverage * clamp01(q.coverage) +
        QUALITY_WEIGHTS.completeness * completeness +
        QUALITY_WEIGHTS.uniqueness * uniqueness +
        QUALITY_WEIGHTS.labelled * clamp01(q.labelled ?? 0);
  return Math.round(clamp01(score) * 10000) / 10000;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
