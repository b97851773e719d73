/**
 * What every library learner shares: parameter checking, labels (class order, rows whose label is
 * missing or unknown are dropped), the seeded maxRows sample, fidelity, and the Predictions shape.
 */
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import type { FitOptions, LearnerProblem, LibraryLearner, Predictions, Row, TaskType } from '../types.ts';
import { Prng } from '@datamaster/sdk';

export type ParamValue = number | string | boolean;

/** One hyper-parameter of a learner. */
export interface ParamSpec {
  name: string;
  description: string;
  /** 'int' and 'number' may also accept some strings (`choices`, e.g. maxFeatures 'sqrt'). */
  type: 'int' | 'number' | 'boolean';
  /** Default value; undefined = none (the learner decides, e.g. from the data). */
  default?: ParamValue;
  /** Inclusive bounds for numbers; `above` is an exclusive lower bound. */
  min?: number;
  max?: number;
  above?: number;
  choices?: readonly string[];
}

/** A learner's description: what `listLearners()` returns. */
export interface LearnerInfo {
  name: string;
  taskTypes: TaskType[];
  description: string;
  params: ParamSpec[];
}

/** Parameters every learner accepts. */
export const COMMON_PARAMS: ParamSpec[] = [
  { name: 'maxRows', type: 'int', min: 1, description: 'Train on at most this many rows: a seeded sample of the labelled rows (default: all).' },
];

function paramError(learner: string, message: string, details: Record<string, unknown>): DataMasterError {
  return new DataMasterError('E_LEARNER_PARAM', `learner '${learner}': ${message}`, { learner, ...details });
}

/** Checked parameters with defaults filled in; unknown names and bad values throw E_LEARNER_PARAM. */
export function readParams(learner: string, specs: readonly ParamSpec[], params: Record<string, unknown> | undefined): Record<string, ParamValue | undefined> {
  const all = [...specs, ...COMMON_PARAMS];
  const names = all.map((s) => s.name);
  const out: Record<string, ParamValue | undefined> = {};
  for (const s of all) out[s.name] = s.default;
  for (const [key, value] of Object.entries(params ?? {})) {
    const s = all.find((p) => p.name === key);
    if (!s) throw paramError(learner, `unknown parameter '${key}'${didYouMeanHint(key, names)}; it takes ${names.join(', ')}`, { param: key, known: names });
    if (value === undefined || value === null) continue;
    const where = `parameter '${key}' = ${JSON.stringify(value)}`;
    if (typeof value === 'string' && s.choices?.includes(value)) {
      out[key] = value;
      continue;
    }
    if (s.type === 'boolean') {
      if (typeof value !== 'boolean') throw paramError(learner, `${where}: expected true or false`, { param: key });
      out[key] = value;
      continue;
    }
    const choices = s.choices ? ` or one of ${s.choices.map((c) => `'${c}'`).join(', ')}` : '';
    if (typeof value !== 'number' || !Number.isFinite(value)) throw paramError(learner, `${where}: expected ${s.type === 'int' ? 'an integer' : 'a number'}${choices}`, { param: key });
    if (s.type === 'int' && !Number.isInteger(value)) throw paramError(learner, `${where}: expected an integer${choices}`, { param: key });
    if (s.min !== undefined && value < s.min) throw paramError(learner, `${where}: must be >= ${s.min}`, { param: key });
    if (s.max !== undefined && value > s.max) throw paramError(learner, `${where}: must be <= ${s.max}`, { param: key });
    if (s.above !== undefined && value <= s.above) throw paramError(learner, `${where}: must be > ${s.above}`, { param: key });
    out[key] = value;
  }
  return out;
}

/** Fidelity in [0, 1] (values outside are clamped, as the benchmarks always did); default 1. */
export function fidelityOf(learner: string, opts: FitOptions): number {
  const f = opts.fidelity ?? 1;
  if (typeof f !== 'number' || Number.isNaN(f)) throw paramError(learner, `fidelity ${String(f)} is not a number in (0, 1]`, { fidelity: f });
  return Math.min(1, Math.max(0, f));
}

function compareLabels(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The class order: problem.classes, else the distinct labels of the training rows sorted (numerically
 * when they are all numbers). Binary tasks need exactly two classes.
 */
export function classesOf(learner: string, problem: LearnerProblem, train: readonly Row[]): string[] {
  let classes = problem.classes;
  if (!classes) {
    const seen = new Set<string>();
    for (const r of train) {
      const v = r[problem.label];
      if (v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')) seen.add(String(v));
    }
    classes = [...seen].sort(compareLabels);
  }
  if (classes.length === 0) {
    throw new DataMasterError('E_LEARNER_EMPTY', `learner '${learner}': no training row has a '${problem.label}' label, so there is no class to learn; check the label column`, { learner, label: problem.label });
  }
  if (problem.taskType === 'binary' && classes.length !== 2) {
    throw new DataMasterError(
      'E_LEARNER_PROBLEM',
      `learner '${learner}': a binary task needs exactly two classes, '${problem.label}' has ${classes.length} (${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', ...' : ''}): make the task multiclass or map the label to two values`,
      { learner, classes },
    );
  }
  return classes;
}

export interface Labelled {
  rows: Row[];
  /** Class indices (classification) or numbers (regression). */
  y: number[];
  /** Rows dropped for a missing label, a label not in the classes, or a non-numeric regression label. */
  dropped: number;
}

/** The rows whose label is usable: a known class, or a finite number for regression. */
export function labelledRows(problem: LearnerProblem, classes: readonly string[] | undefined, rows: readonly Row[]): Labelled {
  const out: Row[] = [];
  const y: number[] = [];
  const index = classes ? new Map(classes.map((c, i) => [c, i] as const)) : undefined;
  for (const r of rows) {
    const v = r[problem.label];
    if (v === null || v === undefined) continue;
    if (index) {
      const idx = index.get(String(v));
      if (idx === undefined) continue;
      y.push(idx);
    } else {
      if (typeof v === 'string' && v.trim() === '') continue;
      const x = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(x)) continue;
      y.push(x);
    }
    out.push(r);
  }
  return { rows: out, y, dropped: rows.length - out.length };
}

/** At most `maxRows` of the rows: a seeded sample, kept in input order. */
export function sampleRows(l: Labelled, maxRows: number | undefined, seed: number): Labelled {
  if (maxRows === undefined || l.rows.length <= maxRows) return l;
  const keep = new Prng(seed ^ 0x5eed)
    .shuffle(l.rows.map((_, i) => i))
    .slice(0, maxRows)
    .sort((a, b) => a - b);
  return { rows: keep.map((i) => l.rows[i] as Row), y: keep.map((i) => l.y[i] as number), dropped: l.dropped };
}

/** What a learner's fit gets once the common checks are done. */
export interface FitContext {
  problem: LearnerProblem;
  /** Class names (classification); undefined for regression. */
  classes: string[] | undefined;
  /** Labelled training rows (after the maxRows sample) and their labels. */
  rows: Row[];
  y: number[];
  predict: readonly Row[];
  seed: number;
  fidelity: number;
  params: Record<string, ParamValue | undefined>;
}

/** What a learner's fit returns: class indices or numbers, and per-class probabilities. */
export interface FitOutput {
  pred: number[];
  proba?: number[][];
}

/** Builds a LibraryLearner around a fit: the shared checks, labels, sampling and output shape. */
export function defineLearner(info: LearnerInfo, fit: (ctx: FitContext) => FitOutput): LibraryLearner & { info: LearnerInfo } {
  return {
    name: info.name,
    taskTypes: info.taskTypes,
    info,
    fitPredict(problem: LearnerProblem, train: readonly Row[], predict: readonly Row[], opts: FitOptions): Predictions {
      if (!info.taskTypes.includes(problem.taskType)) {
        throw new DataMasterError('E_LEARNER_TASK', `learner '${info.name}' does not learn ${problem.taskType} tasks (it learns ${info.taskTypes.join(', ')}): pick another learner`, { learner: info.name, taskType: problem.taskType });
      }
      const params = readParams(info.name, info.params, opts.params);
      const fidelity = fidelityOf(info.name, opts);
      const seed = opts.seed ?? 0;
      const classes = problem.taskType === 'regression' ? undefined : classesOf(info.name, problem, train);
      const l = sampleRows(labelledRows(problem, classes, train), params.maxRows as number | undefined, seed);
      if (l.rows.length === 0) {
        throw new DataMasterError(
          'E_LEARNER_EMPTY',
          `learner '${info.name}': none of the ${train.length} training rows has a usable '${problem.label}' label${classes ? ` (one of ${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', ...' : ''})` : ' (a number)'}`,
          { learner: info.name, label: problem.label, rows: train.length },
        );
      }
      const out = fit({ problem, classes, rows: l.rows, y: l.y, predict, seed, fidelity, params });
      if (!classes) return { values: out.pred };
      return { values: out.pred.map((c) => classes[c] as string), ...(out.proba ? { proba: out.proba } : {}), classes };
    },
  };
}

/** A probability vector from scores (softmax, stable). */
export function softmax(scores: readonly number[]): number[] {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const e = scores.map((s) => Math.exp(s - max));
  let sum = 0;
  for (const v of e) sum += v;
  return e.map((v) => v / sum);
}

/** Index of the largest entry (ties: the lower index). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
  return best;
}

/** The classes present in `y` (sorted indices). */
export function presentClasses(y: readonly number[]): number[] {
  return [...new Set(y)].sort((a, b) => a - b);
}

/** Predictions of a constant: the single class seen in training (probability 1), or the mean. */
export function constantOutput(classes: readonly string[] | undefined, y: readonly number[], n: number): FitOutput {
  if (!classes) {
    let s = 0;
    for (const v of y) s += v;
    return { pred: new Array<number>(n).fill(s / y.length) };
  }
  const c = y[0] as number;
  const row = classes.map((_, i) => (i === c ? 1 : 0));
  return { pred: new Array<number>(n).fill(c), proba: Array.from({ length: n }, () => row.slice()) };
}
