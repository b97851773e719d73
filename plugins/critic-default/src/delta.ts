import type { Direction } from '@datamaster/sdk';

/** Score change oriented so that positive always means better: 'min' metrics flip the sign. */
export function orientedDelta(score: number, reference: number, direction: Direction): number {
  return direction === 'max' ? score - reference : reference - score;
}

/**
 * Delta as a fraction of the reference's size, so thresholds work for accuracy (0..1) and RMSE (any unit) alike.
 * A zero reference has no size: the delta is returned as is (the threshold then acts as an absolute one).
 */
export function relativeDelta(delta: number, reference: number): number {
  const size = Math.abs(reference);
  return size > 0 ? delta / size : delta;
}

/** '+0.031' / '-0.0042': four significant digits with an explicit sign, for finding texts. */
export function formatDelta(delta: number): string {
  const rounded = Number(delta.toPrecision(4));
  return `${rounded >= 0 ? '+' : ''}${rounded}`;
}
