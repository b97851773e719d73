import type { MetricName } from './suite/spec.ts';

export function accuracy(truth: readonly number[], pred: readonly number[]): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return truth.length ? ok / truth.length : 0;
}

/** Mean F1 over the classes present in truth or predictions. */
export function macroF1(truth: readonly number[], pred: readonly number[], classes: number): number {
  let sum = 0;
  let n = 0;
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    if (tp + fp + fn === 0) continue;
    sum += (2 * tp) / (2 * tp + fp + fn);
    n++;
  }
  return n ? sum / n : 0;
}

export function rmse(truth: readonly number[], pred: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += ((truth[i] as number) - (pred[i] as number)) ** 2;
  return truth.length ? Math.sqrt(s / truth.length) : 0;
}

export function mae(truth: readonly number[], pred: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs((truth[i] as number) - (pred[i] as number));
  return truth.length ? s / truth.length : 0;
}

/** All metrics that make sense for the task type, rounded to 6 decimals for stable comparisons. */
export function scoreAll(kind: 'classification' | 'regression', truth: number[], pred: number[], classes: number): Partial<Record<MetricName, number>> {
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  if (kind === 'classification') return { accuracy: r6(accuracy(truth, pred)), macro_f1: r6(macroF1(truth, pred, classes)) };
  return { rmse: r6(rmse(truth, pred)), mae: r6(mae(truth, pred)) };
}
