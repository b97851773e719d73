import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows, readerSql, sqlIdent, withDuck } from './duck.ts';
import { ensureTask } from './ensure.ts';
import { fitAndScore, readTaskTable } from './learner.ts';
import { taskSpec } from './suite/index.ts';
import type { SourceRole, TaskSpec } from './suite/spec.ts';
import type { Row } from './table.ts';

export interface AnswerKeyEntry {
  id: string;
  role: SourceRole;
  why: string;
  mapping?: Record<string, string>;
}

interface CatalogEntry {
  id: string;
  file: string;
  format: string;
}

/** Rows of a pool file put through a mapping (task column -> SQL over the source's columns), cast to task types. */
export async function mapSource(spec: TaskSpec, file: string, format: string, mapping: Record<string, string>): Promise<Row[]> {
  const cols = [...spec.features.map((f) => ({ name: f.name, type: f.type })), { name: spec.label.name, type: spec.label.type }];
  const select = cols.map((c) => `TRY_CAST((${mapping[c.name] ?? 'NULL'}) AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ');
  return withDuck((conn) => queryRows(conn, `SELECT ${select} FROM ${readerSql(file, format)}`));
}

export interface SourceMeasure {
  id: string;
  role: SourceRole;
  rows: number;
  val: number;
  test: number;
}

export interface TaskMeasure {
  task: string;
  metric: string;
  direction: 'max' | 'min';
  trainRows: number;
  valRows: number;
  testRows: number;
  baseline: { val: number; test: number };
  sources: SourceMeasure[];
}

/**
 * The pool's ground truth, measured: the fixed learner on the base alone, then on base + each source
 * that has a sensible mapping, scored on val and on test.
 */
export async function measureTask(name: string, dataDir: string, seed = 0): Promise<TaskMeasure> {
  const spec = taskSpec(name);
  const files = await ensureTask(name, dataDir);
  const train = await readTaskTable(spec, files.train);
  const val = await readTaskTable(spec, files.val);
  const test = await readTaskTable(spec, files.test);
  const key = JSON.parse(readFileSync(files.answerKey, 'utf8')) as AnswerKeyEntry[];
  const catalog = JSON.parse(readFileSync(files.catalog, 'utf8')) as { entries: CatalogEntry[] };
  const sources: SourceMeasure[] = [];
  for (const k of key) {
    const entry = catalog.entries.find((e) => e.id === k.id);
    if (!k.mapping || !entry) continue;
    const added = await mapSource(spec, join(files.dir, 'pool', entry.file), entry.format, k.mapping);
    const rows = [...train, ...added];
    sources.push({ id: k.id, role: k.role, rows: added.length, val: fitAndScore(spec, rows, val, seed).score, test: fitAndScore(spec, rows, test, seed).score });
  }
  return {
    task: name,
    metric: spec.metric.name,
    direction: spec.metric.direction,
    trainRows: train.length,
    valRows: val.length,
    testRows: test.length,
    baseline: { val: fitAndScore(spec, train, val, seed).score, test: fitAndScore(spec, train, test, seed).score },
    sources,
  };
}
