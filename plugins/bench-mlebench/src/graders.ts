/**
 * Competition graders: TypeScript ports of mlebench/competitions/<id>/grade.py for the 22 Lite competitions.
 * Each reads the submission and the answers as CSV tables (raw strings), checks the submission the way the
 * reference does (a failed check there makes the submission invalid: here a DataMasterError with code
 * E_MLEBENCH_SUBMISSION naming the file, line and column) and computes the metric.
 *
 * Rows are matched by id (the reference sorts both tables by id and compares them position by position,
 * which is the same thing when the ids agree, and it checks that they do).
 */
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import { idKeys, isNumericColumn, parseNumber, PANDAS_NA, type CsvTable } from './csv.ts';
import { accuracy, logLossBinary, logLossOneHot, quadraticWeightedKappa, rmse, rmsle, rocAuc } from './metrics.ts';

export type GradeFn = (submission: CsvTable, answers: CsvTable) => number;

export function submissionError(table: CsvTable, message: string, details: Record<string, unknown> = {}): DataMasterError {
  return new DataMasterError('E_MLEBENCH_SUBMISSION', `${table.file}: ${message}`, { file: table.file, ...details });
}

function answersError(table: CsvTable, message: string): DataMasterError {
  return new DataMasterError('E_MLEBENCH_ANSWERS', `${table.file}: ${message}; the answers file is not what \`mlebench prepare\` writes: prepare the competition again`, { file: table.file });
}

function lineOf(t: CsvTable, row: number): number {
  return t.lines[row] ?? row + 2;
}

export function column(t: CsvTable, name: string): string[] {
  const c = t.columns.get(name);
  if (!c) throw new DataMasterError('E_MLEBENCH_INTERNAL', `${t.file}: column '${name}' was not read`, { file: t.file });
  return c;
}

/** Every name in `cols` must be a column of the submission. */
export function requireColumns(sub: CsvTable, cols: readonly string[]): void {
  const missing = cols.filter((c) => !sub.header.includes(c));
  if (missing.length) {
    const first = missing[0] as string;
    throw submissionError(
      sub,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}${missing.length === 1 ? didYouMeanHint(first, sub.header) : ''}; the header is: ${sub.header.join(', ')}`,
      { missing },
    );
  }
}

function requireAnswerColumns(ans: CsvTable, cols: readonly string[]): void {
  const missing = cols.filter((c) => !ans.header.includes(c));
  if (missing.length) throw answersError(ans, `missing column(s) ${missing.join(', ')}`);
}

/** The submission must have exactly these columns (any order). */
export function requireExactColumns(sub: CsvTable, cols: readonly string[]): void {
  requireColumns(sub, cols);
  const extra = sub.header.filter((c) => !cols.includes(c));
  if (extra.length) throw submissionError(sub, `unexpected column(s) ${extra.map((e) => `'${e}'`).join(', ')}: this competition's grader accepts exactly ${cols.join(', ')}`, { extra });
}

export function requireRowCount(sub: CsvTable, expected: number): void {
  if (sub.rows !== expected) throw submissionError(sub, `has ${sub.rows} rows but ${expected} are expected (one per test id)`, { rows: sub.rows, expected });
}

/**
 * For each answers row, the submission row with the same id. Duplicate ids pair in order of appearance.
 * Errors name the first submission row whose id is unknown or repeated, or the first answers id missing.
 */
export function alignById(sub: CsvTable, ans: CsvTable, idCol: string, subIdCol = idCol): Int32Array {
  const subIds = idKeys(column(sub, subIdCol));
  const ansIds = idKeys(column(ans, idCol));
  const want = new Map<string, number[]>();
  ansIds.forEach((id, i) => {
    const list = want.get(id);
    if (list) list.push(i);
    else want.set(id, [i]);
  });
  const perm = new Int32Array(ansIds.length).fill(-1);
  const used = new Map<string, number>();
  for (let r = 0; r < subIds.length; r++) {
    const id = subIds[r] as string;
    const slots = want.get(id);
    const raw = column(sub, subIdCol)[r];
    if (!slots) {
      throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${subIdCol} '${raw}' is not a test id of this competition`, { row: r + 1, line: lineOf(sub, r), id: raw });
    }
    const k = used.get(id) ?? 0;
    if (k >= slots.length) {
      throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${subIdCol} '${raw}' appears more than once; give one row per test id`, { row: r + 1, line: lineOf(sub, r), id: raw });
    }
    used.set(id, k + 1);
    perm[slots[k] as number] = r;
  }
  for (let i = 0; i < perm.length; i++) {
    if (perm[i] === -1) {
      throw submissionError(sub, `no row for ${subIdCol} '${column(ans, idCol)[i]}' (and ${perm.filter((p) => p === -1).length - 1} more test ids); give one row per test id`, { id: column(ans, idCol)[i] });
    }
  }
  return perm;
}

/** A submission column as numbers, in answers order; a non-numeric cell is an error naming its line. */
export function numbersOf(sub: CsvTable, col: string, perm: Int32Array, opts: { allowNaN?: boolean; range?: [number, number] } = {}): Float64Array {
  const raw = column(sub, col);
  const out = new Float64Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    const r = perm[i] as number;
    const x = parseNumber(raw[r] as string);
    if (x === undefined || (!opts.allowNaN && Number.isNaN(x))) {
      throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${col} '${raw[r]}' is not a number`, { row: r + 1, line: lineOf(sub, r), column: col });
    }
    if (opts.range && (x < opts.range[0] || x > opts.range[1])) {
      throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${col} ${raw[r]} is outside [${opts.range[0]}, ${opts.range[1]}]; submit probabilities`, { row: r + 1, line: lineOf(sub, r), column: col });
    }
    out[i] = x;
  }
  return out;
}

function answerNumbers(ans: CsvTable, col: string): Float64Array {
  const raw = column(ans, col);
  const out = new Float64Array(raw.length);
  raw.forEach((v, i) => {
    const x = parseNumber(v);
    if (x === undefined) throw answersError(ans, `line ${lineOf(ans, i)}: ${col} '${v}' is not a number`);
    out[i] = x;
  });
  return out;
}

// ---- the grader kinds ----

/** mlebench.competitions.utils.prepare_for_auroc_metric + roc_auc_score. */
export function aucGrader(idCol: string, target: string): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, target]);
    requireColumns(sub, [idCol, target]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    const score = numbersOf(sub, target, perm, { range: [0, 1] });
    return rocAuc(answerNumbers(ans, target), score);
  };
}

/** Mean ROC AUC over class columns, each checked like a single AUC target (RANZCR; plant pathology). */
export function meanAucGrader(idCol: string, classes: readonly string[], opts: { exactColumns?: boolean; range?: boolean } = {}): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, ...classes]);
    if (opts.exactColumns) requireExactColumns(sub, [idCol, ...classes]);
    else requireColumns(sub, [idCol, ...classes]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    let sum = 0;
    for (const c of classes) sum += rocAuc(answerNumbers(ans, c), numbersOf(sub, c, perm, opts.range ? { range: [0, 1] } : {}));
    return sum / classes.length;
  };
}

/** Jigsaw: macro ROC AUC over the class columns, leaving out answer rows marked -1 (not scored on Kaggle). */
export function columnwiseAucSkippingUnscored(idCol: string, classes: readonly string[]): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, ...classes]);
    requireColumns(sub, [idCol, ...classes]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    const truth = classes.map((c) => answerNumbers(ans, c));
    const keep: number[] = [];
    for (let i = 0; i < ans.rows; i++) {
      let s = 0;
      for (const t of truth) s += t[i] as number;
      if (s >= 0) keep.push(i);
    }
    let sum = 0;
    for (let c = 0; c < classes.length; c++) {
      const pred = numbersOf(sub, classes[c] as string, perm);
      const t = truth[c] as Float64Array;
      sum += rocAuc(keep.map((i) => t[i] as number), keep.map((i) => pred[i] as number));
    }
    return sum / classes.length;
  };
}

/** APTOS: quadratic weighted kappa of integer grades. */
export function qwkGrader(idCol: string, target: string): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, target]);
    requireColumns(sub, [target, idCol]);
    if (sub.rows === 0) throw submissionError(sub, 'has no rows');
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    const pred = numbersOf(sub, target, perm);
    pred.forEach((x, i) => {
      if (!Number.isInteger(x)) {
        const r = perm[i] as number;
        throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${target} ${column(sub, target)[r]} is not a class label; predict an integer grade`, { row: r + 1 });
      }
    });
    return quadraticWeightedKappa(pred, answerNumbers(ans, target));
  };
}

/** RMSE of one numeric target (New York City taxi fare; denoising dirty documents pixel values). */
export function rmseGrader(idCol: string, target: string): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, target]);
    requireColumns(sub, [idCol, target]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    return rmse(answerNumbers(ans, target), numbersOf(sub, target, perm));
  };
}

/** Nomad2018: the mean of the RMSLE of each target column. */
export function meanRmsleGrader(idCol: string, targets: readonly string[]): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, ...targets]);
    requireColumns(sub, [idCol, ...targets]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    let s = 0;
    for (const t of targets) s += rmsle(answerNumbers(ans, t), numbersOf(sub, t, perm));
    return s / targets.length;
  };
}

/** Dogs vs cats: binary log loss of the probability of label 1. */
export function binaryLogLossGrader(idCol: string, target: string): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, target]);
    requireColumns(sub, [idCol, target]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    return logLossBinary(answerNumbers(ans, target), numbersOf(sub, target, perm, { range: [0, 1] }));
  };
}

/**
 * Multi-class log loss on one-hot answers (dog breeds, leaves, spooky authors): the classes are the answers'
 * columns other than the id; every row of probabilities must lie in [0, 1] and sum to 1 (numpy isclose with
 * atol 1e-6 and its default rtol 1e-5).
 */
export function oneHotLogLossGrader(idCol: string, opts: { exactColumns?: boolean } = {}): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol]);
    const classes = ans.header.filter((c) => c !== idCol);
    if (opts.exactColumns) requireExactColumns(sub, [idCol, ...classes]);
    else requireColumns(sub, [idCol, ...classes]);
    requireRowCount(sub, ans.rows);
    const perm = alignById(sub, ans, idCol);
    const cols = classes.map((c) => numbersOf(sub, c, perm));
    const truthCols = classes.map((c) => answerNumbers(ans, c));
    const proba: Float64Array[] = [];
    const truth: Float64Array[] = [];
    for (let i = 0; i < ans.rows; i++) {
      const p = new Float64Array(classes.length);
      const t = new Float64Array(classes.length);
      let sum = 0;
      for (let c = 0; c < classes.length; c++) {
        const x = (cols[c] as Float64Array)[i] as number;
        if (!(x >= 0 && x <= 1)) {
          const r = perm[i] as number;
          throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): ${classes[c]} ${column(sub, classes[c] as string)[r]} is outside [0, 1]; submit probabilities`, { row: r + 1 });
        }
        p[c] = x;
        t[c] = (truthCols[c] as Float64Array)[i] as number;
        sum += x;
      }
      if (!(Math.abs(sum - 1) <= 1e-6 + 1e-5)) {
        const r = perm[i] as number;
        throw submissionError(sub, `line ${lineOf(sub, r)} (row ${r + 1}): the class probabilities sum to ${sum}, not 1; normalise each row`, { row: r + 1, sum });
      }
      proba.push(p);
      truth.push(t);
    }
    return logLossOneHot(truth, proba);
  };
}

/**
 * Accuracy of one target column. `asText` compares the cells as text the way pandas' astype(str) sees them
 * (an NA cell reads as 'nan'); otherwise a numeric answers column compares by value.
 */
export function accuracyGrader(idCol: string, target: string, opts: { asText?: boolean } = {}): GradeFn {
  return (sub, ans) => {
    requireAnswerColumns(ans, [idCol, target]);
    requireRowCount(sub, ans.rows);
    requireColumns(sub, [target, idCol]);
    const perm = alignById(sub, ans, idCol);
    const truthRaw = column(ans, target);
    const predRaw = column(sub, target);
    if (!opts.asText && isNumericColumn(truthRaw)) {
      const pred = numbersOf(sub, target, perm, { allowNaN: true });
      return accuracy(answerNumbers(ans, target), pred);
    }
    const text = (s: string) => (PANDAS_NA.has(s) ? 'nan' : s);
    const pred = Array.from(perm, (r) => text(predRaw[r] as string));
    return accuracy(truthRaw.map(text), pred);
  };
}
