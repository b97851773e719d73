import { join } from 'node:path';
import { DataMasterError, metricInfo, metricKey, readTable, scoreAll, type EvaluateInput, type MetricInput, type PluginContext, type Task } from '@datamaster/sdk';
import { declaredFeaturesReport, getLearner, runLearnerCommand, type FeatureColumn, type LearnerProblem, type Predictions } from '@datamaster/learners';
import { isCommandLearner, PLUGIN } from './config.ts';
import { uniqueValues, type Cell, type Row } from './infer.ts';
import { LAYOUT, prepareSetup, readState, type PrepareOutcome, type TabularSetup } from './prepare.ts';

type Ctx = PluginContext<Record<string, unknown>>;

// Per process and work dir: the prepared setup with the held-out rows (a run evaluates many artifacts).
const prepared = new Map<string, PrepareOutcome>();

export function remember(workDir: string, outcome: PrepareOutcome): void {
  prepared.set(workDir, outcome);
}

/** Forgets what this process prepared (tests). */
export function clearCaches(): void {
  prepared.clear();
}

/**
 * What prepare decided for this work dir, with the held-out rows. A process that did not call prepare
 * (a tool, a late worker) prepares again from prepared.json's task fields and the same config.
 */
export async function preparedFor(ctx: Ctx): Promise<PrepareOutcome> {
  let o = prepared.get(ctx.workDir);
  if (!o) {
    const st = await readState(ctx.workDir);
    if (!st) {
      throw new DataMasterError('E_BENCH_NOT_PREPARED', `${PLUGIN}: nothing prepared in ${ctx.workDir}: call prepare(task) in this process before evaluate or grade`, { plugin: PLUGIN, dir: ctx.workDir });
    }
    const task: Task = { ...st.task, description: '', benchmark: { plugin: PLUGIN, config: ctx.config } };
    o = await prepareSetup(task, ctx);
    if (o.setup.hash !== st.hash) ctx.logger.warn(`bench-tabular: the task's files or config changed since ${join(ctx.workDir, LAYOUT.state)} was written; prepared again`);
    prepared.set(ctx.workDir, o);
  }
  return o;
}

/** A label cell as the learner gets it: a class name, a finite number, or null (the row is not usable). */
function labelOf(setup: TabularSetup, v: Cell | undefined): string | number | null {
  if (v === null || v === undefined) return null;
  if (setup.classes) {
    const k = String(v);
    return setup.classes.includes(k) ? k : null;
  }
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(x) ? x : null;
}

export interface ScoreResult {
  score: number;
  metrics: Record<string, number>;
  seconds: number;
}

/**
 * Trains the task's fixed learner on the artifact's rows and scores its predictions for the held-out
 * rows (validation for evaluate, test for grade) with the task's metric and every other applicable one.
 */
export async function scoreArtifact(which: 'val' | 'test', input: EvaluateInput, ctx: Ctx): Promise<ScoreResult> {
  const started = performance.now();
  const { setup, val, test } = await preparedFor(ctx);
  const held = which === 'val' ? val : test;
  let artifact: { columns: { name: string; type: string }[]; rows: Row[] };
  try {
    artifact = await readTable(input.artifact.path, input.artifact.format);
  } catch (err) {
    throw new DataMasterError('E_BENCH_ARTIFACT', `${PLUGIN}: cannot read the artifact ${input.artifact.path}: ${(err as Error).message}`, { plugin: PLUGIN, file: input.artifact.path }, { cause: err });
  }
  const { label, id } = setup;
  let features: FeatureColumn[] = setup.features;
  if (setup.featureMode === 'all') {
    // Columns the artifact brings beyond the task's: features too, encoded from the artifact's own rows.
    const known = new Set([label, ...(id ? [id] : []), ...features.map((f) => f.name)]);
    const extra = artifact.columns.map((c) => c.name).filter((c) => !known.has(c));
    if (extra.length) {
      const rows = artifact.rows.map((r) => Object.fromEntries(extra.map((c) => [c, r[c] ?? null])));
      const types = extra.map((name) => ({ name, type: artifact.columns.find((c) => c.name === name)!.type }));
      const enc = declaredFeaturesReport(types, rows, { ...(setup.maxCategories !== undefined ? { maxCategories: setup.maxCategories } : {}) });
      features = [...features, ...enc.features];
    }
  }
  const names = features.map((f) => f.name);
  const pick = (r: Row): Row => Object.fromEntries(names.map((n) => [n, r[n] ?? null]));

  const train: Row[] = [];
  for (const r of artifact.rows) {
    const y = labelOf(setup, r[label]);
    if (y !== null) train.push({ ...pick(r), [label]: y });
  }
  const droppedRows = artifact.rows.length - train.length;
  if (train.length === 0) {
    const want = setup.classes ? `one of ${setup.classes.join(', ')}` : 'a finite number';
    throw new DataMasterError(
      'E_BENCH_EMPTY',
      `${PLUGIN}: the artifact ${input.artifact.path} has no row with a usable '${label}' label (${want}) among its ${artifact.rows.length} rows; map the source's label column onto '${label}' with the classes of the task`,
      { plugin: PLUGIN, file: input.artifact.path, rows: artifact.rows.length },
    );
  }
  // Held-out rows whose answer is unusable (a null, or a class the task never saw) cannot be scored.
  const evalRows: Row[] = [];
  const truth: (string | number)[] = [];
  for (const r of held) {
    const y = labelOf(setup, r[label]);
    if (y === null) continue;
    evalRows.push(r);
    truth.push(y);
  }
  if (evalRows.length === 0) {
    throw new DataMasterError('E_BENCH_EMPTY', `${PLUGIN}: the ${which === 'val' ? 'validation' : 'test'} rows have no usable '${label}' answer to score against`, { plugin: PLUGIN });
  }
  const withId = id !== undefined && uniqueValues(evalRows, id);
  const predict: Row[] = evalRows.map((r) => (withId ? { [id as string]: r[id as string] ?? null, ...pick(r) } : pick(r)));
  const problem: LearnerProblem = {
    taskType: setup.taskType,
    label,
    ...(setup.classes ? { classes: setup.classes } : {}),
    features,
    ...(withId ? { id } : {}),
  };

  const fidelity = input.fidelity;
  let preds: Predictions;
  if (isCommandLearner(setup.learner)) {
    const { features: _f, ...spec } = setup.learner;
    try {
      preds = await runLearnerCommand({
        spec,
        baseDir: ctx.baseDir,
        workDir: join(ctx.workDir, LAYOUT.learnerRuns),
        problem,
        train,
        predict,
        seed: input.seed,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
    } catch (err) {
      // The learner's own words (its stderr tail) stay in the message: this becomes node.failed.
      if (err instanceof DataMasterError) {
        throw new DataMasterError(err.code, `${PLUGIN}: the learner command failed on ${input.artifact.path} (${which === 'val' ? 'evaluate' : 'grade'}): ${err.message}`, { plugin: PLUGIN, artifact: input.artifact.path, ...err.details }, { cause: err });
      }
      throw err;
    }
  } else {
    preds = getLearner(setup.learner.name).fitPredict(problem, train, predict, {
      seed: input.seed,
      ...(fidelity !== undefined ? { fidelity } : {}),
      ...(setup.learner.params ? { params: setup.learner.params } : {}),
    });
  }
  const metrics = scorePredictions(setup, truth, preds);
  const key = metricKey(setup.metric.name);
  const score = metrics[key];
  if (score === undefined || !Number.isFinite(score)) {
    throw new DataMasterError('E_BENCH_METRIC', `${PLUGIN}: metric '${setup.metric.name}' could not be computed on the ${which === 'val' ? 'validation' : 'test'} rows`, { plugin: PLUGIN, metric: setup.metric.name });
  }
  return {
    score,
    metrics: { ...metrics, trainRows: train.length, droppedRows, evalRows: evalRows.length, unscoredRows: held.length - evalRows.length },
    seconds: (performance.now() - started) / 1000,
  };
}

/** The task's metric (required) and every other default metric of the task type the predictions allow. */
export function scorePredictions(setup: TabularSetup, truth: readonly (string | number)[], preds: Predictions): Record<string, number> {
  const n = truth.length;
  if (preds.values.length !== n) {
    throw new DataMasterError('E_BENCH_PREDICTION', `${PLUGIN}: the learner returned ${preds.values.length} predictions for ${n} rows`, { plugin: PLUGIN });
  }
  let input: MetricInput;
  if (setup.classes) {
    const classes = setup.classes;
    const index = (v: string | number, row: number, what: string): number => {
      const k = classes.indexOf(String(v));
      if (k < 0) throw new DataMasterError('E_BENCH_PREDICTION', `${PLUGIN}: ${what} ${JSON.stringify(v)} for row ${row} is not a class of the task (${classes.join(', ')})`, { plugin: PLUGIN, row });
      return k;
    };
    input = {
      truth: truth.map((t, i) => index(t, i, 'the answer')),
      pred: preds.values.map((p, i) => index(p, i, 'the learner predicted')),
      classes: classes.length,
      ...(preds.proba ? { proba: preds.proba } : {}),
    };
  } else {
    const pred = preds.values.map((p, i) => {
      const x = typeof p === 'number' ? p : Number(p);
      if (!Number.isFinite(x)) throw new DataMasterError('E_BENCH_PREDICTION', `${PLUGIN}: the learner predicted ${JSON.stringify(p)} for row ${i}, not a finite number`, { plugin: PLUGIN, row: i });
      return x;
    });
    input = { truth: truth as number[], pred };
  }
  try {
    return scoreAll(setup.taskType, input, { also: [setup.metric.name] });
  } catch (err) {
    const info = metricInfo(setup.metric.name);
    if (err instanceof DataMasterError && err.code === 'E_METRIC_INPUT' && info?.input === 'proba' && !preds.proba) {
      const who = isCommandLearner(setup.learner) ? `the learner command ${setup.learner.command.join(' ')} wrote no proba_<class> columns` : `the learner '${setup.learner.name}' gives no class probabilities`;
      throw new DataMasterError('E_BENCH_METRIC', `${PLUGIN}: metric '${info.name}' scores class probabilities, but ${who}; give probabilities or pick a label metric such as accuracy`, { plugin: PLUGIN, metric: info.name }, { cause: err });
    }
    throw err;
  }
}
