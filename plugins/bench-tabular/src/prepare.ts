import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { checkMetric, DataMasterError, queryRows, sqlIdent, withDuck, type PluginContext, type PreparedTask, type Task, type TaskColumn } from '@datamaster/sdk';
import { declaredFeaturesReport, getLearner, type FeatureColumn } from '@datamaster/learners';
import { isCommandLearner, PLUGIN, resolveConfig, type FeatureMode, type LearnerConfig, type ResolvedConfig, type ResolvedFile, type TaskTypeName } from './config.ts';
import { chooseTaskType, columnTypeOf, inferId, labelShape, sortClasses, typedValue, type Row } from './infer.ts';
import { splitRows, type Part } from './split.ts';
import { copyToParquet, loadTable, missingColumn, sha256File, tableRows, type ColumnInfo } from './tables.ts';

/** Version of prepared.json and of the rules that fill it. */
export const PREPARE_VERSION = 1;

/**
 * The files under ctx.workDir. The engine may read the folders of base and testInputs, so neither holds a
 * validation or test label; validation rows and test answers are never written into the run folder at
 * all: prepare derives them again in each process (deterministically) and keeps them in memory.
 */
export const LAYOUT = {
  base: 'base/train.parquet',
  testInputs: 'test-inputs/test.parquet',
  state: 'prepared.json',
  learnerRuns: 'learner-runs',
} as const;

/** Everything evaluate and grade need, fixed at prepare; written to prepared.json (no labels in it). */
export interface TabularSetup {
  v: typeof PREPARE_VERSION;
  /** sha256 of the inputs: config, task fields, seed and every input file's bytes. */
  hash: string;
  label: string;
  taskType: TaskTypeName;
  classes?: string[];
  id?: string;
  /** The declared features and their fixed encoding. */
  features: FeatureColumn[];
  featureMode: FeatureMode;
  learner: LearnerConfig;
  metric: { name: string; direction: 'max' | 'min' };
  maxCategories?: number;
  /** sha256 of each written file, and of the held-out rows kept in memory (same inputs, same digests). */
  files: Record<'base' | 'testInputs' | 'val' | 'test', string>;
  /** What prepare needs to run again in a process that did not call it (no labels in it). */
  task: Pick<Task, 'id' | 'metric' | 'seed' | 'data'>;
  prepared: PreparedTask;
}

/** A prepared task: the setup (written to prepared.json) and the held-out rows (memory only). */
export interface PrepareOutcome {
  setup: TabularSetup;
  /** Validation rows with their labels. */
  val: Row[];
  /** Test inputs with their answers joined on, in the test inputs' order. */
  test: Row[];
}

function benchError(code: string, message: string, details: Record<string, unknown> = {}): DataMasterError {
  return new DataMasterError(code, `${PLUGIN}: ${message}`, { plugin: PLUGIN, ...details });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Identity of a preparation: what was asked for and the bytes it was asked of (a change is logged on re-prepare). */
async function inputsHash(task: Task, cfg: ResolvedConfig): Promise<string> {
  const files: Record<string, { path: string; format: string; sha256: string }> = {};
  for (const f of [cfg.train, cfg.validation, cfg.testInputs, cfg.testAnswers]) {
    if (f) files[f.field] = { path: f.path, format: f.format, sha256: await sha256File(f.path) };
  }
  const { train: _t, validation: _v, testInputs: _ti, testAnswers: _ta, ...rest } = cfg;
  return sha256(JSON.stringify({ v: PREPARE_VERSION, files, config: rest, label: task.data?.label, columns: task.data?.columns ?? null, metric: task.metric }));
}

/** The prepared.json an earlier prepare wrote in `workDir`, if any. */
export async function readState(workDir: string): Promise<TabularSetup | undefined> {
  const file = join(workDir, LAYOUT.state);
  if (!existsSync(file)) return undefined;
  try {
    const st = JSON.parse(await readFile(file, 'utf8')) as TabularSetup;
    return st.v === PREPARE_VERSION ? st : undefined;
  } catch {
    return undefined;
  }
}

function rowsDigest(rows: readonly Row[]): string {
  return sha256(JSON.stringify(rows));
}

function checkColumn(code: string, what: string, name: string, file: ResolvedFile, cols: readonly ColumnInfo[], fix: string): void {
  const names = cols.map((c) => c.name);
  if (!names.includes(name)) throw missingColumn(code, what, name, file, names, fix);
}

interface Loaded {
  cfg: ResolvedConfig;
  label: string;
  train: { cols: ColumnInfo[]; rows: Row[] };
  val?: { cols: ColumnInfo[]; rows: Row[] };
  testInputs?: { cols: ColumnInfo[] };
  testAnswers?: { cols: ColumnInfo[] };
}

/** Which columns, and which is the id: checks every name the task and config use against the files. */
function resolveColumns(task: Task, l: Loaded) {
  const { cfg, label } = l;
  const trainNames = l.train.cols.map((c) => c.name);
  checkColumn('E_BENCH_LABEL', 'the label (data.label)', label, cfg.train, l.train.cols, 'Set data.label in the task file to the column to predict.');
  let id = cfg.id;
  if (id !== undefined) {
    checkColumn('E_BENCH_COLUMN', 'the id column (config/id)', id, cfg.train, l.train.cols, 'Fix config.id or remove it (then an id column is inferred).');
    if (id === label) throw benchError('E_BENCH_CONFIG', `config/id: '${id}' is the label; an id column is never the label`, { path: '/config/id' });
  } else {
    id = inferId(trainNames, l.train.rows, label);
  }
  const declared = task.data?.columns;
  if (declared) {
    declared.forEach((c, i) => {
      if (!trainNames.includes(c.name)) {
        throw missingColumn('E_BENCH_COLUMN', `the task column data.columns[${i}]`, c.name, cfg.train, trainNames, 'Fix its name in the task file or remove the entry.');
      }
    });
  }
  // The columns of the task (the engine keeps these in every artifact), in declared or file order.
  const taskNames = declared ? declared.map((c) => c.name) : trainNames.filter((n) => n !== id);
  if (!taskNames.includes(label)) taskNames.push(label);
  const features = taskNames.filter((n) => n !== label && n !== id);
  if (features.length === 0) throw benchError('E_BENCH_CONFIG', `no feature columns: ${cfg.train.path} has only ${trainNames.join(', ')}; a learner needs at least one column besides the label${id ? ' and the id' : ''}`, { file: cfg.train.path });
  const keyColumns = cfg.keyColumns ?? features;
  if (cfg.keyColumns) {
    for (const k of cfg.keyColumns) {
      checkColumn('E_BENCH_COLUMN', 'the key column (config/keyColumns)', k, cfg.train, l.train.cols, 'Fix config.keyColumns.');
      // Artifacts carry the task's columns only: a key column must be one of them.
      if (!taskNames.includes(k)) {
        throw benchError('E_BENCH_CONFIG', `config/keyColumns: '${k}' is not a column of the task (${taskNames.join(', ')}); artifacts keep only the task's columns, so the contamination check could not compare it. Add it to data.columns or drop it from keyColumns`, { path: '/config/keyColumns' });
      }
    }
  }
  // The split column matters whenever something is carved (validation, test or both).
  if (cfg.split.column !== undefined && (!cfg.validation || !cfg.testInputs)) {
    checkColumn('E_BENCH_COLUMN', `the ${cfg.split.method} split column (config/split/column)`, cfg.split.column, cfg.train, l.train.cols, 'Fix config.split.column.');
  }
  // The validation file and test inputs must carry every feature (and the validation file the label).
  if (l.val && cfg.validation) {
    checkColumn('E_BENCH_LABEL', 'the label (data.label)', label, cfg.validation, l.val.cols, 'The validation file needs the label column.');
    for (const f of features) checkColumn('E_BENCH_COLUMN', 'the feature', f, cfg.validation, l.val.cols, 'The validation file needs every feature column of the train file.');
  }
  if (l.testInputs && cfg.testInputs) {
    for (const f of features) checkColumn('E_BENCH_COLUMN', 'the feature', f, cfg.testInputs, l.testInputs.cols, 'The test inputs need every feature column of the train file.');
    for (const k of keyColumns) checkColumn('E_BENCH_COLUMN', 'the key column', k, cfg.testInputs, l.testInputs.cols, 'The contamination check compares the key columns with the test inputs; fix config.keyColumns.');
  }
  if (l.testAnswers && cfg.testAnswers) {
    checkColumn('E_BENCH_LABEL', 'the label (data.label)', label, cfg.testAnswers, l.testAnswers.cols, 'The test answers need the label column (and the id column to join on, or the test inputs\' row order).');
  }
  return { id, taskNames, features, keyColumns };
}

/** The task type from config, metric and the label's values; the metric is checked against it. */
function resolveTaskType(task: Task, l: Loaded): { taskType: TaskTypeName; classes?: string[] } {
  const values = [...l.train.rows.map((r) => r[l.label] ?? null), ...(l.val?.rows ?? []).map((r) => r[l.label] ?? null)];
  const shape = labelShape(values);
  if (shape.distinct < 2) {
    throw benchError('E_BENCH_LABEL', `the label '${l.label}' has ${shape.distinct === 0 ? 'no values' : 'a single value'} in ${l.cfg.train.path}; a task needs at least two classes or a varying number`, { file: l.cfg.train.path, column: l.label });
  }
  // Unknown names and a direction that contradicts the metric fail first, whatever the data.
  const info = checkMetric(task.metric.name, { direction: task.metric.direction });
  const taskType = l.cfg.taskType ?? chooseTaskType(shape, info.taskTypes);
  if (l.cfg.taskType && !shape.feasible.includes(l.cfg.taskType)) {
    const why = l.cfg.taskType === 'regression' ? 'is not numeric' : `has ${shape.distinct} distinct values`;
    throw benchError('E_BENCH_CONFIG', `config/taskType is '${l.cfg.taskType}' but the label '${l.label}' in ${l.cfg.train.path} ${why}; fix config.taskType or remove it (it is inferred)`, { path: '/config/taskType' });
  }
  checkMetric(task.metric.name, { direction: task.metric.direction, taskType });
  if (taskType === 'regression') return { taskType };
  return { taskType, classes: sortClasses(values) };
}

interface SplitOutcome {
  parts: Part[];
  counts: Record<Part, number>;
}

async function carve(conn: DuckDBConnection, l: Loaded, taskType: TaskTypeName): Promise<SplitOutcome> {
  const { cfg, label } = l;
  const s = cfg.split;
  const n = l.train.rows.length;
  const input = {
    n,
    method: s.method,
    valFraction: cfg.validation ? 0 : s.fraction,
    testFraction: cfg.testInputs ? 0 : s.testFraction,
    seed: s.seed,
    file: cfg.train.path,
    ...(s.column ? { column: s.column } : {}),
  };
  if (s.method === 'random') {
    const strata = taskType === 'regression' ? undefined : l.train.rows.map((r) => (r[label] === null || r[label] === undefined ? null : String(r[label])));
    return splitRows({ ...input, ...(strata ? { strata } : {}) });
  }
  const col = s.column as string;
  if (s.method === 'group') {
    return splitRows({ ...input, groups: l.train.rows.map((r) => (r[col] === null || r[col] === undefined ? '\u0000null' : JSON.stringify(r[col]))) });
  }
  // time: DuckDB orders by the column's own type (dates, timestamps, numbers); ties in file order.
  const ordered = await queryRows(conn, `SELECT rowid AS r, dense_rank() OVER (ORDER BY ${sqlIdent(col)} ASC NULLS FIRST) AS k FROM train_src ORDER BY ${sqlIdent(col)} ASC NULLS FIRST, rowid`);
  const rank = new Array<number>(n).fill(0);
  for (const o of ordered) rank[o.r as number] = o.k as number;
  return splitRows({ ...input, time: { order: ordered.map((o) => o.r as number), rank } });
}

/** The test inputs with their answers joined on (by id, or by row order), in the test inputs' order. */
async function joinAnswers(conn: DuckDBConnection, l: Loaded, id: string | undefined, inputCols: string[]): Promise<{ how: 'id' | 'row order'; rows: Row[] }> {
  const ti = l.cfg.testInputs!;
  const ta = l.cfg.testAnswers!;
  const answerCols = l.testAnswers!.cols.map((c) => c.name);
  const inputsN = Number((await queryRows(conn, 'SELECT count(*) AS n FROM ti_src'))[0]!.n);
  const answersN = Number((await queryRows(conn, 'SELECT count(*) AS n FROM ta_src'))[0]!.n);
  const select = inputCols.map((c) => `i.${sqlIdent(c)}`).join(', ');
  const lab = sqlIdent(l.label);
  if (id && inputCols.includes(id) && answerCols.includes(id)) {
    const key = (t: string) => `CAST(${t}.${sqlIdent(id)} AS VARCHAR)`;
    const rowOf = async (sql: string) => (await queryRows(conn, sql))[0];
    // The first row that repeats an earlier id, with the row it repeats.
    const dup = (t: string) =>
      rowOf(`SELECT row, id, first FROM (SELECT rowid + 1 AS row, ${key(t)} AS id, row_number() OVER (PARTITION BY ${key(t)} ORDER BY rowid) AS k, min(rowid) OVER (PARTITION BY ${key(t)}) + 1 AS first FROM ${t === 'a' ? 'ta_src' : 'ti_src'} ${t}) WHERE k = 2 ORDER BY row LIMIT 1`);
    const dupA = await dup('a');
    if (dupA) throw benchError('E_BENCH_ANSWERS', `${ta.path} (config/testAnswers) row ${dupA.row}: id ${dupA.id} appears more than once (first at row ${dupA.first}); each test input needs exactly one answer`, { file: ta.path, row: dupA.row });
    const dupI = await dup('i');
    if (dupI) throw benchError('E_BENCH_ANSWERS', `${ti.path} (config/testInputs) row ${dupI.row}: id ${dupI.id} appears more than once (first at row ${dupI.first}); ids of the test inputs must be unique`, { file: ti.path, row: dupI.row });
    const unknown = await rowOf(`SELECT a.rowid + 1 AS row, ${key('a')} AS id FROM ta_src a ANTI JOIN ti_src i ON ${key('i')} = ${key('a')} ORDER BY a.rowid LIMIT 1`);
    if (unknown) throw benchError('E_BENCH_ANSWERS', `${ta.path} (config/testAnswers) row ${unknown.row}: id ${unknown.id} is not an id of the test inputs ${ti.path}; the answers must be for exactly the test inputs`, { file: ta.path, row: unknown.row });
    const unanswered = await rowOf(`SELECT i.rowid + 1 AS row, ${key('i')} AS id FROM ti_src i ANTI JOIN ta_src a ON ${key('i')} = ${key('a')} ORDER BY i.rowid LIMIT 1`);
    if (unanswered) throw benchError('E_BENCH_ANSWERS', `${ti.path} (config/testInputs) row ${unanswered.row}: id ${unanswered.id} has no answer in ${ta.path}; the answers must cover every test input`, { file: ti.path, row: unanswered.row });
    return { how: 'id', rows: await queryRows(conn, `SELECT ${select}, a.${lab} AS ${lab} FROM ti_src i JOIN ta_src a ON ${key('i')} = ${key('a')} ORDER BY i.rowid`) };
  }
  if (inputsN !== answersN) {
    const byId = id ? ` (they cannot be joined by id: '${id}' is ${inputCols.includes(id) ? 'not in the answers' : 'not in the test inputs'})` : '';
    throw benchError(
      'E_BENCH_ANSWERS',
      `${ta.path} (config/testAnswers) has ${answersN} rows but ${ti.path} (config/testInputs) has ${inputsN}${byId}; answers without an id column are matched by row order, so row ${Math.min(inputsN, answersN) + 1} has no partner`,
      { file: ta.path, rows: answersN, inputs: inputsN },
    );
  }
  return { how: 'row order', rows: await queryRows(conn, `SELECT ${select}, a.${lab} AS ${lab} FROM ti_src i JOIN ta_src a ON i.rowid = a.rowid ORDER BY i.rowid`) };
}

async function writeParts(conn: DuckDBConnection, parts: readonly Part[]): Promise<void> {
  await conn.run('CREATE TABLE parts (r BIGINT, p VARCHAR)');
  const app = await conn.createAppender('parts');
  parts.forEach((p, r) => {
    app.appendBigInt(BigInt(r));
    app.appendVarchar(p);
    app.endRow();
  });
  app.closeSync();
}

function partSql(part: Part, exclude?: string): string {
  const cols = exclude ? `* EXCLUDE (${sqlIdent(exclude)})` : '*';
  return `SELECT ${cols} FROM train_src WHERE rowid IN (SELECT r FROM parts WHERE p = '${part}') ORDER BY rowid`;
}

/** A rows-only view for inference: the train part's rows, projected to `columns`. */
function project(rows: readonly Row[], columns: readonly string[]): Row[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
}

function checkLearner(learner: LearnerConfig, taskType: TaskTypeName): string {
  if (isCommandLearner(learner)) return `command ${learner.command.join(' ')}`;
  let lib;
  try {
    lib = getLearner(learner.name);
  } catch (err) {
    throw benchError('E_BENCH_CONFIG', `config/learner/name: ${(err as Error).message}`, { path: '/config/learner/name' });
  }
  if (!lib.taskTypes.includes(taskType)) {
    throw benchError('E_BENCH_CONFIG', `config/learner/name: '${learner.name}' does not learn ${taskType} tasks (it does ${lib.taskTypes.join(', ')}); choose another learner`, { path: '/config/learner/name' });
  }
  return learner.name;
}

/**
 * Reads the task's files, checks every name, infers what the task leaves out, carves the splits, writes
 * base/ and test-inputs/ under ctx.workDir and returns the held-out rows. Deterministic in (task, config,
 * files, seed): a file already there with the same bytes is left alone.
 */
export async function prepareSetup(task: Task, ctx: PluginContext<Record<string, unknown>>): Promise<PrepareOutcome> {
  const label = task.data?.label;
  if (!label) {
    throw benchError('E_BENCH_CONFIG', `the task has no label: set data.label in the task file to the column to predict (e.g. "data": {"label": "price"})`, { path: '/data/label' });
  }
  const cfg = resolveConfig(ctx.config, ctx.baseDir, task.seed ?? 0);
  const hash = await inputsHash(task, cfg);
  const outcome = await withDuck(async (conn): Promise<PrepareOutcome> => {
    const l: Loaded = { cfg, label, train: { cols: await loadTable(conn, 'train_src', cfg.train), rows: [] } };
    l.train.rows = await tableRows(conn, 'train_src');
    if (l.train.rows.length === 0) throw benchError('E_BENCH_EMPTY', `${cfg.train.path} (config/train) has no rows`, { file: cfg.train.path });
    if (cfg.validation) {
      const cols = await loadTable(conn, 'val_src', cfg.validation);
      l.val = { cols, rows: await tableRows(conn, 'val_src') };
      if (l.val.rows.length === 0) throw benchError('E_BENCH_EMPTY', `${cfg.validation.path} (config/validation) has no rows`, { file: cfg.validation.path });
    }
    if (cfg.testInputs && cfg.testAnswers) {
      l.testInputs = { cols: await loadTable(conn, 'ti_src', cfg.testInputs) };
      l.testAnswers = { cols: await loadTable(conn, 'ta_src', cfg.testAnswers) };
    }
    const { id, taskNames, features, keyColumns } = resolveColumns(task, l);
    const { taskType, classes } = resolveTaskType(task, l);
    const learnerName = checkLearner(cfg.learner, taskType);

    const split = await carve(conn, l, taskType);
    await writeParts(conn, split.parts);
    const out = (k: 'base' | 'testInputs') => join(ctx.workDir, LAYOUT[k]);
    await copyToParquet(conn, partSql('train'), out('base'));
    const val = l.val ? l.val.rows : await queryRows(conn, partSql('val'));
    let testJoin: 'id' | 'row order' | 'split';
    let test: Row[];
    if (l.testInputs) {
      const inputCols = l.testInputs.cols.map((c) => c.name).filter((c) => c !== label);
      if (inputCols.length < l.testInputs.cols.length) {
        ctx.logger.warn(`bench-tabular: the test inputs ${cfg.testInputs!.path} contain the label '${label}'; it is left out of the test inputs the search sees (the answers come from config/testAnswers)`);
      }
      const joined = await joinAnswers(conn, l, id, inputCols);
      testJoin = joined.how;
      test = joined.rows;
      await copyToParquet(conn, `SELECT ${inputCols.map(sqlIdent).join(', ')} FROM ti_src ORDER BY rowid`, out('testInputs'));
    } else {
      testJoin = 'split';
      test = await queryRows(conn, partSql('test'));
      await copyToParquet(conn, partSql('test', label), out('testInputs'));
    }

    // Feature encodings, once, from the rows the root trains on: every artifact is read with these.
    const baseRows = l.train.rows.filter((_, i) => split.parts[i] === 'train');
    const declaredTypes = new Map((task.data?.columns ?? []).map((c) => [c.name, c]));
    const typeOf = (name: string) => declaredTypes.get(name)?.type ?? columnTypeOf(l.train.cols.find((c) => c.name === name)!.type);
    const declaredCols = features.map((name) => {
      const d = declaredTypes.get(name);
      return { name, type: typeOf(name), ...(d?.values?.length ? { values: d.values } : {}) };
    });
    const report = declaredFeaturesReport(declaredCols, project(baseRows, features), { ...(cfg.maxCategories !== undefined ? { maxCategories: cfg.maxCategories } : {}) });
    const featureCols: FeatureColumn[] = report.features;
    for (const sk of report.skipped) ctx.logger.warn(`bench-tabular: column '${sk.name}' is not a feature: ${sk.reason}`);
    if (featureCols.length === 0) {
      throw benchError('E_BENCH_CONFIG', `no usable feature column: ${report.skipped.map((k) => `'${k.name}' (${k.reason})`).join('; ')}; declare other columns in data.columns or derive numeric ones`, { file: cfg.train.path });
    }

    const columns: TaskColumn[] = taskNames.map((name) => {
      const type = typeOf(name);
      const d = declaredTypes.get(name);
      const fc = featureCols.find((c) => c.name === name);
      const values = name === label ? classes : fc?.kind === 'categorical' ? fc.values : undefined;
      return {
        name,
        type,
        ...(d?.description ? { description: d.description } : {}),
        ...(d?.unit ? { unit: d.unit } : {}),
        ...(values ? { values: values.map((v) => typedValue(v, type)) } : {}),
      };
    });

    const info: Record<string, unknown> = {
      taskType,
      id: id ?? null,
      classes: classes ?? null,
      features: Object.fromEntries(featureCols.map((f) => [f.name, f.kind])),
      skipped: Object.fromEntries(report.skipped.map((k) => [k.name, k.reason])),
      split: {
        method: cfg.validation ? 'file' : cfg.split.method,
        fraction: cfg.validation ? null : cfg.split.fraction,
        testMethod: cfg.testInputs ? 'file' : cfg.split.method,
        testFraction: cfg.testInputs ? null : cfg.split.testFraction,
        seed: cfg.split.seed,
        column: cfg.split.column ?? null,
        trainRows: split.counts.train,
        valRows: val.length,
        testRows: test.length,
        testAnswersJoin: testJoin,
      },
      learner: isCommandLearner(cfg.learner) ? { command: cfg.learner.command, features: cfg.features } : { name: learnerName, params: cfg.learner.params ?? {}, features: cfg.features },
      metric: { name: checkMetric(task.metric.name).name, direction: task.metric.direction },
    };
    const prepared: PreparedTask = {
      base: { path: out('base'), format: 'parquet' },
      label,
      columns,
      testInputs: { path: out('testInputs'), format: 'parquet' },
      keyColumns,
      info,
    };
    const s: TabularSetup = {
      v: PREPARE_VERSION,
      hash,
      label,
      taskType,
      ...(classes ? { classes } : {}),
      ...(id ? { id } : {}),
      features: featureCols,
      featureMode: cfg.features,
      learner: cfg.learner,
      metric: { name: task.metric.name, direction: task.metric.direction },
      ...(cfg.maxCategories !== undefined ? { maxCategories: cfg.maxCategories } : {}),
      files: { base: await sha256File(out('base')), testInputs: await sha256File(out('testInputs')), val: rowsDigest(val), test: rowsDigest(test) },
      task: { id: task.id, metric: task.metric, ...(task.seed !== undefined ? { seed: task.seed } : {}), ...(task.data ? { data: task.data } : {}) },
      prepared,
    };
    return { setup: s, val, test };
  });
  // prepared.json: what was decided, for people and for a process that evaluates without having prepared.
  const stateFile = join(ctx.workDir, LAYOUT.state);
  await mkdir(ctx.workDir, { recursive: true });
  const text = JSON.stringify(outcome.setup, null, 2) + '\n';
  if (!existsSync(stateFile) || (await readFile(stateFile, 'utf8')) !== text) {
    const tmp = `${stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, stateFile);
  }
  logInferred(outcome.setup, ctx);
  return outcome;
}

/** One line for the CLI: what was inferred and how the rows were split. */
export function logInferred(setup: TabularSetup, ctx: PluginContext<Record<string, unknown>>): void {
  const i = setup.prepared.info as Record<string, any>;
  const label = setup.label;
  ctx.logger.info(
    `bench-tabular: ${i.taskType} task, label '${label}'${i.classes ? ` (classes ${(i.classes as string[]).join(', ')})` : ''}, id ${i.id ? `'${i.id}'` : 'none'}, ` +
      `features ${Object.entries(i.features as Record<string, string>).map(([k, v]) => `${k}:${v}`).join(', ')}; ` +
      `rows train ${i.split.trainRows}, validation ${i.split.valRows} (${i.split.method}), test ${i.split.testRows} (${i.split.testMethod}), seed ${i.split.seed}`,
    { ...i },
  );
}

