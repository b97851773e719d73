import { DataMasterError } from '@datamaster/core';
import { getLearner, type FitOptions, type LearnerProblem } from '@datamaster/learners';
import { columnsOf, queryRows, readerSql, sqlIdent, withDuck } from './duck.ts';
import { scoreAll } from './metrics.ts';
import type { LearnerSpec, TaskSpec } from './suite/spec.ts';
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

/** The library learner and its parameters for a suite task's learner spec. */
export function libraryLearnerOf(learner: LearnerSpec): { name: string; params: Record<string, unknown> } {
  if (learner.kind === 'multinomial-nb') return { name: 'naive-bayes', params: { alpha: learner.alpha, maxChars: learner.maxChars, maxRows: learner.maxRows } };
  const { trees, maxDepth, maxFeatures, minNumSamples, maxRows } = learner;
  return { name: 'random-forest', params: { trees, maxDepth, maxFeatures, minNumSamples, maxRows } };
}

/** The learner problem of a suite task: its label, classes and fixed feature encodings. */
export function problemOf(spec: TaskSpec): LearnerProblem {
  const classes = spec.label.classes;
  return {
    taskType: classes ? (classes.length === 2 ? 'binary' : 'multiclass') : 'regression',
    label: spec.label.name,
    ...(classes ? { classes } : {}),
    features: spec.features,
  };
}

/**
 * Trains the task's fixed learner (from @datamaster/learners) on `train` and scores it on `heldOut`.
 * `fidelity` in (0, 1] scales the forest size (cheap, noisier estimates for screening); the text
 * learner ignores it. At most learner.maxRows training rows are used (a seeded sample).
 */
export function fitAndScore(spec: TaskSpec, train: readonly Row[], heldOut: readonly Row[], seed: number, fidelity = 1): FitResult {
  const tr = labelled(spec, train);
  const te = labelled(spec, heldOut);
  if (tr.rows.length === 0) {
    throw new DataMasterError('E_BENCH_EMPTY', `task ${spec.name}: the artifact has no row with a usable '${spec.label.name}' label${spec.label.classes ? ` (one of ${spec.label.classes.join(', ')})` : ' (a number)'}; map the label column`, { task: spec.name });
  }
  const base = { trainRows: Math.min(tr.rows.length, spec.learner.maxRows), droppedRows: tr.dropped, evalRows: te.rows.length };
  const { name, params } = libraryLearnerOf(spec.learner);
  const opts: FitOptions = { seed, fidelity, params };
  const predictions = getLearner(name).fitPredict(problemOf(spec), tr.rows, te.rows, opts);
  const classes = spec.label.classes;
  const index = new Map((classes ?? []).map((c, i) => [c, i] as const));
  const pred = predictions.values.map((v) => (classes ? (index.get(String(v)) as number) : (v as number)));
  const kind = classes ? 'classification' : 'regression';
  const scores = scoreAll(kind, te.y, pred, classes?.length ?? 0);
  const score = scores[spec.metric.name];
  const metrics: Record<string, number> = { ...scores, ...base };
  if (score === undefined) throw new DataMasterError('E_BENCH_METRIC', `task ${spec.name}: metric '${spec.metric.name}' does not apply to a ${kind} task`, { task: spec.name });
  return { score, metrics };
}
