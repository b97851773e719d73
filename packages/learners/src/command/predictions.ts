import { readFile } from 'node:fs/promises';
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import type { Predictions, TaskType } from '../types.ts';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv.ts';

export const PREDICTION_COLUMN = 'prediction';
export const PROBA_PREFIX = 'proba_';

export interface PredictionsSpec {
  /** The predictions file (the learner's DM_OUTPUT). */
  file: string;
  taskType: TaskType;
  /** Classification: the class names, in the order of `proba`. */
  classes?: string[];
  /** The key column (problem.id, or the row index column). */
  idColumn: string;
  /** Per prediction input, its key as written in the prediction inputs. */
  keys: readonly string[];
}

function canonicalNumber(s: string): string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? String(x) : undefined;
}

/** A lookup that takes the exact text, else a unique case-insensitive match, else a unique numeric match. */
function lenientLookup<T>(entries: readonly (readonly [string, T])[]): (s: string) => T | undefined {
  const exact = new Map(entries);
  let lower: Map<string, T | null> | undefined;
  let numeric: Map<string, T | null> | undefined;
  const build = (f: (k: string) => string | undefined) => {
    const m = new Map<string, T | null>();
    for (const [k, v] of entries) {
      const c = f(k);
      if (c === undefined) continue;
      m.set(c, m.has(c) ? null : v); // null: ambiguous
    }
    return m;
  };
  return (s) => {
    const hit = exact.get(s);
    if (hit !== undefined) return hit;
    lower ??= build((k) => k.toLowerCase());
    const l = lower.get(s.toLowerCase());
    if (l !== undefined && l !== null) return l;
    const c = canonicalNumber(s);
    if (c === undefined) return undefined;
    numeric ??= build(canonicalNumber);
    const n = numeric.get(c);
    return n === null ? undefined : n;
  };
}

function shown(v: string): string {
  return JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);
}

/**
 * Reads and checks the learner's predictions file: a CSV with the key column, `prediction`, and for
 * classification optionally one `proba_<class>` column per class. Rows may come in any order; the result
 * is in input order. Every problem is an E_LEARNER_OUTPUT naming the file, the line and the value.
 */
export async function readLearnerPredictions(spec: PredictionsSpec): Promise<Predictions> {
  const { file, idColumn, keys } = spec;
  const isClass = spec.taskType !== 'regression';
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new DataMasterError('E_LEARNER_OUTPUT', `${file}: ${message}`, { file, ...details });
  };

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return fail(`the learner wrote no predictions file; it must write a CSV with columns '${idColumn}' and '${PREDICTION_COLUMN}' to the path in DM_OUTPUT (problem.json "output")`);
    }
    return fail(`cannot read the predictions file (${(err as Error).message})`);
  }
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return fail(`line ${err.line}: ${err.message}`, { line: err.line });
    throw err;
  }
  const header = records[0];
  if (!header) return fail(`the predictions file is empty; it needs a header line '${idColumn},${PREDICTION_COLUMN}' and one row per prediction input`, { line: 1 });
  const names = header.fields.map((s) => s.trim());
  const idIdx = names.indexOf(idColumn);
  const predIdx = names.indexOf(PREDICTION_COLUMN);
  for (const [want, idx] of [
    [idColumn, idIdx],
    [PREDICTION_COLUMN, predIdx],
  ] as const) {
    if (idx < 0) {
      fail(`line 1: the header has no column '${want}'${didYouMeanHint(want, names)}; the header is ${shown(names.join(','))} and must hold '${idColumn}' and '${PREDICTION_COLUMN}'`, { line: 1, column: want });
    }
  }
  const classes = spec.classes ?? [];
  const probaIdx: number[] = [];
  const probaNames = names.filter((n) => n.startsWith(PROBA_PREFIX));
  if (probaNames.length > 0) {
    if (!isClass) fail(`line 1: column '${probaNames[0]}': probability columns are for classification, and this task is regression`, { line: 1, column: probaNames[0] });
    const expected = classes.map((c) => PROBA_PREFIX + c);
    for (const n of probaNames) {
      if (!expected.includes(n)) fail(`line 1: column '${n}' names no class${didYouMeanHint(n, expected)}; probability columns are ${expected.map((e) => `'${e}'`).join(', ')}`, { line: 1, column: n });
    }
    for (const e of expected) {
      const k = names.indexOf(e);
      if (k < 0) fail(`line 1: probability columns are given but '${e}' is missing; give one proba_<class> column for every class or none`, { line: 1, column: e });
      probaIdx.push(k);
    }
  }

  const rows = records.length - 1;
  const keyLookup = lenientLookup(keys.map((k, i) => [k, i] as const));
  if (rows !== keys.length) {
    if (rows > keys.length) {
      const extra = records[keys.length + 1] as CsvRecord;
      fail(`has ${rows} prediction rows, expected ${keys.length} (one per prediction input); the first extra row is line ${extra.line}`, { line: extra.line, rows, expected: keys.length });
    }
    const seen = new Set<number>();
    for (let r = 1; r < records.length; r++) {
      const i = keyLookup(((records[r] as CsvRecord).fields[idIdx] ?? '').trim());
      if (i !== undefined) seen.add(i);
    }
    const missing = keys.findIndex((_, i) => !seen.has(i));
    fail(`has ${rows} prediction rows, expected ${keys.length} (one per prediction input); no prediction for ${idColumn} ${shown(keys[missing] ?? '')}`, { rows, expected: keys.length, missing: keys[missing] });
  }

  const classLookup = lenientLookup(classes.map((c) => [c, c] as const));
  const values: (string | number)[] = new Array(keys.length);
  const proba: number[][] | undefined = probaIdx.length ? new Array(keys.length) : undefined;
  const firstLine: number[] = new Array(keys.length);
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as CsvRecord;
    const line = rec.line;
    if (rec.fields.length !== names.length) {
      fail(`line ${line}: ${rec.fields.length} fields, the header has ${names.length}`, { line });
    }
    const key = (rec.fields[idIdx] as string).trim();
    const i = keyLookup(key);
    if (i === undefined) fail(`line ${line}: ${idColumn} ${shown(key)} is not one of the prediction inputs`, { line, value: key });
    const at = i as number;
    if (firstLine[at] !== undefined) fail(`line ${line}: ${idColumn} ${shown(key)} appears again (first on line ${firstLine[at]})`, { line, value: key });
    firstLine[at] = line;

    const raw = (rec.fields[predIdx] as string).trim();
    if (isClass) {
      const c = classLookup(raw);
      if (c === undefined) {
        fail(`line ${line}: prediction ${shown(raw)} is not a class${didYouMeanHint(raw, classes)}; classes are ${classes.map((x) => `'${x}'`).join(', ')}`, { line, value: raw });
      }
      values[at] = c as string;
    } else {
      const x = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(x)) fail(`line ${line}: prediction ${shown(raw)} is not a number (regression predictions are finite numbers)`, { line, value: raw });
      values[at] = x;
    }
    if (proba) {
      const p = new Array<number>(probaIdx.length);
      for (let k = 0; k < probaIdx.length; k++) {
        const s = (rec.fields[probaIdx[k] as number] as string).trim();
        const x = s === '' ? NaN : Number(s);
        if (!Number.isFinite(x) || x < -1e-9 || x > 1 + 1e-9) {
          fail(`line ${line}: ${names[probaIdx[k] as number]} ${shown(s)} is not a probability (a number from 0 to 1)`, { line, value: s, column: names[probaIdx[k] as number] });
        }
        p[k] = x;
      }
      proba[at] = p;
    }
  }
  return proba ? { values, proba } : { values };
}
