import { open, rm } from 'node:fs/promises';
import { DataMasterError, sqlIdent, sqlString, withDuck } from '@datamaster/sdk';
import type { Cell, FeatureColumn, LearnerProblem, Row } from '../types.ts';
import { csvLine } from './csv.ts';

export type InputFormat = 'csv' | 'parquet' | 'jsonl';
/** A column's type in the files handed to the learner. */
export type ColumnType = 'number' | 'integer' | 'string';

export interface TableColumn {
  name: string;
  type: ColumnType;
}

export interface PreparedInputs {
  features: FeatureColumn[];
  classes: string[] | undefined;
  /** Key column of the prediction inputs and the predictions file: problem.id, or a row index column. */
  idColumn: string;
  idIsRowIndex: boolean;
  trainColumns: TableColumn[];
  predictColumns: TableColumn[];
  trainCells: Cell[][];
  predictCells: Cell[][];
  /** Per prediction input, its key as written (String of the id, or of the row index). */
  keys: string[];
  /** Training rows left out: a missing label, a label that is not a class, a regression label that is no number. */
  droppedTrainRows: number;
}

function toNumber(v: Cell | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    return Number.isFinite(x) ? x : null;
  }
  return null;
}

function toText(v: Cell | undefined): string | null {
  if (v === null || v === undefined) return null;
  return String(v);
}

/**
 * Lines the rows up with the problem: exactly the feature columns (typed by kind: numeric cells that are
 * not numbers become missing, categorical and text cells strings), plus the label in training rows and the
 * key column in prediction inputs. Any other field of a row, the label of a prediction input included, is
 * never written.
 */
export function prepareInputs(problem: LearnerProblem, train: readonly Row[], predict: readonly Row[]): PreparedInputs {
  const isClass = problem.taskType !== 'regression';
  let features = problem.features;
  if (features.length === 0) {
    // No declared features: every column of the training rows but the label and the id, typed by what they hold.
    const names = new Set<string>();
    for (const r of train) for (const k of Object.keys(r)) names.add(k);
    names.delete(problem.label);
    if (problem.id) names.delete(problem.id);
    features = [...names].map((name) => ({
      name,
      kind: train.every((r) => r[name] === null || r[name] === undefined || typeof r[name] === 'number' || typeof r[name] === 'boolean') ? 'numeric' : 'categorical',
    }));
  }
  const seen = new Set<string>();
  for (const f of features) {
    if (f.name === problem.label) {
      throw new DataMasterError('E_LEARNER_INPUT', `learner problem: feature '${f.name}' is the label column; remove it from problem.features`, { feature: f.name });
    }
    if (problem.id && f.name === problem.id) {
      throw new DataMasterError('E_LEARNER_INPUT', `learner problem: feature '${f.name}' is the id column; an id is never a feature`, { feature: f.name });
    }
    if (seen.has(f.name)) throw new DataMasterError('E_LEARNER_INPUT', `learner problem: feature '${f.name}' is listed twice in problem.features`, { feature: f.name });
    seen.add(f.name);
  }
  if (problem.id && problem.id === problem.label) {
    throw new DataMasterError('E_LEARNER_INPUT', `learner problem: the id column '${problem.id}' is also the label`, { id: problem.id });
  }

  let classes = problem.classes;
  if (isClass && (!classes || classes.length === 0)) {
    // Not declared: the distinct labels of the training rows, sorted.
    const set = new Set<string>();
    for (const r of train) {
      const v = r[problem.label];
      if (v !== null && v !== undefined) set.add(String(v));
    }
    classes = [...set].sort();
  }
  if (isClass && classes && new Set(classes).size !== classes.length) {
    throw new DataMasterError('E_LEARNER_INPUT', `learner problem: problem.classes lists a class twice (${JSON.stringify(classes)})`, { classes });
  }

  const featureTypes: TableColumn[] = features.map((f) => ({ name: f.name, type: f.kind === 'numeric' ? 'number' : 'string' }));
  const cast = features.map((f) => (f.kind === 'numeric' ? toNumber : toText));

  const classSet = new Set(classes ?? []);
  const trainCells: Cell[][] = [];
  let dropped = 0;
  for (const r of train) {
    const raw = r[problem.label];
    let label: Cell;
    if (isClass) {
      label = raw === null || raw === undefined ? null : String(raw);
      if (label === null || !classSet.has(label)) {
        dropped++;
        continue;
      }
    } else {
      label = toNumber(raw);
      if (label === null) {
        dropped++;
        continue;
      }
    }
    const cells: Cell[] = new Array(features.length + 1);
    for (let k = 0; k < features.length; k++) cells[k] = (cast[k] as (v: Cell | undefined) => Cell)(r[(features[k] as FeatureColumn).name]);
    cells[features.length] = label;
    trainCells.push(cells);
  }

  let idColumn: string;
  let idType: ColumnType = 'integer';
  const keys: string[] = new Array(predict.length);
  const predictCells: Cell[][] = new Array(predict.length);
  if (problem.id) {
    idColumn = problem.id;
    const firstRow = new Map<string, number>();
    let allInt = true;
    let allNum = true;
    for (let i = 0; i < predict.length; i++) {
      const v = (predict[i] as Row)[idColumn];
      if (v === null || v === undefined || v === '') {
        throw new DataMasterError('E_LEARNER_INPUT', `prediction input ${i + 1}: the id column '${idColumn}' is empty; every prediction input needs a unique id`, { row: i + 1, id: idColumn });
      }
      const key = String(v);
      const prev = firstRow.get(key);
      if (prev !== undefined) {
        throw new DataMasterError('E_LEARNER_INPUT', `prediction inputs ${prev + 1} and ${i + 1}: the id '${key}' (column '${idColumn}') appears twice; ids must be unique`, { rows: [prev + 1, i + 1], id: idColumn, value: key });
      }
      firstRow.set(key, i);
      keys[i] = key;
      if (typeof v !== 'number') allInt = allNum = false;
      else if (!Number.isInteger(v)) allInt = false;
    }
    idType = allInt ? 'integer' : allNum ? 'number' : 'string';
  } else {
    idColumn = 'row';
    while (seen.has(idColumn) || idColumn === problem.label) idColumn = `_${idColumn}`;
    for (let i = 0; i < predict.length; i++) keys[i] = String(i);
  }
  for (let i = 0; i < predict.length; i++) {
    const r = predict[i] as Row;
    const cells: Cell[] = new Array(features.length + 1);
    cells[0] = problem.id ? (idType === 'string' ? String(r[idColumn]) : (r[idColumn] as Cell)) : i;
    for (let k = 0; k < features.length; k++) cells[k + 1] = (cast[k] as (v: Cell | undefined) => Cell)(r[(features[k] as FeatureColumn).name]);
    predictCells[i] = cells;
  }

  return {
    features,
    classes: isClass ? classes : undefined,
    idColumn,
    idIsRowIndex: !problem.id,
    trainColumns: [...featureTypes, { name: problem.label, type: isClass ? 'string' : 'number' }],
    predictColumns: [{ name: idColumn, type: idType }, ...featureTypes],
    trainCells,
    predictCells,
    keys,
    droppedTrainRows: dropped,
  };
}

/** Writes text in chunks of about 1 MiB (a 100k-row table is never one giant string). */
async function writeChunked(file: string, lines: (push: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  const fh = await open(file, 'w');
  try {
    let buf = '';
    await lines(async (s) => {
      buf += s;
      if (buf.length >= 1 << 20) {
        await fh.write(buf);
        buf = '';
      }
    });
    if (buf) await fh.write(buf);
  } finally {
    await fh.close();
  }
}

export async function writeCsv(file: string, columns: readonly TableColumn[], cells: readonly Cell[][]): Promise<void> {
  await writeChunked(file, async (push) => {
    await push(csvLine(columns.map((c) => c.name)));
    for (const row of cells) await push(csvLine(row));
  });
}

export async function writeJsonl(file: string, columns: readonly TableColumn[], cells: readonly Cell[][]): Promise<void> {
  // Keys are JSON-escaped once; values per row.
  const keys = columns.map((c) => JSON.stringify(c.name) + ':');
  await writeChunked(file, async (push) => {
    for (const row of cells) {
      let s = '{';
      for (let k = 0; k < keys.length; k++) {
        const v = row[k];
        s += (k ? ',' : '') + keys[k] + (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? 'null' : JSON.stringify(v));
      }
      await push(s + '}\n');
    }
  });
}

const DUCK_TYPE: Record<ColumnType, string> = { number: 'DOUBLE', integer: 'BIGINT', string: 'VARCHAR' };

/** Parquet through DuckDB: the rows go to a JSONL file first, which DuckDB reads with the declared types. */
export async function writeParquet(file: string, columns: readonly TableColumn[], cells: readonly Cell[][]): Promise<void> {
  const tmp = `${file}.tmp.jsonl`;
  await writeJsonl(tmp, columns, cells);
  try {
    const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(DUCK_TYPE[c.type])}`).join(', ');
    const select = columns.map((c) => sqlIdent(c.name)).join(', ');
    await withDuck(async (conn) => {
      await conn.run(
        `COPY (SELECT ${select} FROM read_json(${sqlString(tmp)}, format = 'newline_delimited', columns = {${spec}})) TO ${sqlString(file)} (FORMAT parquet)`,
      );
    });
  } finally {
    await rm(tmp, { force: true });
  }
}

export function writeTable(format: InputFormat, file: string, columns: readonly TableColumn[], cells: readonly Cell[][]): Promise<void> {
  switch (format) {
    case 'csv':
      return writeCsv(file, columns, cells);
    case 'jsonl':
      return writeJsonl(file, columns, cells);
    case 'parquet':
      return writeParquet(file, columns, cells);
  }
}
