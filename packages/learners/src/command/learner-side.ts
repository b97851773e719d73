import { readFile, writeFile } from 'node:fs/promises';
import { DataMasterError, readTable } from '@datamaster/sdk';
import type { Cell, Predictions, Row } from '../types.ts';
import { csvLine, parseCsv } from './csv.ts';
import { PREDICTION_COLUMN } from './predictions.ts';
import type { LearnerProblemFile } from './run.ts';

/**
 * The learner's side of the protocol, for learners written in TypeScript or JavaScript: read what the
 * runner wrote (DM_PROBLEM, DM_TRAIN, DM_PREDICT) and write DM_OUTPUT. A learner in another language does
 * the same with its own CSV/Parquet/JSONL reader (see docs/learners.md and examples/learners/).
 */
export interface LearnerInputs {
  problem: LearnerProblemFile;
  /** Training rows: the features and the label (a class name, or a number for regression). */
  train: Row[];
  /** Prediction inputs: the key column (problem.idColumn) and the features. */
  predict: Row[];
}

function castCsvTable(text: string, file: string, types: Record<string, 'number' | 'string' | 'key'>): Row[] {
  const records = parseCsv(text);
  const header = records[0]?.fields ?? [];
  const kinds = header.map((h) => types[h] ?? 'string');
  const rows: Row[] = new Array(Math.max(0, records.length - 1));
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    if (rec.fields.length !== header.length) throw new DataMasterError('E_LEARNER_INPUT', `${file}: line ${rec.line}: ${rec.fields.length} fields, the header has ${header.length}`, { file, line: rec.line });
    const row: Row = {};
    for (let k = 0; k < header.length; k++) {
      const s = rec.fields[k] as string;
      let v: Cell;
      if (s === '' && !rec.quoted[k]) v = null;
      else if (kinds[k] === 'number') {
        const x = Number(s);
        v = Number.isFinite(x) ? x : null;
      } else v = s;
      row[header[k] as string] = v;
    }
    rows[r - 1] = row;
  }
  return rows;
}

async function readJsonl(file: string): Promise<Row[]> {
  const text = await readFile(file, 'utf8');
  const out: Row[] = [];
  let line = 0;
  for (const l of text.split('\n')) {
    line++;
    if (l.trim() === '') continue;
    try {
      out.push(JSON.parse(l) as Row);
    } catch (err) {
      throw new DataMasterError('E_LEARNER_INPUT', `${file}: line ${line}: not JSON (${(err as Error).message})`, { file, line });
    }
  }
  return out;
}

async function readInputTable(problem: LearnerProblemFile, file: string, types: Record<string, 'number' | 'string' | 'key'>): Promise<Row[]> {
  if (problem.format === 'csv') return castCsvTable(await readFile(file, 'utf8'), file, types);
  if (problem.format === 'jsonl') return readJsonl(file);
  return (await readTable(file, 'parquet')).rows;
}

/** Reads problem.json and both tables from the paths in `env` (default: this process's environment). */
export async function readLearnerInputs(env: Record<string, string | undefined> = process.env): Promise<LearnerInputs> {
  const path = env.DM_PROBLEM;
  if (!path) throw new DataMasterError('E_LEARNER_INPUT', 'DM_PROBLEM is not set: this program is a learner command and is started by the DataMaster learner runner (see docs/learners.md)', {});
  const problem = JSON.parse(await readFile(path, 'utf8')) as LearnerProblemFile;
  const types: Record<string, 'number' | 'string' | 'key'> = {};
  for (const f of problem.features) types[f.name] = f.kind === 'numeric' ? 'number' : 'string';
  types[problem.label] = problem.taskType === 'regression' ? 'number' : 'string';
  const predictTypes = { ...types, [problem.idColumn]: 'key' as const };
  const [train, predict] = await Promise.all([readInputTable(problem, problem.files.train, types), readInputTable(problem, problem.files.predict, predictTypes)]);
  return { problem, train, predict };
}

/**
 * Writes the predictions file (DM_OUTPUT): the key column copied from each prediction input, `prediction`,
 * and one proba_<class> column per class when `predictions.proba` is given.
 */
export async function writeLearnerPredictions(problem: LearnerProblemFile, predict: readonly Row[], predictions: Predictions): Promise<void> {
  const { values, proba } = predictions;
  if (values.length !== predict.length) {
    throw new DataMasterError('E_LEARNER_OUTPUT', `writeLearnerPredictions: ${values.length} predictions for ${predict.length} prediction inputs`, {});
  }
  const header = [problem.idColumn, PREDICTION_COLUMN, ...(proba && problem.probaColumns ? problem.probaColumns : [])];
  const parts: string[] = [csvLine(header)];
  for (let i = 0; i < predict.length; i++) {
    const p = proba && problem.probaColumns ? (proba[i] ?? []) : [];
    parts.push(csvLine([predict[i]![problem.idColumn] as Cell, values[i] as string | number, ...p]));
  }
  await writeFile(problem.files.output, parts.join(''));
}
