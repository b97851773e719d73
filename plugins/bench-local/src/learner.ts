import { DataMasterError } from '@datamaster/core';
import { columnsOf, queryRows, readerSql, sqlIdent, withDuck } from './duck.ts';
import { encodeRow, rowText, tokenize } from './encoder.ts';
import { forestClassify, forestRegress } from './learners/forest.ts';
import { naiveBayesClassify } from './learners/naive-bayes.ts';
import { scoreAll } from './metrics.ts';
import { Prng } from './prng.ts';
import type { TaskSpec } from './suite/spec.ts';
import type { Row } from './table.ts';

/**
 * Reads a table and lines it up with the task's columns: each task column cast to its declared type
 * (a cell that does not cast becomes null), a task column the file lacks becomes all null, other
 * columns are ignored.
 */
export async function readTaskTable(spec: TaskSpec, file: string, format = 'parquet'): Promise<Row[]> {
  return withDuck(async (conn) => {
    let present: string[];
    try {
      present = await columnsOf(conn, file, format);
    } catch (err) {
      throw new DataMasterError('E_BENCH_ARTIFACT', `${file}: cannot read as ${format} (${(err as Error).message}); the artifact must be a ${format} file with the task's columns`, { file }, { cause: err });
    }
    const wanted = [...spec.features.map((f) => ({ name: f.name, type: f.type })), { name: spec.label.name, type: spec.label.type }];
    const select = wanted
      .map((c) => (present.includes(c.name) ? `TRY_CAST(${sqlIdent(c.name)} AS ${c.type}) AS ${sqlIdent(c.name)}` : `CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`))
      .join(', ');
    return queryRows(conn, `SELECT ${select} FROM ${readerSql(file, format)}`);
  });
}

export interface LabelledRows {
  rows: Row[];
  y: number[];
  dropped: number;
}

/** Keeps rows whose label is usable: a declared class, or a finite number for regression. */
export function labelled(spec: TaskSpec, rows: readonly Row[]): LabelledRows {
  const out: Row[] = [];
  const y: number[] = [];
  const classes = spec.label.classes;
  for (const r of rows) {
    const v = r[spec.label.name];
    if (v === null || v === undefined) continue;
    if (classes) {
      const idx = classes.indexOf(String(v));
      if (idx < 0) continue;
      y.push(idx);
    } else {
      const x = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(x)) continue;
      y.push(x);
    }
    out.push(r);
  }
  return { rows: out, y, dropped: rows.length - out.length };
}

export interface FitResult {
  score: number;
  metrics: Record<string, number>;
}

/**
 * Trains the task's fixed learner on `train` and scores it on `heldOut`. `fidelity` in (0, 1] scales
 * the forest size (cheap, noisier estimates for screening); the text learner ignores it.
 */
export function fitAndScore(spec: TaskSpec, train: readonly Row[], heldOut: readonly Row[], seed: number, fidelity = 1): FitResult {
  const tr = labelled(spec, train);
  const te = labelled(spec, heldOut);
  const learner = spec.learner;
  let rows = tr.rows;
  let y = tr.y;
  if (rows.length > learner.maxRows) {
    // A fixed learner property: at most maxRows training rows, a seeded sample of them.
    const keep = new Prng(seed ^ 0x5eed).shuffle(rows.map((_, i) => i)).slice(0, learner.maxRows).sort((a, b) => a - b);
    rows = keep.map((i) => tr.rows[i] as Row);
    y = keep.map((i) => tr.y[i] as number);
  }
  const base = { trainRows: rows.length, droppedRows: tr.dropped, evalRows: te.rows.length };
  if (rows.length === 0) {
    throw new DataMasterError('E_BENCH_EMPTY', `task ${spec.name}: the artifact has no row with a usable '${spec.label.name}' label${spec.label.classes ? ` (one of ${spec.label.classes.join(', ')})` : ' (a number)'}; map the label column`, { task: spec.name });
  }
  let pred: number[];
  if (learner.kind === 'multinomial-nb') {
    const classes = spec.label.classes?.length ?? 0;
    const docs = rows.map((r) => tokenize(rowText(spec, r), learner.maxChars));
    const test = te.rows.map((r) => tokenize(rowText(spec, r), learner.maxChars));
    pred = naiveBayesClassify(learner.alpha, docs, y, classes, test);
  } else {
    const x = rows.map((r) => encodeRow(spec, r));
    const test = te.rows.map((r) => encodeRow(spec, r));
    const opts = {
      trees: Math.max(5, Math.round(learner.trees * Math.min(1, Math.max(0, fidelity)))),
      maxDepth: learner.maxDepth,
      maxFeatures: learner.maxFeatures,
      minNumSamples: learner.minNumSamples,
      seed,
    };
    pred =
      learner.kind === 'random-forest-classifier'
        ? forestClassify(opts, x, y, spec.label.classes?.length ?? 0, test)
        : forestRegress(opts, x, y, test);
  }
  const kind = spec.label.classes ? 'classification' : 'regression';
  const scores = scoreAll(kind, te.y, pred, spec.label.classes?.length ?? 0);
  const score = scores[spec.metric.name];
  const metrics: Record<string, number> = { ...scores, ...base };
  if (score === undefined) throw new DataMasterError('E_BENCH_METRIC', `task ${spec.name}: metric '${spec.metric.name}' does not apply to a ${kind} task`, { task: spec.name });
  return { score, metrics };
}
