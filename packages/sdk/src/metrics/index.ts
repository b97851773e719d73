/**
 * The metrics library: every metric a benchmark may score with, its direction, what it is computed
 * from and which task types it applies to. Pure functions over arrays; the definitions follow
 * scikit-learn (and Kaggle where a competition metric has its own definition: MAP@K, quadratic
 * weighted kappa, the column-wise means).
 */
import { DataMasterError } from '../errors.ts';
import { didYouMeanHint } from '../suggest.ts';
import type { MetricInfo, MetricInput, MetricTaskType } from './types.ts';

export type * from './types.ts';

/** Probabilities are clipped to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] before log loss (as Kaggle and older scikit-learn). */
export const LOG_LOSS_EPS = 1e-15;
/** K of map_at_k when neither the name ('map@5') nor the input gives one. */
export const DEFAULT_MAP_K = 3;

/** `k` is the K a name carried ('map@5'), if any. */
type Compute = (input: MetricInput, name: string, k?: number) => number;
interface Entry {
  info: MetricInfo;
  compute: Compute;
}

const CLASSIFICATION: MetricTaskType[] = ['binary', 'multiclass'];

// ---------------------------------------------------------------- input checks

function inputError(name: string, message: string, details: Record<string, unknown> = {}): DataMasterError {
  return new DataMasterError('E_METRIC_INPUT', `metric '${name}': ${message}`, { metric: name, ...details });
}

function finiteArray(name: string, field: string, xs: readonly number[] | undefined): readonly number[] {
  if (!xs) throw inputError(name, `input.${field} is required`, { field });
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(name, `input.${field}[${i}] is ${String(v)}, not a finite number`, { field, row: i });
  }
  return xs;
}

function truthOf(name: string, input: MetricInput): readonly number[] {
  const t = finiteArray(name, 'truth', input.truth);
  if (t.length === 0) throw inputError(name, 'no rows to score (input.truth is empty)');
  return t;
}

function sameLength(name: string, field: string, n: number, m: number): void {
  if (n !== m) throw inputError(name, `input.${field} has ${m} rows but input.truth has ${n}: one prediction per truth row`, { field });
}

function classIndices(name: string, field: string, xs: readonly number[], classes: number): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw inputError(name, `input.${field}[${i}] is ${v}, not a class index in 0..${classes - 1}`, { field, row: i });
    }
  }
}

/** Number of classes: input.classes, else the probability width, else the largest index + 1 (at least 2). */
function classCount(input: MetricInput): number {
  if (input.classes !== undefined) return input.classes;
  const width = input.proba?.[0]?.length;
  if (width !== undefined) return Math.max(2, width);
  let max = 1;
  for (const v of input.truth) if (v > max) max = v;
  for (const v of input.pred ?? []) if (v > max) max = v;
  return Math.floor(max) + 1;
}

/** Per row, a full probability vector of `classes` entries ([p1] -> [1 - p1, p1] for two classes). */
function probaRows(name: string, input: MetricInput, n: number, classes: number): number[][] {
  const proba = input.proba;
  if (!proba) throw inputError(name, 'input.proba is required (one probability per class per row)');
  sameLength(name, 'proba', n, proba.length);
  return proba.map((row, i) => {
    const full = row.length === 1 && classes === 2 ? [1 - (row[0] as number), row[0] as number] : row.slice();
    if (full.length !== classes) throw inputError(name, `input.proba[${i}] has ${row.length} entries; expected ${classes} (one per class)${classes === 2 ? ' or 1 (the positive class)' : ''}`, { field: 'proba', row: i });
    for (const p of full) {
      if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) throw inputError(name, `input.proba[${i}] holds ${String(p)}, not a probability >= 0`, { field: 'proba', row: i });
    }
    return full;
  });
}

/** Index of the largest entry (ties: the lower index). */
export function argmax(row: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
  return best;
}

/** Checked truth and predicted class indices (pred from input.pred, else argmax of input.proba). */
function labelsOf(name: string, input: MetricInput): { truth: readonly number[]; pred: readonly number[]; classes: number } {
  const truth = truthOf(name, input);
  const classes = classCount(input);
  let pred: readonly number[];
  if (input.pred) pred = finiteArray(name, 'pred', input.pred);
  else if (input.proba) pred = probaRows(name, input, truth.length, classes).map(argmax);
  else throw inputError(name, 'input.pred (class indices) or input.proba is required');
  sameLength(name, 'pred', truth.length, pred.length);
  classIndices(name, 'truth', truth, classes);
  classIndices(name, 'pred', pred, classes);
  return { truth, pred, classes };
}

function valuesOf(name: string, input: MetricInput): { truth: readonly number[]; pred: readonly number[] } {
  const truth = truthOf(name, input);
  const pred = finiteArray(name, 'pred', input.pred);
  sameLength(name, 'pred', truth.length, pred.length);
  return { truth, pred };
}

// ---------------------------------------------------------------- classification from labels

interface ClassCounts {
  tp: number[];
  fp: number[];
  fn: number[];
  /** Rows of each class in the truth. */
  support: number[];
}

function counts(truth: readonly number[], pred: readonly number[], classes: number): ClassCounts {
  const tp = new Array<number>(classes).fill(0);
  const fp = new Array<number>(classes).fill(0);
  const fn = new Array<number>(classes).fill(0);
  const support = new Array<number>(classes).fill(0);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = pred[i] as number;
    support[t] = (support[t] as number) + 1;
    if (t === p) tp[t] = (tp[t] as number) + 1;
    else {
      fp[p] = (fp[p] as number) + 1;
      fn[t] = (fn[t] as number) + 1;
    }
  }
  return { tp, fp, fn, support };
}

/** F1 of one class, 2tp / (2tp + fp + fn); 0 when the class is in neither truth nor predictions. */
function f1Of(c: ClassCounts, k: number): number {
  const tp = c.tp[k] as number;
  const d = 2 * tp + (c.fp[k] as number) + (c.fn[k] as number);
  return d === 0 ? 0 : (2 * tp) / d;
}

/** Classes seen in the truth or the predictions (scikit-learn's default label set). */
function present(c: ClassCounts): number[] {
  const out: number[] = [];
  for (let k = 0; k < c.tp.length; k++) if ((c.tp[k] as number) + (c.fp[k] as number) + (c.fn[k] as number) > 0) out.push(k);
  return out;
}

export function accuracy(truth: readonly number[], pred: readonly number[]): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return truth.length ? ok / truth.length : 0;
}

/** Mean recall over the classes present in the truth. */
export function balancedAccuracy(truth: readonly number[], pred: readonly number[], classes: number): number {
  const c = counts(truth, pred, classes);
  let sum = 0;
  let n = 0;
  for (let k = 0; k < classes; k++) {
    const s = c.support[k] as number;
    if (s === 0) continue;
    sum += (c.tp[k] as number) / s;
    n++;
  }
  return n ? sum / n : 0;
}

/** F1 of the positive class. */
export function f1Binary(truth: readonly number[], pred: readonly number[], positive = 1): number {
  let classes = Math.max(2, positive + 1);
  for (const v of truth) classes = Math.max(classes, v + 1);
  for (const v of pred) classes = Math.max(classes, v + 1);
  return f1Of(counts(truth, pred, classes), positive);
}

/** Mean F1 over the classes present in truth or predictions. */
export function f1Macro(truth: readonly number[], pred: readonly number[], classes: number): number {
  const c = counts(truth, pred, classes);
  let sum = 0;
  let n = 0;
  for (const k of present(c)) {
    sum += f1Of(c, k);
    n++;
  }
  return n ? sum / n : 0;
}

/** F1 of the pooled counts (equals accuracy for single-label classification over all classes). */
export function f1Micro(truth: readonly number[], pred: readonly number[], classes: number): number {
  const c = counts(truth, pred, classes);
  let num = 0;
  let den = 0;
  for (const k of present(c)) {
    num += 2 * (c.tp[k] as number);
    den += 2 * (c.tp[k] as number) + (c.fp[k] as number) + (c.fn[k] as number);
  }
  return den ? num / den : 0;
}

/** F1 per class weighted by the class's support in the truth. */
export function f1Weighted(truth: readonly number[], pred: readonly number[], classes: number): number {
  const c = counts(truth, pred, classes);
  let sum = 0;
  let w = 0;
  for (const k of present(c)) {
    const s = c.support[k] as number;
    sum += s * f1Of(c, k);
    w += s;
  }
  return w ? sum / w : 0;
}

/**
 * Cohen's kappa with quadratic weights, as Kaggle computes it: ratings are the integers between the
 * smallest and the largest value seen (values are rounded to the nearest integer), weight (i - j)^2.
 */
export function quadraticWeightedKappa(truth: readonly number[], pred: readonly number[]): number {
  const a = truth.map((v) => Math.round(v));
  const b = pred.map((v) => Math.round(v));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...a, ...b]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const m = hi - lo + 1;
  const observed = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const histA = new Array<number>(m).fill(0);
  const histB = new Array<number>(m).fill(0);
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) - lo;
    const y = (b[i] as number) - lo;
    (observed[x] as number[])[y] = ((observed[x] as number[])[y] as number) + 1;
    histA[x] = (histA[x] as number) + 1;
    histB[y] = (histB[y] as number) + 1;
  }
  const n = a.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const w = (i - j) * (i - j);
      num += w * ((observed[i] as number[])[j] as number);
      den += (w * (histA[i] as number) * (histB[j] as number)) / n;
    }
  }
  if (den === 0) throw new DataMasterError('E_METRIC_INPUT', `metric 'quadratic_weighted_kappa': undefined when the truth and the predictions are all the single value ${lo}`, { metric: 'quadratic_weighted_kappa' });
  return 1 - num / den;
}

// ---------------------------------------------------------------- classification from scores

/**
 * Area under the ROC curve of `scores` for `positive` rows (Mann-Whitney U with tied scores
 * sharing their mean rank). Undefined when all rows are of one kind: throws E_METRIC_INPUT.
 */
export function rocAucBinary(positive: readonly boolean[], scores: readonly number[], what = 'roc_auc'): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (scores[x] as number) - (scores[y] as number));
  let nPos = 0;
  for (const p of positive) if (p) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new DataMasterError(
      'E_METRIC_INPUT',
      `metric '${what}': ROC AUC is undefined when the truth has only one class (all ${n} rows are ${nPos ? 'positive' : 'negative'}): score on rows that hold both classes`,
      { metric: what, rows: n },
    );
  }
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1; // mean 1-based rank of the tied run i..j
    for (let k = i; k <= j; k++) if (positive[order[k] as number]) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * ROC AUC from class probabilities: binary, the positive class's score; multiclass, the macro mean of
 * one-vs-rest AUCs over the classes present in the truth (scikit-learn's multi_class='ovr').
 */
function rocAuc(input: MetricInput, name: string): number {
  const truth = truthOf(name, input);
  const classes = classCount(input);
  classIndices(name, 'truth', truth, classes);
  const proba = probaRows(name, input, truth.length, classes);
  if (classes === 2) {
    const pos = input.positive ?? 1;
    return rocAucBinary(truth.map((t) => t === pos), proba.map((r) => r[pos] as number), name);
  }
  let sum = 0;
  let used = 0;
  for (let c = 0; c < classes; c++) {
    const isC = truth.map((t) => t === c);
    const nC = isC.filter(Boolean).length;
    if (nC === 0 || nC === truth.length) continue;
    sum += rocAucBinary(isC, proba.map((r) => r[c] as number), name);
    used++;
  }
  if (used === 0) throw inputError(name, `ROC AUC is undefined when the truth has only one class (all ${truth.length} rows are class ${truth[0]}): score on rows that hold at least two classes`);
  return sum / used;
}

/** Mean negative log-likelihood of the true class; probabilities clipped to [eps, 1 - eps] and rows renormalised. */
function logLoss(input: MetricInput, name: string): number {
  const truth = truthOf(name, input);
  const classes = classCount(input);
  classIndices(name, 'truth', truth, classes);
  const proba = probaRows(name, input, truth.length, classes);
  let s = 0;
  for (let i = 0; i < truth.length; i++) {
    const row = (proba[i] as number[]).map((p) => Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p)));
    let total = 0;
    for (const p of row) total += p;
    s -= Math.log((row[truth[i] as number] as number) / total);
  }
  return s / truth.length;
}

/** Kaggle's average precision at k of one row. */
export function averagePrecisionAtK(relevant: readonly (string | number)[], ranked: readonly (string | number)[], k: number): number {
  if (relevant.length === 0) return 0;
  const top = ranked.slice(0, k);
  const rel = new Set(relevant);
  let hits = 0;
  let score = 0;
  for (let i = 0; i < top.length; i++) {
    const p = top[i] as string | number;
    if (rel.has(p) && !top.slice(0, i).includes(p)) {
      hits++;
      score += hits / (i + 1);
    }
  }
  return score / Math.min(relevant.length, k);
}

/** The k highest-probability classes of a row, best first (ties: the lower index). */
export function topK(row: readonly number[], k: number): number[] {
  return Array.from({ length: row.length }, (_, i) => i)
    .sort((a, b) => (row[b] as number) - (row[a] as number) || a - b)
    .slice(0, k);
}

function mapAtK(input: MetricInput, name: string, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw inputError(name, `k is ${k}; it must be an integer >= 1`);
  let ranked = input.ranked;
  let relevant = input.relevant;
  if (!ranked) {
    // From class probabilities: the k most probable classes against the true class.
    const truth = truthOf(name, input);
    const classes = classCount(input);
    classIndices(name, 'truth', truth, classes);
    ranked = probaRows(name, input, truth.length, classes).map((r) => topK(r, k));
    relevant = truth.map((t) => [t]);
  }
  if (!relevant) throw inputError(name, 'input.relevant is required with input.ranked (per row, the relevant items)');
  if (ranked.length === 0) throw inputError(name, 'no rows to score (input.ranked is empty)');
  if (relevant.length !== ranked.length) throw inputError(name, `input.ranked has ${ranked.length} rows but input.relevant has ${relevant.length}`);
  let s = 0;
  for (let i = 0; i < ranked.length; i++) s += averagePrecisionAtK(relevant[i] as (string | number)[], ranked[i] as (string | number)[], k);
  return s / ranked.length;
}

// ---------------------------------------------------------------- regression

export function mse(truth: readonly number[], pred: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += ((truth[i] as number) - (pred[i] as number)) ** 2;
  return truth.length ? s / truth.length : 0;
}

export function rmse(truth: readonly number[], pred: readonly number[]): number {
  return Math.sqrt(mse(truth, pred));
}

export function mae(truth: readonly number[], pred: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs((truth[i] as number) - (pred[i] as number));
  return truth.length ? s / truth.length : 0;
}

/** 1 - SS_res / SS_tot; a constant truth gives 1 for a perfect prediction, else 0 (scikit-learn's force_finite). */
export function r2(truth: readonly number[], pred: readonly number[]): number {
  let mean = 0;
  for (const v of truth) mean += v;
  mean /= truth.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < truth.length; i++) {
    res += ((truth[i] as number) - (pred[i] as number)) ** 2;
    tot += ((truth[i] as number) - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** sqrt(mean((log(1 + pred) - log(1 + truth))^2)); negative values are refused. */
export function rmsle(truth: readonly number[], pred: readonly number[], name = 'rmsle'): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = pred[i] as number;
    if (t < 0 || p < 0) {
      throw new DataMasterError(
        'E_METRIC_INPUT',
        `metric '${name}': row ${i} has a negative ${t < 0 ? `truth (${t})` : `prediction (${p})`}; RMSLE is defined for values >= 0: clip predictions at 0 or pick rmse`,
        { metric: name, row: i },
      );
    }
    s += (Math.log1p(p) - Math.log1p(t)) ** 2;
  }
  return Math.sqrt(s / truth.length);
}

function columnsOf(name: string, input: MetricInput): { truth: readonly (readonly number[])[]; pred: readonly (readonly number[])[] } {
  const truth = input.truthColumns;
  const pred = input.predColumns;
  if (!truth || !pred) throw inputError(name, 'input.truthColumns and input.predColumns are required (per target column, the truth and the predictions)');
  if (truth.length === 0) throw inputError(name, 'no columns to score (input.truthColumns is empty)');
  if (truth.length !== pred.length) throw inputError(name, `input.truthColumns has ${truth.length} columns but input.predColumns has ${pred.length}`);
  truth.forEach((t, j) => {
    finiteArray(name, `truthColumns[${j}]`, t);
    finiteArray(name, `predColumns[${j}]`, pred[j]);
    if (t.length === 0) throw inputError(name, `column ${j} has no rows`);
    if (t.length !== (pred[j] as readonly number[]).length) throw inputError(name, `column ${j}: ${t.length} truth rows but ${(pred[j] as readonly number[]).length} predictions`);
  });
  return { truth, pred };
}

// ---------------------------------------------------------------- the registry

const ENTRIES: Entry[] = [
  {
    info: { name: 'accuracy', direction: 'max', input: 'labels', taskTypes: CLASSIFICATION, aliases: ['acc', 'accuracy_score'], description: 'Share of rows whose predicted class is the true class.' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      return accuracy(l.truth, l.pred);
    },
  },
  {
    info: { name: 'balanced_accuracy', direction: 'max', input: 'labels', taskTypes: CLASSIFICATION, aliases: ['balanced_accuracy_score', 'bacc'], description: 'Mean recall over the classes present in the truth.' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      return balancedAccuracy(l.truth, l.pred, l.classes);
    },
  },
  {
    info: { name: 'f1_binary', direction: 'max', input: 'labels', taskTypes: ['binary'], aliases: ['f1', 'f1_score', 'binary_f1'], description: 'F1 of the positive class (input.positive, default class 1).' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      if (l.classes > 2) throw inputError(name, `needs two classes, the input has ${l.classes}: pick f1_macro, f1_micro or f1_weighted`);
      return f1Binary(l.truth, l.pred, input.positive ?? 1);
    },
  },
  {
    info: { name: 'f1_macro', direction: 'max', input: 'labels', taskTypes: CLASSIFICATION, aliases: ['macro_f1', 'f1macro'], description: 'Unweighted mean of per-class F1 over the classes in truth or predictions.' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      return f1Macro(l.truth, l.pred, l.classes);
    },
  },
  {
    info: { name: 'f1_micro', direction: 'max', input: 'labels', taskTypes: CLASSIFICATION, aliases: ['micro_f1'], description: 'F1 of the counts pooled over all classes.' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      return f1Micro(l.truth, l.pred, l.classes);
    },
  },
  {
    info: { name: 'f1_weighted', direction: 'max', input: 'labels', taskTypes: CLASSIFICATION, aliases: ['weighted_f1'], description: 'Mean of per-class F1 weighted by each class\'s support in the truth.' },
    compute: (input, name) => {
      const l = labelsOf(name, input);
      return f1Weighted(l.truth, l.pred, l.classes);
    },
  },
  {
    info: { name: 'quadratic_weighted_kappa', direction: 'max', input: 'labels', taskTypes: ['binary', 'multiclass', 'regression'], aliases: ['qwk', 'quadratic_kappa', 'cohen_kappa_quadratic'], description: 'Cohen\'s kappa with quadratic weights over integer ratings (class indices, or values rounded to integers), as Kaggle defines it.' },
    compute: (input, name) => {
      const truth = truthOf(name, input);
      let pred: readonly number[];
      if (input.pred) pred = finiteArray(name, 'pred', input.pred);
      else if (input.proba) pred = probaRows(name, input, truth.length, classCount(input)).map(argmax);
      else throw inputError(name, 'input.pred or input.proba is required');
      sameLength(name, 'pred', truth.length, pred.length);
      return quadraticWeightedKappa(truth, pred);
    },
  },
  {
    info: { name: 'roc_auc', direction: 'max', input: 'proba', taskTypes: CLASSIFICATION, aliases: ['auc', 'roc_auc_score', 'auroc', 'roc_auc_ovr'], description: 'Area under the ROC curve: of the positive class (binary) or the macro mean of one-vs-rest AUCs (multiclass).' },
    compute: (input, name) => rocAuc(input, name),
  },
  {
    info: { name: 'log_loss', direction: 'min', input: 'proba', taskTypes: CLASSIFICATION, aliases: ['logloss', 'cross_entropy', 'mlogloss', 'multi_logloss', 'binary_logloss'], description: `Mean negative log-probability of the true class; probabilities clipped to [${LOG_LOSS_EPS}, 1 - ${LOG_LOSS_EPS}] and rows renormalised.` },
    compute: (input, name) => logLoss(input, name),
  },
  {
    info: { name: 'map_at_k', direction: 'max', input: 'ranking', taskTypes: ['multiclass'], aliases: ['map@k', 'mapk', 'map'], description: `Kaggle's mean average precision at k (k from the name 'map@5', input.k, default ${DEFAULT_MAP_K}); from ranked lists, or from class probabilities against the true class.` },
    compute: (input, name, k) => mapAtK(input, name, k ?? input.k ?? DEFAULT_MAP_K),
  },
  {
    info: { name: 'mean_columnwise_roc_auc', direction: 'max', input: 'columns', taskTypes: ['binary'], aliases: ['columnwise_roc_auc', 'mean_column_roc_auc', 'mcauc'], description: 'Mean over target columns of each column\'s ROC AUC (0/1 truth, scores).' },
    compute: (input, name) => {
      const c = columnsOf(name, input);
      let s = 0;
      c.truth.forEach((t, j) => {
        const pos = t.map((v, i) => {
          if (v !== 0 && v !== 1) throw inputError(name, `truthColumns[${j}][${i}] is ${v}; a column's truth must be 0 or 1`);
          return v === 1;
        });
        s += rocAucBinary(pos, c.pred[j] as readonly number[], `${name} (column ${j})`);
      });
      return s / c.truth.length;
    },
  },
  {
    info: { name: 'rmse', direction: 'min', input: 'values', taskTypes: ['regression'], aliases: ['root_mean_squared_error'], description: 'Root mean squared error.' },
    compute: (input, name) => {
      const v = valuesOf(name, input);
      return rmse(v.truth, v.pred);
    },
  },
  {
    info: { name: 'mse', direction: 'min', input: 'values', taskTypes: ['regression'], aliases: ['mean_squared_error'], description: 'Mean squared error.' },
    compute: (input, name) => {
      const v = valuesOf(name, input);
      return mse(v.truth, v.pred);
    },
  },
  {
    info: { name: 'mae', direction: 'min', input: 'values', taskTypes: ['regression'], aliases: ['mean_absolute_error'], description: 'Mean absolute error.' },
    compute: (input, name) => {
      const v = valuesOf(name, input);
      return mae(v.truth, v.pred);
    },
  },
  {
    info: { name: 'rmsle', direction: 'min', input: 'values', taskTypes: ['regression'], aliases: ['root_mean_squared_log_error', 'root_mean_squared_logarithmic_error'], description: 'Root mean squared error of log(1 + x); truth and predictions must be >= 0.' },
    compute: (input, name) => {
      const v = valuesOf(name, input);
      return rmsle(v.truth, v.pred, name);
    },
  },
  {
    info: { name: 'mean_columnwise_rmsle', direction: 'min', input: 'columns', taskTypes: ['regression'], aliases: ['columnwise_rmsle', 'mcrmsle'], description: 'Mean over target columns of each column\'s RMSLE.' },
    compute: (input, name) => {
      const c = columnsOf(name, input);
      let s = 0;
      c.truth.forEach((t, j) => (s += rmsle(t, c.pred[j] as readonly number[], `${name} (column ${j})`)));
      return s / c.truth.length;
    },
  },
  {
    info: { name: 'r2', direction: 'max', input: 'values', taskTypes: ['regression'], aliases: ['r2_score', 'r^2', 'rsquared', 'r_squared'], description: 'Coefficient of determination, 1 - SS_res / SS_tot.' },
    compute: (input, name) => {
      const v = valuesOf(name, input);
      return r2(v.truth, v.pred);
    },
  },
];

const BY_NAME = new Map<string, Entry>();
for (const e of ENTRIES) {
  BY_NAME.set(e.info.name, e);
  for (const a of e.info.aliases ?? []) BY_NAME.set(a, e);
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function resolve(name: string): { entry: Entry; k?: number } | undefined {
  const n = normalise(name);
  const direct = BY_NAME.get(n);
  if (direct) return { entry: direct };
  const m = /^map_?(?:@|_at_|at)_?(\d+)$/.exec(n);
  if (m) return { entry: BY_NAME.get('map_at_k') as Entry, k: Number(m[1]) };
  return undefined;
}

function copyInfo(info: MetricInfo, k?: number): MetricInfo {
  return { ...info, taskTypes: [...info.taskTypes], ...(info.aliases ? { aliases: [...info.aliases] } : {}), ...(k !== undefined ? { k } : {}) };
}

/** Every metric, canonical names in a fixed order. */
export function listMetrics(): MetricInfo[] {
  return ENTRIES.map((e) => copyInfo(e.info));
}

/** The metric a name means (case-insensitive; aliases and 'map@5'-style names resolve), or undefined. */
export function metricInfo(name: string): MetricInfo | undefined {
  const r = resolve(name);
  return r ? copyInfo(r.entry.info, r.k) : undefined;
}

function unknown(name: string): DataMasterError {
  const names = ENTRIES.map((e) => e.info.name);
  const all = [...BY_NAME.keys()];
  return new DataMasterError(
    'E_METRIC_UNKNOWN',
    `unknown metric '${name}'${didYouMeanHint(normalise(name), all)}; known metrics: ${names.join(', ')} (aliases such as ${['f1', 'macro_f1', 'auc', 'logloss', 'qwk', 'map@3'].join(', ')} are accepted)`,
    { metric: name, known: names },
  );
}

/**
 * The metric a task names, checked against what the task says: throws E_METRIC_UNKNOWN (with the known
 * names and a did-you-mean), E_METRIC_DIRECTION (the task's direction contradicts the metric's) or
 * E_METRIC_TASK (the metric does not apply to the task type).
 */
export function checkMetric(name: string, opts: { direction?: 'max' | 'min'; taskType?: MetricTaskType } = {}): MetricInfo {
  const info = metricInfo(name);
  if (!info) throw unknown(name);
  const shown = normalise(name) === info.name ? `'${info.name}'` : `'${name}' (${info.name})`;
  if (opts.direction !== undefined && opts.direction !== info.direction) {
    throw new DataMasterError(
      'E_METRIC_DIRECTION',
      `metric ${shown} is ${info.direction === 'max' ? 'maximised' : 'minimised'}; the task says direction '${opts.direction}': set direction to '${info.direction}'`,
      { metric: info.name, direction: opts.direction, expected: info.direction },
    );
  }
  if (opts.taskType !== undefined && !info.taskTypes.includes(opts.taskType)) {
    const fits = ENTRIES.filter((e) => e.info.taskTypes.includes(opts.taskType as MetricTaskType)).map((e) => e.info.name);
    throw new DataMasterError(
      'E_METRIC_TASK',
      `metric ${shown} applies to ${info.taskTypes.join(' and ')} tasks, not to a ${opts.taskType} task: pick one of ${fits.join(', ')}`,
      { metric: info.name, taskType: opts.taskType, applies: info.taskTypes },
    );
  }
  return info;
}

/** Computes one metric. Throws E_METRIC_UNKNOWN for an unknown name and E_METRIC_INPUT for input it cannot score. */
export function computeMetric(name: string, input: MetricInput): number {
  const r = resolve(name);
  if (!r) throw unknown(name);
  return r.entry.compute(input, r.entry.info.name, r.k);
}

/**
 * The key a metric's value has in scoreAll's result: the canonical name, and for map_at_k the K too
 * ('map@5' -> 'map_at_5'; plain 'map_at_k' -> 'map_at_3', or the given default K).
 */
export function metricKey(name: string, defaultK = DEFAULT_MAP_K): string {
  const r = resolve(name);
  if (!r) throw unknown(name);
  return r.entry.info.name === 'map_at_k' ? `map_at_${r.k ?? defaultK}` : r.entry.info.name;
}

/** The metrics scoreAll computes by default for each task type (those whose input is available). */
export const DEFAULT_METRICS: Record<MetricTaskType, readonly string[]> = {
  binary: ['accuracy', 'balanced_accuracy', 'f1_binary', 'f1_macro', 'f1_micro', 'f1_weighted', 'roc_auc', 'log_loss'],
  multiclass: ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'quadratic_weighted_kappa', 'roc_auc', 'log_loss', 'map_at_k'],
  regression: ['rmse', 'mse', 'mae', 'r2', 'rmsle'],
};

export interface ScoreAllOptions {
  /**
   * Further metrics to compute, e.g. the task's own metric ('map@5', 'mean_columnwise_rmsle'). Unlike
   * the defaults, these are always computed: input they cannot score throws E_METRIC_INPUT.
   */
  also?: readonly string[];
  /** K for map_at_k when the name carries none (default 3). */
  k?: number;
  /** Round every value to this many decimals (e.g. 6 for stable comparisons). */
  digits?: number;
}

/**
 * Every default metric of the task type that the input allows (label metrics from pred or the argmax
 * of proba, probability metrics only with proba), plus `also`, keyed by metricKey (canonical name;
 * 'map_at_3' for MAP@3). A default metric undefined on this data (ROC AUC with one class in the truth,
 * RMSLE with negative values) is left out rather than thrown; call computeMetric for the error.
 */
export function scoreAll(taskType: MetricTaskType, input: MetricInput, opts: ScoreAllOptions = {}): Record<string, number> {
  const out: Record<string, number> = {};
  const digits = opts.digits;
  const round = digits === undefined ? (x: number) => x : (x: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const defaultK = opts.k ?? input.k ?? DEFAULT_MAP_K;
  const also = opts.also ?? [];
  const wanted = [...DEFAULT_METRICS[taskType].map((name) => ({ name, required: false })), ...also.map((name) => ({ name, required: true }))];
  for (const { name, required } of wanted) {
    const r = resolve(name);
    if (!r) throw unknown(name);
    const info = r.entry.info;
    const k = info.name === 'map_at_k' ? (r.k ?? defaultK) : undefined;
    const key = k === undefined ? info.name : `map_at_${k}`;
    if (key in out) continue;
    if (!required) {
      const kind = info.input;
      if ((kind === 'proba' || kind === 'ranking') && !input.proba && !input.ranked) continue;
      if (kind === 'labels' && !input.pred && !input.proba) continue;
      if (kind === 'values' && !input.pred) continue;
    }
    try {
      out[key] = round(r.entry.compute(input, info.name, k));
    } catch (err) {
      if (!required && err instanceof DataMasterError && err.code === 'E_METRIC_INPUT') continue;
      throw err;
    }
  }
  return out;
}
