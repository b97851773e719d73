/**
 * The metrics the MLE-Bench Lite graders use, ported from their definitions in scikit-learn (>= 1.5, the
 * version mlebench requires) and mlebench/metrics.py. Each takes plain arrays and returns a number; an input
 * on which the reference raises (one class only, NaN, values out of the metric's domain) throws a
 * DataMasterError with code E_MLEBENCH_METRIC.
 *
 * Where the SDK's metrics library computes exactly the reference's value (ROC AUC of a binary truth,
 * RMSE) it does the arithmetic; its quadratic kappa (Kaggle's integer rating range), log loss (rows
 * renormalised) and RMSLE (negative values refused, as scikit-learn 1.5 did) differ from what mlebench's
 * graders compute, so those are defined here.
 */
import { DataMasterError, rmse as sdkRmse, rocAucBinary } from '@datamaster/sdk';

export type Num = ArrayLike<number>;

function metricError(message: string, details: Record<string, unknown> = {}): DataMasterError {
  return new DataMasterError('E_MLEBENCH_METRIC', message, details);
}

function sameLength(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) throw metricError(`${what}: ${a.length} true values but ${b.length} predictions`);
  if (a.length === 0) throw metricError(`${what}: no rows to score`);
}

function finite(xs: Num, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    if (!Number.isFinite(x)) throw metricError(`${what}: value ${x} at position ${i + 1} is not a finite number`, { position: i + 1 });
  }
}

/**
 * Area under the ROC curve of a binary truth (two distinct values; the larger is the positive class, as
 * sklearn's roc_auc_score takes it) and scores. Tied scores count one half, which is exactly the area of
 * sklearn's trapezoidal ROC curve.
 */
export function rocAuc(yTrue: Num, yScore: Num): number {
  sameLength(yTrue, yScore, 'ROC AUC');
  finite(yTrue, 'ROC AUC truth');
  finite(yScore, 'ROC AUC scores');
  const classes = [...new Set(Array.from(yTrue))].sort((a, b) => a - b);
  if (classes.length < 2) throw metricError('ROC AUC: only one class present in the true labels; ROC AUC is not defined in that case');
  if (classes.length > 2) throw metricError(`ROC AUC: the true labels have ${classes.length} classes (${classes.slice(0, 5).join(', ')}...); a binary truth is required`);
  const pos = classes[1] as number;
  return rocAucBinary(Array.from(yTrue, (y) => y === pos), Array.from(yScore));
}

/** Mean of the per-column ROC AUC (sklearn's roc_auc_score on a label-indicator matrix, average='macro'). */
export function meanColumnwiseAuc(truthColumns: readonly Num[], scoreColumns: readonly Num[]): number {
  if (truthColumns.length !== scoreColumns.length || truthColumns.length === 0) {
    throw metricError(`column-wise ROC AUC: ${truthColumns.length} truth columns but ${scoreColumns.length} score columns`);
  }
  let sum = 0;
  for (let c = 0; c < truthColumns.length; c++) sum += rocAuc(truthColumns[c] as Num, scoreColumns[c] as Num);
  return sum / truthColumns.length;
}

/** float64 machine epsilon: sklearn clips probabilities to [eps, 1 - eps]. */
export const EPS = 2.220446049250313e-16;

function clip(p: number): number {
  return p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
}

/**
 * Multi-class log loss of one-hot truth rows and probability rows (sklearn's log_loss with an indicator
 * y_true): probabilities are clipped to [eps, 1 - eps] and not renormalised; natural log; mean over rows.
 */
export function logLossOneHot(truth: readonly Num[], proba: readonly Num[]): number {
  sameLength(truth, proba, 'log loss');
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as Num;
    const p = proba[i] as Num;
    if (t.length !== p.length) throw metricError(`log loss: row ${i + 1} has ${t.length} classes in the truth but ${p.length} probabilities`);
    for (let j = 0; j < t.length; j++) {
      const y = t[j] as number;
      const q = p[j] as number;
      if (Number.isNaN(q)) throw metricError(`log loss: probability at row ${i + 1}, class ${j + 1} is NaN`, { row: i + 1 });
      if (y !== 0) total -= y * Math.log(clip(q));
    }
  }
  return total / truth.length;
}

/**
 * Binary log loss of 0/1 labels and probabilities of the positive class (sklearn's log_loss with a 1-D
 * y_pred): the truth needs both classes, like sklearn's LabelBinarizer does.
 */
export function logLossBinary(yTrue: Num, p: Num): number {
  sameLength(yTrue, p, 'log loss');
  const classes = [...new Set(Array.from(yTrue))].sort((a, b) => a - b);
  if (classes.length !== 2) {
    throw metricError(`log loss: the true labels contain ${classes.length} distinct value(s) (${classes.join(', ')}); binary log loss needs two classes`);
  }
  const pos = classes[1] as number;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const q = p[i] as number;
    if (Number.isNaN(q)) throw metricError(`log loss: probability at row ${i + 1} is NaN`, { row: i + 1 });
    total -= Math.log(clip(yTrue[i] === pos ? q : 1 - q));
  }
  return total / yTrue.length;
}

export function rmse(yTrue: Num, yPred: Num): number {
  sameLength(yTrue, yPred, 'RMSE');
  finite(yTrue, 'RMSE truth');
  finite(yPred, 'RMSE predictions');
  return sdkRmse(Array.from(yTrue), Array.from(yPred));
}

/** Root mean squared logarithmic error, log1p on both sides; values <= -1 are outside its domain. */
export function rmsle(yTrue: Num, yPred: Num): number {
  sameLength(yTrue, yPred, 'RMSLE');
  finite(yTrue, 'RMSLE truth');
  finite(yPred, 'RMSLE predictions');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] as number;
    const q = yPred[i] as number;
    if (t <= -1 || q <= -1) throw metricError(`RMSLE: value ${t <= -1 ? t : q} at position ${i + 1} is <= -1; RMSLE is undefined there`, { position: i + 1 });
    const d = Math.log1p(q) - Math.log1p(t);
    s += d * d;
  }
  return Math.sqrt(s / yTrue.length);
}

/**
 * Cohen's kappa with quadratic weights (sklearn's cohen_kappa_score(y1, y2, weights='quadratic')): the
 * labels are the sorted union of both inputs and the weight of a cell is the squared distance between the
 * label POSITIONS in that list. Inputs are class labels (integers).
 */
export function quadraticWeightedKappa(y1: Num, y2: Num): number {
  sameLength(y1, y2, 'quadratic weighted kappa');
  finite(y1, 'kappa');
  finite(y2, 'kappa');
  const labels = [...new Set([...Array.from(y1), ...Array.from(y2)])].sort((a, b) => a - b);
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const conf = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < y1.length; i++) (conf[index.get(y1[i] as number) as number] as Float64Array)[index.get(y2[i] as number) as number]! += 1;
  const sum0 = new Float64Array(k); // column sums
  const sum1 = new Float64Array(k); // row sums
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = (conf[i] as Float64Array)[j] as number;
      sum0[j]! += c;
      sum1[i]! += c;
      total += c;
    }
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = (i - j) * (i - j);
      num += w * ((conf[i] as Float64Array)[j] as number);
      // expected = outer(sum0, sum1) / total: cell (i, j) = sum0[i] * sum1[j] / total
      den += (w * ((sum0[i] as number) * (sum1[j] as number))) / total;
    }
  }
  return 1 - num / den;
}

/** Share of positions where truth and prediction are equal. */
export function accuracy<T>(yTrue: ArrayLike<T>, yPred: ArrayLike<T>, equal: (a: T, b: T) => boolean = (a, b) => a === b): number {
  sameLength(yTrue, yPred, 'accuracy');
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (equal(yTrue[i] as T, yPred[i] as T)) ok++;
  return ok / yTrue.length;
}

/** AP@k of one ranked prediction list against a set of relevant items (mlebench/metrics.py). */
export function averagePrecisionAtK<T>(actual: ReadonlySet<T>, predicted: readonly T[], k: number): number {
  const p = predicted.length > k ? predicted.slice(0, k) : predicted;
  let score = 0;
  let hits = 0;
  for (let i = 0; i < p.length; i++) {
    const item = p[i] as T;
    if (actual.has(item) && !p.slice(0, i).includes(item)) {
      hits += 1;
      score += hits / (i + 1);
    }
  }
  if (actual.size === 0) return 0;
  return score / Math.min(actual.size, k);
}

/** MAP@k: the mean of AP@k over rows. */
export function meanAveragePrecisionAtK<T>(actual: readonly ReadonlySet<T>[], predicted: readonly (readonly T[])[], k: number): number {
  sameLength(actual, predicted, 'MAP@K');
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += averagePrecisionAtK(actual[i] as ReadonlySet<T>, predicted[i] as readonly T[], k);
  return s / actual.length;
}

/**
 * Python's round(x, digits): the decimal nearest to the binary value, ties (an exact binary half) to even.
 * mlebench rounds every grade to 5 decimals before ranking it.
 */
export function pyRound(x: number, digits = 5): number {
  if (!Number.isFinite(x)) return x;
  const exact = Math.abs(x).toFixed(60);
  const dot = exact.indexOf('.');
  const keep = exact.slice(0, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  let roundUp: boolean;
  if (rest[0] === undefined || rest[0] < '5') roundUp = false;
  else if (rest[0] > '5' || /[1-9]/.test(rest.slice(1))) roundUp = true;
  else {
    const last = keep[keep.length - 1] as string;
    roundUp = Number(last) % 2 === 1;
  }
  let v = Number(keep);
  if (roundUp) v = Number((v + 10 ** -digits).toFixed(digits));
  return x < 0 ? -v : v;
}
