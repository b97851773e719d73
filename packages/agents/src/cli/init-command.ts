/**
 * `datamaster init`: a task file for a person's own data. Reads the training file (and the optional validation
 * and test files) with DuckDB, infers column types, the task type, a default metric and the id column, carves a
 * seeded test split when no test files are given, points a local source at a pool folder, and writes a task for
 * `@datamaster/bench-tabular` that `datamaster run` takes as is. See docs/tasks.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DataMasterError,
  issuesOf,
  MANIFEST_FILE,
  resolvePluginDir,
  schemas,
  type Task,
  type TaskColumn,
} from '@datamaster/core';
import { listLearners } from '@datamaster/learners';
import { checkMetric, didYouMeanHint, Prng, queryRows, readerSql, sqlIdent, sqlString, tableFormatOf, withDuck, type TableCell, type TableFormat } from '@datamaster/sdk';

export type TaskType = 'binary' | 'multiclass' | 'regression';
export type SplitMethod = 'random' | 'group' | 'time';
type ColumnType = TaskColumn['type'];

export const BENCHMARK_PLUGIN = '@datamaster/bench-tabular';
export const SOURCE_PLUGIN = '@datamaster/source-local';

export const DEFAULT_LEARNER = 'random-forest';

/** Share of the labelled training rows carved off as test when no test files are given. */
export const DEFAULT_TEST_FRACTION = 0.2;
/** Share of the remaining training rows that bench-tabular holds out as validation at prepare. */
export const DEFAULT_VAL_FRACTION = 0.2;
/** A text or boolean column with at most this many distinct values lists them in the task (`values`). */
export const MAX_LISTED_VALUES = 20;
/** An integer label with at most this many distinct values (and few per row) is read as classes. */
export const MAX_INTEGER_CLASSES = 10;
/** A binary label whose rarer class is below this share gets f1_macro instead of accuracy. */
export const IMBALANCED_SHARE = 0.2;

const POOL_EXT: Record<string, string> = { '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.arrow': 'arrow' };
const POOL_DEPTH = 4;

export interface InitOptions {
  train: string;
  val?: string;
  testInputs?: string;
  testAnswers?: string;
  label: string;
  id?: string;
  pool?: string;
  metric?: string;
  taskType?: TaskType;
  learner?: string;
  /** A command line, split like a shell would (quotes respected, no expansion). */
  learnerCommand?: string;
  split?: SplitMethod;
  splitColumn?: string;
  testFraction?: number;
  valFraction?: number;
  seed?: number;
  budget?: number;
  /** The task file to write; default task.json in cwd. */
  out?: string;
  /** Task id; default from the training file's name. */
  name?: string;
  title?: string;
  description?: string;
  force?: boolean;
  /** Where relative paths in the options resolve; default process.cwd(). */
  cwd?: string;
}

export interface InferredColumn {
  name: string;
  /** DuckDB's type as read. */
  rawType: string;
  type: ColumnType;
  distinct: number;
  nulls: number;
  values?: (string | number | boolean)[];
}

export interface InitResult {
  taskFile: string;
  task: Task;
  /** Files written, absolute, the task file last. */
  written: string[];
  taskType: TaskType;
  taskTypeReason: string;
  metric: { name: string; direction: 'max' | 'min'; reason: string };
  id: string | null;
  idReason: string;
  columns: InferredColumn[];
  /** Class name -> labelled training rows (classification). */
  classes?: Record<string, number>;
  rows: { train: number; test: number | null; val: number | null };
  pool?: { dir: string; files: { file: string; format: string; rows: number | null; columns: string[]; shared: string[]; error?: string }[] };
}

function usage(message: string): DataMasterError {
  return new DataMasterError('E_USAGE', `${message}\n${INIT_USAGE}`);
}

export const INIT_USAGE = `usage: datamaster init --train FILE --label COLUMN [--id COLUMN] [--val FILE]
                       [--test-inputs FILE --test-answers FILE] [--pool DIR] [--metric NAME]
                       [--task-type binary|multiclass|regression] [--learner NAME | --learner-command "CMD ARGS"]
                       [--split random|group|time] [--split-column COLUMN] [--test-fraction F] [--val-fraction F]
                       [--seed N] [--budget N] [--name ID] [--title TEXT] [--description TEXT]
                       [--out task.json] [--force]`;

/**
 * Splits a command line into argv like a POSIX shell, without any expansion: whitespace separates words,
 * '...' is literal, "..." allows \\" \\\\ \\$ \\\` escapes, and a backslash outside quotes escapes the next character.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw usage(`--learner-command: unterminated ' quote at character ${i + 1} of: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) throw usage(`--learner-command: unterminated " quote in: ${line}`);
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw usage(`--learner-command: a trailing backslash escapes nothing in: ${line}`);
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(word);
  if (!out.length) throw usage('--learner-command is empty; give the command that trains and predicts, e.g. --learner-command "python3 train.py"');
  return out;
}

/** The task column type of a DuckDB type: integers BIGINT, other numbers DOUBLE, dates, timestamps, booleans; the rest VARCHAR. */
export function columnTypeOf(duckType: string): ColumnType {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t)) return 'BIGINT';
  if (/^(FLOAT|REAL|DOUBLE)$/.test(t) || t.startsWith('DECIMAL')) return 'DOUBLE';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return 'VARCHAR';
}

/** A run id from a file name: letters, digits, '_' and '-'. */
export function taskIdFrom(file: string): string {
  const base = basename(file, extname(file))
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return base || 'task';
}

/** A portable path of `target` relative to `from` (forward slashes). */
function relPath(from: string, target: string): string {
  const r = relative(from, target).split(sep).join('/');
  return r === '' ? '.' : r;
}

function fileLabel(file: string, cwd: string): string {
  const r = relative(cwd, file);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}

function needFile(flag: string, file: string, cwd: string): { path: string; format: TableFormat } {
  const path = resolve(cwd, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new DataMasterError('E_FILE_NOT_FOUND', `${flag} ${file}: no such file (looked at ${path})`, { flag, file: path });
  }
  const format = tableFormatOf(path);
  if (!format) {
    throw new DataMasterError('E_TABLE_FORMAT', `${flag} ${file}: cannot tell the table format from the file name; name it .csv, .tsv, .json, .jsonl or .parquet`, { flag, file: path });
  }
  return { path, format };
}

async function loadTable(conn: DuckDBConnection, table: string, flag: string, file: { path: string; format: TableFormat }): Promise<{ name: string; type: string }[]> {
  try {
    await conn.run(`CREATE TABLE ${sqlIdent(table)} AS SELECT * FROM ${readerSql(file.path, file.format)}`);
  } catch (err) {
    throw new DataMasterError('E_TABLE_READ', `${flag} ${file.path}: cannot read as ${file.format} (${(err as Error).message})`, { flag, file: file.path, format: file.format }, { cause: err });
  }
  return (await queryRows(conn, `DESCRIBE ${sqlIdent(table)}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  const rows = await queryRows(conn, sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

function missingColumn(what: string, name: string, file: string, columns: string[], fix: string): DataMasterError {
  return new DataMasterError(
    'E_COLUMN',
    `${what} '${name}' is not a column of ${file}${didYouMeanHint(name, columns)}; its columns are: ${columns.join(', ')}. ${fix}`,
    { column: name, file, columns },
  );
}

/** The metric named by --metric, checked by the sdk's metrics library against the task type; errors say --metric. */
function resolveMetric(name: string, taskType: TaskType, dflt: string): { name: string; direction: 'max' | 'min' } {
  try {
    const info = checkMetric(name, { taskType });
    return { name: info.name, direction: info.direction };
  } catch (err) {
    if (!(err instanceof DataMasterError)) throw err;
    throw new DataMasterError(err.code, `--metric ${name}: ${err.message} (the default here is ${dflt})`, { ...err.details, flag: '--metric' }, { cause: err });
  }
}

interface LabelFacts {
  type: ColumnType;
  distinct: number;
  labelled: number;
  nonInteger: number;
  classes: [string, number][];
}

/** Binary, multiclass or regression from the label's type and values, with the reason in words. */
export function inferTaskType(f: LabelFacts): { taskType: TaskType; reason: string } {
  const numeric = f.type === 'DOUBLE' || f.type === 'BIGINT';
  if (f.distinct === 2) return { taskType: 'binary', reason: `the label has 2 distinct values` };
  if (f.type === 'BOOLEAN') return { taskType: 'binary', reason: 'the label is boolean' };
  if (!numeric) return { taskType: 'multiclass', reason: `the label is ${f.type === 'VARCHAR' ? 'text' : f.type} with ${f.distinct} distinct values` };
  if (f.nonInteger > 0) return { taskType: 'regression', reason: `the label is numeric with fractional values (${f.distinct} distinct)` };
  if (f.distinct <= MAX_INTEGER_CLASSES && f.distinct * 20 <= f.labelled) {
    return { taskType: 'multiclass', reason: `the label is whole numbers with only ${f.distinct} distinct values over ${f.labelled} rows (pass --task-type regression if they are amounts)` };
  }
  return { taskType: 'regression', reason: `the label is whole numbers with ${f.distinct} distinct values` };
}

/** The default metric of a task type: accuracy, f1_macro for a binary label whose rarer class is under 20%, rmse. */
export function defaultMetric(taskType: TaskType, classes: [string, number][]): { name: string; reason: string } {
  if (taskType === 'regression') return { name: 'rmse', reason: 'default for regression' };
  if (taskType === 'binary') {
    const total = classes.reduce((s, [, n]) => s + n, 0);
    const rare = Math.min(...classes.map(([, n]) => n));
    if (total > 0 && rare / total < IMBALANCED_SHARE) {
      return { name: 'f1_macro', reason: `the rarer class is ${(100 * rare / total).toFixed(1)}% of rows, so accuracy would reward always answering the common one` };
    }
    return { name: 'accuracy', reason: 'default for a balanced binary label' };
  }
  return { name: 'accuracy', reason: 'default for classification' };
}

const ID_NAME = /^(id|row_?id|index|key|uuid|.*[_ -]id|.*[a-z]Id|.*ID)$/;

function cellKey(v: TableCell): string {
  return v === null ? '\u0000null' : typeof v === 'string' ? `s:${v}` : `${typeof v}:${String(v)}`;
}

/** Row ids (DuckDB rowid) of the carved test split. */
export function carveRows(
  rows: { r: number; label: TableCell; col: TableCell }[],
  o: { method: SplitMethod; fraction: number; seed: number; stratify: boolean; column?: string },
): { test: Set<number>; how: string } {
  const labelled = rows.filter((x) => x.label !== null);
  const want = Math.max(1, Math.round(labelled.length * o.fraction));
  const rng = new Prng(o.seed);
  const test = new Set<number>();
  if (o.method === 'random') {
    if (o.stratify) {
      const byClass = new Map<string, number[]>();
      for (const x of labelled) {
        const k = cellKey(x.label);
        const list = byClass.get(k);
        if (list) list.push(x.r);
        else byClass.set(k, [x.r]);
      }
      for (const k of [...byClass.keys()].sort()) {
        const ids = rng.shuffle(byClass.get(k)!);
        const take = Math.min(ids.length - 1, Math.round(ids.length * o.fraction));
        for (const r of ids.slice(0, Math.max(0, take))) test.add(r);
      }
      return { test, how: `random, stratified by label, seed ${o.seed}` };
    }
    for (const r of rng.shuffle(labelled.map((x) => x.r)).slice(0, want)) test.add(r);
    return { test, how: `random, seed ${o.seed}` };
  }
  if (o.method === 'group') {
    const byGroup = new Map<string, number[]>();
    for (const x of labelled) {
      const k = cellKey(x.col);
      const list = byGroup.get(k);
      if (list) list.push(x.r);
      else byGroup.set(k, [x.r]);
    }
    if (byGroup.size < 2) throw new DataMasterError('E_SPLIT', `--split group: column '${o.column}' has ${byGroup.size} group(s) among labelled rows; a group split needs at least 2`, { column: o.column });
    const groups = rng.shuffle([...byGroup.keys()].sort());
    let taken = 0;
    for (const g of groups) {
      if (taken >= want || taken + byGroup.get(g)!.length >= labelled.length) break;
      for (const r of byGroup.get(g)!) test.add(r);
      taken += byGroup.get(g)!.length;
    }
    return { test, how: `whole groups of '${o.column}' (${groups.length} groups), seed ${o.seed}` };
  }
  // time: the latest rows by the column; rows tied with the cut-off all go to test; null times stay in train.
  const timed = labelled.filter((x) => x.col !== null).sort((a, b) => {
    const x = a.col as string | number;
    const y = b.col as string | number;
    return x < y ? -1 : x > y ? 1 : a.r - b.r;
  });
  const wantTimed = Math.max(1, Math.round(timed.length * o.fraction));
  let first = timed.length - wantTimed;
  while (first > 0 && timed[first - 1]!.col === timed[first]!.col) first--;
  if (first <= 0) throw new DataMasterError('E_SPLIT', `--split time: column '${o.column}' has too few distinct values to hold out the latest ${Math.round(o.fraction * 100)}% of rows`, { column: o.column });
  for (const x of timed.slice(first)) test.add(x.r);
  return { test, how: `the latest rows by '${o.column}' (from ${String(timed[first]!.col)} on)` };
}

function listPool(dir: string): { path: string; rel: string; format: string }[] {
  const out: { path: string; rel: string; format: string }[] = [];
  const walk = (at: string, depth: number) => {
    for (const e of readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.')) continue;
      const path = join(at, e.name);
      if (e.isDirectory()) {
        if (depth < POOL_DEPTH) walk(path, depth + 1);
        continue;
      }
      const format = POOL_EXT[extname(e.name).toLowerCase()];
      if (e.isFile() && format && e.name !== 'catalog.json') out.push({ path, rel: relative(dir, path).split(sep).join('/'), format });
    }
  };
  walk(dir, 0);
  return out;
}

function inside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function outExt(format: TableFormat): string {
  return format === 'json' || format === 'jsonl' ? 'jsonl' : format;
}

function copySql(select: string, file: string, format: string): string {
  const opts = format === 'parquet' ? 'FORMAT PARQUET' : format === 'jsonl' ? 'FORMAT JSON' : format === 'tsv' ? "FORMAT CSV, HEADER, DELIMITER '\t'" : 'FORMAT CSV, HEADER';
  return `COPY (${select}) TO ${sqlString(file)} (${opts})`;
}

function fraction(flag: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(v > 0 && v < 1)) throw usage(`--${flag} must be a number between 0 and 1 (exclusive), got ${v}`);
  return v;
}

/**
 * Reads the files, infers what it can, writes the task (and, when carving, data/train, data/test-inputs and
 * data/test-answers next to it), and says what it did through `out`.
 */
export async function initTask(o: InitOptions, out: (line: string) => void = () => undefined): Promise<InitResult> {
  const cwd = resolve(o.cwd ?? process.cwd());
  const taskFile = resolve(cwd, o.out ?? 'task.json');
  const taskDir = dirname(taskFile);
  const show = (f: string) => fileLabel(f, cwd);
  if (existsSync(taskFile) && !o.force) {
    throw new DataMasterError('E_EXISTS', `${taskFile} already exists; pass --force to overwrite it, or --out another.task.json`, { file: taskFile });
  }
  if (!o.label) throw usage('--label is required: the column to predict');
  if ((o.testInputs === undefined) !== (o.testAnswers === undefined)) {
    throw usage('--test-inputs and --test-answers go together (inputs without the label, answers with it); give both, or neither to carve a test split from --train');
  }
  if (o.learner !== undefined && o.learnerCommand !== undefined) throw usage('give --learner (a library learner) or --learner-command (your own), not both');
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw usage(`--seed must be a whole number >= 0, got ${o.seed}`);
  if (o.budget !== undefined && (!Number.isInteger(o.budget) || o.budget < 1)) throw usage(`--budget must be a whole number >= 1, got ${o.budget}`);
  const testFraction = fraction('test-fraction', o.testFraction, DEFAULT_TEST_FRACTION);
  const valFraction = fraction('val-fraction', o.valFraction, DEFAULT_VAL_FRACTION);
  const method: SplitMethod = o.split ?? 'random';
  if (!['random', 'group', 'time'].includes(method)) throw usage(`--split must be random, group or time, got '${method}'`);
  if (o.taskType !== undefined && !['binary', 'multiclass', 'regression'].includes(o.taskType)) throw usage(`--task-type must be binary, multiclass or regression, got '${o.taskType}'`);
  if (o.splitColumn !== undefined && method === 'random') throw usage(`--split-column goes with --split group or --split time`);
  if (o.val !== undefined && o.valFraction !== undefined) throw usage('--val-fraction sizes a carved validation split; with --val there is none');
  if (o.val !== undefined && o.split !== undefined && o.testInputs !== undefined) {
    throw usage('with --val and test files there is nothing to split; drop --split');
  }
  const argv = o.learnerCommand !== undefined ? splitCommandLine(o.learnerCommand) : undefined;

  const train = needFile('--train', o.train, cwd);
  const val = o.val !== undefined ? needFile('--val', o.val, cwd) : undefined;
  const testIn = o.testInputs !== undefined ? needFile('--test-inputs', o.testInputs, cwd) : undefined;
  const testAns = o.testAnswers !== undefined ? needFile('--test-answers', o.testAnswers, cwd) : undefined;
  const carve = testIn === undefined;

  const poolDir = o.pool !== undefined ? resolve(cwd, o.pool) : undefined;
  if (poolDir !== undefined && (!existsSync(poolDir) || !statSync(poolDir).isDirectory())) {
    throw new DataMasterError('E_FILE_NOT_FOUND', `--pool ${o.pool}: no such folder (looked at ${poolDir})`, { file: poolDir });
  }

  const dataDir = join(taskDir, 'data');
  const ext = outExt(train.format);
  const outFiles = carve ? { train: join(dataDir, `train.${ext}`), testInputs: join(dataDir, `test-inputs.${ext}`), testAnswers: join(dataDir, `test-answers.${ext}`) } : undefined;
  if (outFiles) {
    const inputs = [train, val, testIn, testAns].filter((f) => f !== undefined).map((f) => realpathSync(f.path));
    for (const f of Object.values(outFiles)) {
      if (existsSync(f) && inputs.includes(realpathSync(f))) {
        throw new DataMasterError('E_EXISTS', `${f} is an input of this init and would be overwritten by the carved split; keep your files outside ${dataDir}, or write the task elsewhere with --out`, { file: f });
      }
      if (existsSync(f) && !o.force) throw new DataMasterError('E_EXISTS', `${f} already exists; pass --force to overwrite it, or write the task elsewhere with --out`, { file: f });
    }
  }
  if (poolDir !== undefined) {
    const real = realpathSync(poolDir);
    for (const f of [train, val, testIn, testAns]) {
      if (f && inside(real, realpathSync(f.path))) {
        throw new DataMasterError('E_POOL', `--pool ${o.pool} holds ${f.path}, a file of the task itself; candidates must be other data (the task's own rows in the pool would leak test rows); move the candidates to their own folder`, { pool: poolDir, file: f.path });
      }
    }
    if (outFiles && inside(real, dataDir)) {
      throw new DataMasterError('E_POOL', `--pool ${o.pool} would hold the carved test answers (${dataDir}); give the candidates their own folder, or write the task elsewhere with --out`, { pool: poolDir, file: dataDir });
    }
  }

  return withDuck(async (conn) => {
    const cols = await loadTable(conn, 'train', '--train', train);
    const names = cols.map((c) => c.name);
    if (!names.includes(o.label)) {
      throw new DataMasterError(
        'E_LABEL',
        `--label ${o.label}: no such column in ${train.path}${didYouMeanHint(o.label, names)}; its columns are: ${names.join(', ')}`,
        { label: o.label, file: train.path, columns: names },
      );
    }
    const nRows = await count(conn, 'SELECT count(*) FROM train');
    if (nRows < 2) throw new DataMasterError('E_TABLE_EMPTY', `--train ${train.path}: ${nRows} row(s); a task needs training rows`, { file: train.path });

    // Column facts, one query.
    const facts = (
      await queryRows(conn, `SELECT ${cols.map((c, i) => `count(DISTINCT ${sqlIdent(c.name)}) AS d${i}, count(*) - count(${sqlIdent(c.name)}) AS n${i}`).join(', ')} FROM train`)
    )[0]!;
    const columns: InferredColumn[] = [];
    for (const [i, c] of cols.entries()) {
      const type = columnTypeOf(c.type);
      const col: InferredColumn = { name: c.name, rawType: c.type, type, distinct: Number(facts[`d${i}`]), nulls: Number(facts[`n${i}`]) };
      const nested = /[[\]]|STRUCT|MAP|UNION/i.test(c.type);
      const listable = type === 'VARCHAR' || type === 'BOOLEAN' || (c.name === o.label && type === 'BIGINT');
      if (listable && !nested && col.distinct <= MAX_LISTED_VALUES) {
        const vals = await queryRows(conn, `SELECT DISTINCT ${sqlIdent(c.name)} AS v FROM train WHERE ${sqlIdent(c.name)} IS NOT NULL ORDER BY 1`);
        col.values = vals.map((r) => r.v as string | number | boolean);
      }
      columns.push(col);
    }
    const labelCol = columns.find((c) => c.name === o.label)!;
    const L = sqlIdent(o.label);
    const labelled = await count(conn, `SELECT count(${L}) FROM train`);
    if (labelled < 2) throw new DataMasterError('E_LABEL', `--label ${o.label}: ${labelled} labelled row(s) in ${train.path}; a task needs labelled rows`, { file: train.path, label: o.label });
    const numericLabel = labelCol.type === 'DOUBLE' || labelCol.type === 'BIGINT';
    const nonInteger = numericLabel ? await count(conn, `SELECT count(*) FROM train WHERE ${L} IS NOT NULL AND ${L}::DOUBLE <> round(${L}::DOUBLE)`) : 0;
    const classRows = labelCol.distinct <= 1000 ? await queryRows(conn, `SELECT ${L}::VARCHAR AS v, count(*) AS n FROM train WHERE ${L} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`) : [];
    const classList = classRows.map((r) => [String(r.v), Number(r.n)] as [string, number]);
    if (labelCol.distinct < 2) throw new DataMasterError('E_LABEL', `--label ${o.label}: every labelled row of ${train.path} has the same value; there is nothing to predict`, { file: train.path, label: o.label });

    const inferred = inferTaskType({ type: labelCol.type, distinct: labelCol.distinct, labelled, nonInteger, classes: classList });
    const taskType = o.taskType ?? inferred.taskType;
    const taskTypeReason = o.taskType ? 'given by --task-type' : inferred.reason;
    if (taskType === 'regression' && !numericLabel) {
      throw usage(`--task-type regression needs a numeric label, but '${o.label}' in ${train.path} is ${labelCol.rawType}`);
    }
    if (taskType === 'binary' && labelCol.distinct !== 2) {
      throw usage(`--task-type binary needs 2 label values, but '${o.label}' in ${train.path} has ${labelCol.distinct}`);
    }
    const classes = taskType === 'regression' ? undefined : Object.fromEntries(classList);

    // Metric.
    const dm = defaultMetric(taskType, classList);
    const metricName = o.metric ?? dm.name;
    const info = resolveMetric(metricName, taskType, dm.name);
    const metric = { name: info.name, direction: info.direction, reason: o.metric ? 'given by --metric' : dm.reason };

    // Id column.
    let id: string | null = null;
    let idReason: string;
    if (o.id !== undefined) {
      if (!names.includes(o.id)) throw missingColumn('--id', o.id, train.path, names, 'Give the column that names each row, or leave --id out.');
      if (o.id === o.label) throw usage('--id and --label name the same column');
      const c = columns.find((x) => x.name === o.id)!;
      if (c.distinct !== nRows) {
        const dup = await queryRows(conn, `SELECT ${sqlIdent(o.id)}::VARCHAR AS v, count(*) AS n FROM train GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 1`);
        const what = c.nulls ? `${c.nulls} empty value(s)` : `'${dup[0]?.v}' ${dup[0]?.n} times`;
        throw new DataMasterError('E_ID', `--id ${o.id}: the column is not unique in ${train.path} (${what}); an id must name each row once`, { file: train.path, column: o.id });
      }
      id = o.id;
      idReason = 'given by --id';
    } else {
      const guess = columns.find((c) => c.name !== o.label && ID_NAME.test(c.name) && c.nulls === 0 && c.distinct === nRows && (c.type === 'BIGINT' || c.type === 'VARCHAR'));
      id = guess?.name ?? null;
      idReason = guess ? `'${guess.name}' is named like an id and unique on every row` : 'no column is named like an id and unique; test answers follow the row order of the test inputs';
    }

    // Split for validation (and for carving the test).
    let splitColumn: string | undefined = o.splitColumn;
    if (method !== 'random') {
      if (splitColumn === undefined && method === 'time') {
        const times = columns.filter((c) => c.type === 'DATE' || c.type === 'TIMESTAMP');
        if (times.length === 1) splitColumn = times[0]!.name;
        else throw usage(`--split time needs --split-column: ${times.length ? `the date/time columns are ${times.map((c) => c.name).join(', ')}` : `no column of ${train.path} is a date or timestamp; name the column that orders rows in time`}`);
      }
      if (splitColumn === undefined) throw usage(`--split ${method} needs --split-column (the column whose values ${method === 'group' ? 'must not be shared between train and validation/test' : 'order the rows in time'})`);
      if (!names.includes(splitColumn)) throw missingColumn('--split-column', splitColumn, train.path, names, `Name the column to split by.`);
      if (splitColumn === o.label) throw usage('--split-column cannot be the label');
    }
    const split = val === undefined ? { method, fraction: valFraction, ...(splitColumn !== undefined ? { column: splitColumn } : {}), seed } : undefined;

    // Validation and test files given by the user: columns must line up with the training file.
    const features = names.filter((n) => n !== o.label && n !== id);
    const rows: InitResult['rows'] = { train: nRows, test: null, val: null };
    if (val) {
      const vc = (await loadTable(conn, 'val', '--val', val)).map((c) => c.name);
      const missing = names.filter((n) => !vc.includes(n) && n !== id);
      if (missing.length) throw new DataMasterError('E_COLUMN', `--val ${val.path}: missing column(s) ${missing.join(', ')} of the training file; validation rows need the features and the label`, { file: val.path, missing });
      rows.val = await count(conn, 'SELECT count(*) FROM val');
    }
    if (testIn && testAns) {
      const ic = (await loadTable(conn, 'test_inputs', '--test-inputs', testIn)).map((c) => c.name);
      if (ic.includes(o.label)) {
        throw new DataMasterError('E_COLUMN', `--test-inputs ${testIn.path} has the label column '${o.label}'; test inputs must not carry answers (put them in --test-answers)`, { file: testIn.path, label: o.label });
      }
      const missing = features.filter((n) => !ic.includes(n));
      if (missing.length) throw new DataMasterError('E_COLUMN', `--test-inputs ${testIn.path}: missing feature column(s) ${missing.join(', ')} of the training file`, { file: testIn.path, missing });
      const ac = (await loadTable(conn, 'test_answers', '--test-answers', testAns)).map((c) => c.name);
      if (!ac.includes(o.label)) throw missingColumn('the label', o.label, testAns.path, ac, 'Test answers need the label column.');
      if (id !== null && (!ic.includes(id) || !ac.includes(id))) {
        if (o.id !== undefined) {
          if (!ic.includes(id)) throw missingColumn('--id', id, testIn.path, ic, 'Test inputs need the id column to match their answers.');
          throw missingColumn('--id', id, testAns.path, ac, 'Test answers need the id column to match their inputs.');
        }
        idReason = `'${id}' looks like an id in train but is not in both test files, so answers follow the row order of the test inputs`;
        id = null;
      }
      const ni = await count(conn, 'SELECT count(*) FROM test_inputs');
      const na = await count(conn, 'SELECT count(*) FROM test_answers');
      if (id === null && ni !== na) {
        throw new DataMasterError('E_TEST_ROWS', `--test-inputs has ${ni} rows but --test-answers has ${na}; without an id column they are matched by row order, so the counts must agree (or pass --id)`, { inputs: ni, answers: na });
      }
      rows.test = ni;
    }

    // Carve the test split.
    let carved: { how: string; test: number; train: number } | undefined;
    if (carve && outFiles) {
      const S = splitColumn !== undefined ? sqlIdent(splitColumn) : 'NULL';
      // Column-wise, and only what the carve needs (a class key to stratify by, else whether the row is labelled).
      const stratify = taskType !== 'regression' && method === 'random';
      const K = stratify ? `${L}::VARCHAR` : `CASE WHEN ${L} IS NULL THEN NULL ELSE 1 END`;
      const splitType = splitColumn !== undefined ? columns.find((c) => c.name === splitColumn)!.type : undefined;
      // Groups compare as text; times as numbers, or as ISO text for dates and timestamps (which sorts the same).
      const C = splitColumn === undefined ? 'NULL' : method === 'group' || splitType === 'DATE' || splitType === 'TIMESTAMP' || splitType === 'VARCHAR' ? `${S}::VARCHAR` : S;
      const cols3 = (await conn.runAndReadAll(`SELECT rowid AS r, ${K} AS label, ${C} AS col FROM train ORDER BY rowid`)).getColumnsJS();
      const [rc, lc, cc] = [cols3[0]!, cols3[1]!, cols3[2]!];
      const key = (v: unknown): TableCell => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v));
      const rs = rc.map((r, i) => ({ r: Number(r), label: key(lc[i]), col: key(cc[i]) }));
      const { test, how } = carveRows(rs, { method, fraction: testFraction, seed, stratify, ...(splitColumn !== undefined ? { column: splitColumn } : {}) });
      if (test.size === 0 || test.size >= nRows) throw new DataMasterError('E_SPLIT', `${train.path}: carving ${Math.round(testFraction * 100)}% for test leaves ${test.size} test rows of ${nRows}; give more rows or --test-inputs/--test-answers`, { file: train.path });
      await conn.run('CREATE TABLE test_rows (r BIGINT)');
      const appender = await conn.createAppender('test_rows');
      for (const r of [...test].sort((a, b) => a - b)) {
        appender.appendBigInt(BigInt(r));
        appender.endRow();
      }
      appender.closeSync();
      carved = { how, test: test.size, train: nRows - test.size };
      rows.test = test.size;
      rows.train = nRows - test.size;
    }

    // Pool.
    let pool: InitResult['pool'];
    if (poolDir !== undefined) {
      const files = listPool(poolDir);
      if (!files.length) throw new DataMasterError('E_POOL', `--pool ${o.pool}: no csv, tsv, json, jsonl, parquet or arrow file in ${poolDir} (searched ${POOL_DEPTH + 1} levels deep)`, { pool: poolDir });
      pool = { dir: poolDir, files: [] };
      for (const f of files) {
        const fmt = f.format;
        if (fmt === 'arrow') {
          pool.files.push({ file: f.rel, format: fmt, rows: null, columns: [], shared: [], error: 'arrow files are offered as is (not profiled here)' });
          continue;
        }
        try {
          const pc = (await queryRows(conn, `DESCRIBE SELECT * FROM ${readerSql(f.path, fmt)}`)).map((r) => String(r.column_name));
          const n = await count(conn, `SELECT count(*) FROM ${readerSql(f.path, fmt)}`);
          pool.files.push({ file: f.rel, format: fmt, rows: n, columns: pc, shared: names.filter((n) => pc.some((c) => foldName(c) === foldName(n))) });
        } catch (err) {
          pool.files.push({ file: f.rel, format: fmt, rows: null, columns: [], shared: [], error: `cannot read: ${(err as Error).message.split('\n')[0]}` });
        }
      }
    }

    // Learner.
    let learner: Record<string, unknown>;
    let learnerText: string;
    if (argv) {
      const moved: string[] = [];
      const command = argv.map((a, i) => {
        if (isAbsolute(a) || (i === 0 && !a.includes('/') && !a.includes('\\'))) return a;
        const p = resolve(cwd, a);
        if (cwd !== taskDir && existsSync(p) && statSync(p).isFile()) {
          const r = relPath(taskDir, p);
          moved.push(`${a} -> ${r}`);
          return r;
        }
        return a;
      });
      learner = { command, features: 'declared' };
      learnerText = `command ${JSON.stringify(command)} (run in a scratch folder; relative paths resolve against the task's folder${moved.length ? `; rewritten: ${moved.join(', ')}` : ''})`;
    } else {
      const name = o.learner ?? DEFAULT_LEARNER;
      const library = listLearners();
      const learnerNames = library.map((l) => l.name);
      const types = library.find((l) => l.name === name)?.taskTypes;
      if (!types) throw usage(`--learner ${name}: not a library learner${didYouMeanHint(name, learnerNames)}; choose one of ${learnerNames.join(', ')}, or bring your own with --learner-command`);
      if (!types.includes(taskType)) throw usage(`--learner ${name} does not handle ${taskType} tasks; for ${taskType} use one of ${library.filter((l) => l.taskTypes.includes(taskType)).map((l) => l.name).join(', ')}`);
      learner = { name, params: {}, features: 'declared' };
      learnerText = `${name} (library)${o.learner ? '' : ', the default'}`;
    }

    // The task.
    const ref = (f: { path: string }) => relPath(taskDir, f.path);
    const config: Record<string, unknown> = {
      train: outFiles ? relPath(taskDir, outFiles.train) : ref(train),
      ...(val ? { validation: ref(val) } : {}),
      ...(split ? { split } : {}),
      testInputs: outFiles ? relPath(taskDir, outFiles.testInputs) : ref(testIn!),
      testAnswers: outFiles ? relPath(taskDir, outFiles.testAnswers) : ref(testAns!),
      ...(id !== null ? { id } : {}),
      taskType,
      learner,
    };
    const taskColumns: TaskColumn[] = columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.name === id ? { description: 'row id (never a feature)' } : c.name === o.label ? { description: `the label (${taskType})` } : {}),
      ...(c.values && (c.name === o.label ? taskType !== 'regression' : true) ? { values: c.values } : {}),
    }));
    const trainName = basename(train.path);
    const featureText = features.length > 12 ? `${features.slice(0, 12).join(', ')}, ... (${features.length} in all)` : features.join(', ');
    const task: Task = {
      id: o.name ?? taskIdFrom(train.path),
      title: o.title ?? `${o.label} from ${trainName}`,
      description:
        o.description ??
        `Predict ${o.label} (${taskType === 'regression' ? 'a number' : `${taskType}: ${classList.slice(0, 8).map(([c]) => c).join(', ')}${classList.length > 8 ? ', ...' : ''}`}) from ${featureText}. Rows from ${trainName}.`,
      benchmark: { plugin: BENCHMARK_PLUGIN, config },
      metric: { name: metric.name, direction: metric.direction },
      data: { label: o.label, columns: taskColumns },
      ...(poolDir !== undefined ? { sources: [{ plugin: SOURCE_PLUGIN, config: { dirs: [relPath(taskDir, poolDir)] } }] } : {}),
      budget: { nodes: o.budget ?? 16, seconds: 600, parallel: 2 },
      seed,
    };
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(task.id)) throw usage(`--name ${task.id}: a task id is letters, digits, '_' and '-' (starting with a letter or digit)`);
    schemas().parseInput('task', task, taskFile, 'see schemas/task.schema.json');
    checkAgainstPlugin(BENCHMARK_PLUGIN, config, taskDir, taskFile, '/benchmark/config');
    if (task.sources) checkAgainstPlugin(SOURCE_PLUGIN, task.sources[0]!.config ?? {}, taskDir, taskFile, '/sources/0/config');

    // Say what was inferred.
    out(`train ${show(train.path)}: ${nRows} rows, ${cols.length} columns`);
    const w = Math.max(...columns.map((c) => c.name.length));
    for (const c of columns) {
      const role = c.name === o.label ? '  <- label' : c.name === id ? '  <- id' : '';
      const extra = c.values && c.values.length ? `  values: ${c.values.slice(0, 8).join(', ')}${c.values.length > 8 ? ', ...' : ''}` : `  ${c.distinct} distinct`;
      out(`  ${c.name.padEnd(w)}  ${c.type.padEnd(9)}${c.nulls ? `  ${c.nulls} empty` : ''}${extra}${role}`);
    }
    out(`task type: ${taskType} (${taskTypeReason})`);
    if (classes) out(`classes: ${classList.map(([c, n]) => `${c} ${n}`).join(', ')}`);
    const dates = columns.filter((c) => (c.type === 'DATE' || c.type === 'TIMESTAMP') && c.name !== o.label && c.name !== id).map((c) => c.name);
    if (dates.length) out(`note: ${dates.join(', ')} ${dates.length > 1 ? 'are dates' : 'is a date'}; ${BENCHMARK_PLUGIN} does not encode dates as features (derive numbers such as month or day of year in your file, or with a recipe step)`);
    if (labelled < nRows) out(`note: ${nRows - labelled} row(s) have no ${o.label}; they stay in train and are never test rows`);
    out(`metric: ${metric.name} (${metric.direction}; ${metric.reason})`);
    out(`id column: ${id ?? 'none'} (${idReason})`);
    out(`learner: ${learnerText}`);
    if (split) out(`validation: ${Math.round(split.fraction * 100)}% of the training rows, split ${split.method}${split.column ? ` by '${split.column}'` : ''} (seed ${seed}) by the benchmark at prepare`);
    else out(`validation: ${show(val!.path)} (${rows.val} rows)`);
    if (!carve) out(`test: ${show(testIn!.path)} (${rows.test} rows) with answers in ${show(testAns!.path)}`);
    if (pool) {
      out(`pool ${show(pool.dir)}: ${pool.files.length} candidate file(s), offered through ${SOURCE_PLUGIN}`);
      for (const f of pool.files) {
        if (f.error) out(`  ${f.file}  ${f.format}  ${f.error}`);
        else out(`  ${f.file}  ${f.format}  ${f.rows} rows, ${f.shared.length}/${f.columns.length} columns shared with train${f.shared.includes(o.label) ? '' : `, no '${o.label}' column`}`);
      }
    }

    // Write.
    const written: string[] = [];
    if (carve && outFiles && carved) {
      mkdirSync(dataDir, { recursive: true });
      const order = 'ORDER BY rowid';
      const inTest = 'rowid IN (SELECT r FROM test_rows)';
      const inputCols = names.filter((n) => n !== o.label).map(sqlIdent).join(', ');
      const answerCols = (id !== null ? [id, o.label] : [o.label]).map(sqlIdent).join(', ');
      await conn.run(copySql(`SELECT * FROM train WHERE NOT (${inTest}) ${order}`, outFiles.train, ext));
      await conn.run(copySql(`SELECT ${inputCols} FROM train WHERE ${inTest} ${order}`, outFiles.testInputs, ext));
      await conn.run(copySql(`SELECT ${answerCols} FROM train WHERE ${inTest} ${order}`, outFiles.testAnswers, ext));
      written.push(outFiles.train, outFiles.testInputs, outFiles.testAnswers);
      out(`test: carved ${carved.test} of ${nRows} rows (${carved.how})`);
      out(`  wrote ${show(outFiles.train)} (${carved.train} rows, the training rows)`);
      out(`  wrote ${show(outFiles.testInputs)} (${carved.test} rows, no ${o.label})`);
      out(`  wrote ${show(outFiles.testAnswers)} (${id !== null ? `${id} and ${o.label}` : `${o.label}, in the row order of the test inputs`})`);
    }
    mkdirSync(taskDir, { recursive: true });
    writeFileSync(taskFile, `${JSON.stringify(task, null, 2)}\n`);
    written.push(taskFile);
    out(`wrote ${show(taskFile)}`);
    out(`next: datamaster run ${show(taskFile)}`);
    return { taskFile, task, written, taskType, taskTypeReason, metric, id, idReason, columns, ...(classes ? { classes } : {}), rows, ...(pool ? { pool } : {}) };
  });
}

/**
 * Checks a plugin config against the configSchema in the plugin's manifest, when the plugin can be found (it
 * always can in this repository). Only the config is judged here; a broken plugin is `datamaster run`'s to report.
 */
function checkAgainstPlugin(plugin: string, config: Record<string, unknown>, taskDir: string, taskFile: string, path: string): void {
  let manifest: { configSchema?: object };
  let file: string;
  try {
    file = join(resolvePluginDir(plugin, taskDir), MANIFEST_FILE);
    manifest = JSON.parse(readFileSync(file, 'utf8')) as { configSchema?: object };
  } catch {
    return;
  }
  if (!manifest.configSchema) return;
  const validate = schemas().compileForeign(manifest.configSchema, `init:${file}`);
  const copy = structuredClone(config);
  if (validate(copy)) return;
  const issues = issuesOf(validate.errors).map((i) => `${path}${i.path}: ${i.message}`);
  throw new DataMasterError('E_PLUGIN_CONFIG', `${taskFile}: the ${plugin} config init wrote does not match ${file}: ${issues.join('; ')}`, { plugin, file: taskFile, issues });
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`--${flag} must be a number, got '${v}'`);
  return n;
}

/** `datamaster init ...` */
export async function initCommand(args: string[], out: (line: string) => void): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    if (err instanceof DataMasterError) throw err;
    throw usage((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    out(INIT_USAGE);
    return 0;
  }
  if (positionals.length) throw usage(`unexpected argument '${positionals[0]}' (every input is a flag)`);
  if (!v.train) throw usage('--train is required: the training file (csv, tsv, json, jsonl or parquet)');
  if (!v.label) throw usage('--label is required: the column to predict');
  await initTask(
    {
      train: v.train,
      label: v.label,
      ...(v.val !== undefined ? { val: v.val } : {}),
      ...(v['test-inputs'] !== undefined ? { testInputs: v['test-inputs'] } : {}),
      ...(v['test-answers'] !== undefined ? { testAnswers: v['test-answers'] } : {}),
      ...(v.id !== undefined ? { id: v.id } : {}),
      ...(v.pool !== undefined ? { pool: v.pool } : {}),
      ...(v.metric !== undefined ? { metric: v.metric } : {}),
      ...(v['task-type'] !== undefined ? { taskType: v['task-type'] as TaskType } : {}),
      ...(v.learner !== undefined ? { learner: v.learner } : {}),
      ...(v['learner-command'] !== undefined ? { learnerCommand: v['learner-command'] } : {}),
      ...(v.split !== undefined ? { split: v.split as SplitMethod } : {}),
      ...(v['split-column'] !== undefined ? { splitColumn: v['split-column'] } : {}),
      ...(v['test-fraction'] !== undefined ? { testFraction: num('test-fraction', v['test-fraction'])! } : {}),
      ...(v['val-fraction'] !== undefined ? { valFraction: num('val-fraction', v['val-fraction'])! } : {}),
      ...(v.seed !== undefined ? { seed: num('seed', v.seed)! } : {}),
      ...(v.budget !== undefined ? { budget: num('budget', v.budget)! } : {}),
      ...(v.out !== undefined ? { out: v.out } : {}),
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.title !== undefined ? { title: v.title } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      force: v.force ?? false,
    },
    out,
  );
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      train: { type: 'string' },
      val: { type: 'string' },
      'test-inputs': { type: 'string' },
      'test-answers': { type: 'string' },
      label: { type: 'string' },
      id: { type: 'string' },
      pool: { type: 'string' },
      metric: { type: 'string' },
      'task-type': { type: 'string' },
      learner: { type: 'string' },
      'learner-command': { type: 'string' },
      split: { type: 'string' },
      'split-column': { type: 'string' },
      'test-fraction': { type: 'string' },
      'val-fraction': { type: 'string' },
      seed: { type: 'string' },
      budget: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** A column name compared ignoring case and punctuation (`Health` and `health`, `Sales_Units` and `sales units`). */
function foldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
