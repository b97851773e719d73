import { Prng } from '@datamaster/learners';
import { DataMasterError } from '@datamaster/sdk';
import { PLUGIN, type SplitMethod } from './config.ts';

/**
 * The split's seeded generator: the learners' mulberry32, with the seed mixed first so that nearby seeds (0, 1, 2)
 * start far apart. The same seed gives the same split in every process.
 */
export function splitRng(seed: number): Prng {
  return new Prng(Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b));
}

export type Part = 'train' | 'val' | 'test';

export interface SplitInput {
  /** Rows of the train file. */
  n: number;
  method: SplitMethod;
  /** Share held out for validation (0: a validation file is given). */
  valFraction: number;
  /** Share held out for test (0: test files are given). */
  testFraction: number;
  seed: number;
  /** random: the label of each row, to stratify by (classification); absent for regression. */
  strata?: readonly (string | null)[];
  /** group: the group key of each row. */
  groups?: readonly string[];
  /** time: row indices in ascending time order (ties in file order) and each row's tie rank (equal times, equal rank). */
  time?: { order: readonly number[]; rank: readonly number[] };
  /** For messages: the split column. */
  column?: string;
  /** For messages: the train file. */
  file?: string;
}

export interface SplitResult {
  parts: Part[];
  counts: Record<Part, number>;
}

function splitError(input: SplitInput, why: string): DataMasterError {
  return new DataMasterError('E_BENCH_SPLIT', `${PLUGIN}: cannot carve ${input.testFraction > 0 ? 'validation and test splits' : 'a validation split'} from ${input.file ?? 'the train file'} (${input.n} rows): ${why}`, {
    plugin: PLUGIN,
    file: input.file,
    method: input.method,
    column: input.column,
  });
}

function count(parts: readonly Part[]): Record<Part, number> {
  const c: Record<Part, number> = { train: 0, val: 0, test: 0 };
  for (const p of parts) c[p]++;
  return c;
}

/** Random split; stratified (each label keeps its share on every side) when `strata` is given. */
function randomSplit(input: SplitInput, parts: Part[]): void {
  const rng = splitRng(input.seed);
  const byStratum = new Map<string, number[]>();
  for (let i = 0; i < input.n; i++) {
    const s = input.strata ? (input.strata[i] ?? '\u0000null') : '';
    let list = byStratum.get(s);
    if (!list) byStratum.set(s, (list = []));
    list.push(i);
  }
  // Strata in a fixed order, so the draw does not depend on which label comes first in the file.
  const keys = [...byStratum.keys()].sort();
  for (const k of keys) {
    const rows = rng.shuffle(byStratum.get(k)!);
    const nTest = Math.round(rows.length * input.testFraction);
    const nVal = Math.min(Math.round(rows.length * input.valFraction), rows.length - nTest);
    rows.forEach((r, j) => {
      parts[r] = j < nTest ? 'test' : j < nTest + nVal ? 'val' : 'train';
    });
  }
}

/** Whole groups go to one side: groups in a seeded order fill test, then validation; the rest train. */
function groupSplit(input: SplitInput, parts: Part[]): void {
  const groups = input.groups!;
  const rowsOf = new Map<string, number[]>();
  for (let i = 0; i < input.n; i++) {
    const g = groups[i] as string;
    let list = rowsOf.get(g);
    if (!list) rowsOf.set(g, (list = []));
    list.push(i);
  }
  const need = 1 + (input.valFraction > 0 ? 1 : 0) + (input.testFraction > 0 ? 1 : 0);
  if (rowsOf.size < need) throw splitError(input, `a group split needs at least ${need} distinct values of '${input.column}', it has ${rowsOf.size}; use a column with more groups or split.method "random"`);
  const order = splitRng(input.seed).shuffle([...rowsOf.keys()].sort());
  const target = { test: input.n * input.testFraction, val: input.n * input.valFraction };
  const got = { test: 0, val: 0 };
  order.forEach((g, j) => {
    const rows = rowsOf.get(g)!;
    const left = order.length - j;
    // Every side that should get rows gets at least one group, and train keeps at least one.
    let part: Part = 'train';
    if (input.testFraction > 0 && (got.test === 0 || got.test + rows.length / 2 <= target.test) && left > 1 + (input.valFraction > 0 && got.val === 0 ? 1 : 0)) part = 'test';
    else if (input.valFraction > 0 && (got.val === 0 || got.val + rows.length / 2 <= target.val) && left > 1) part = 'val';
    if (part !== 'train') got[part] += rows.length;
    for (const r of rows) parts[r] = part;
  });
}

/** The latest rows by time are held out: test the latest, validation just before; equal times stay together. */
function timeSplit(input: SplitInput, parts: Part[]): void {
  const { order, rank } = input.time!;
  // Moves a cut left until it does not separate rows with the same time.
  const snap = (p: number): number => {
    while (p > 0 && p < order.length && rank[order[p - 1] as number] === rank[order[p] as number]) p--;
    return p;
  };
  const n = order.length;
  const testStart = input.testFraction > 0 ? snap(n - Math.max(1, Math.round(n * input.testFraction))) : n;
  const valStart = input.valFraction > 0 ? snap(testStart - Math.max(1, Math.round(n * input.valFraction))) : testStart;
  if (valStart <= 0) throw splitError(input, `'${input.column}' has too few distinct times to keep training rows before the held-out ones; lower split.fraction / split.testFraction or use another column`);
  if (input.valFraction > 0 && valStart >= testStart) throw splitError(input, `no validation rows are left between train and test on '${input.column}'`);
  order.forEach((r, j) => {
    parts[r] = j >= testStart ? 'test' : j >= valStart ? 'val' : 'train';
  });
}

/** Assigns each row of the train file to train, validation or test. Deterministic in (input, seed). */
export function splitRows(input: SplitInput): SplitResult {
  const parts: Part[] = new Array<Part>(input.n).fill('train');
  if (input.valFraction > 0 || input.testFraction > 0) {
    if (input.valFraction + input.testFraction >= 1) throw splitError(input, `split.fraction + split.testFraction is ${input.valFraction + input.testFraction}; it must be below 1 to leave training rows`);
    if (input.method === 'random') randomSplit(input, parts);
    else if (input.method === 'group') groupSplit(input, parts);
    else timeSplit(input, parts);
  }
  const counts = count(parts);
  if (counts.train === 0) throw splitError(input, 'no training rows are left; lower split.fraction / split.testFraction');
  if (input.valFraction > 0 && counts.val === 0) throw splitError(input, 'the validation split is empty; raise split.fraction or give a validation file');
  if (input.testFraction > 0 && counts.test === 0) throw splitError(input, 'the test split is empty; raise split.testFraction or give testInputs and testAnswers');
  return { parts, counts };
}
