import type { ColumnType } from '@datamaster/sdk';
import type { TaskTypeName } from './config.ts';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** A numeric label with more distinct values than this is a regression target (unless the metric says otherwise). */
export const REGRESSION_MIN_DISTINCT = 20;

/** Column names that look like a row id: id, ID, Id, passenger_id, PassengerId, row-id. */
export function looksLikeId(name: string): boolean {
  return /^id$/i.test(name) || /[_\-\s]id$/i.test(name) || /[a-z]Id$/.test(name) || /ID$/.test(name);
}

/** True when every row has a value in `column` and no two rows share one. */
export function uniqueValues(rows: readonly Row[], column: string): boolean {
  const seen = new Set<string>();
  for (const r of rows) {
    const v = r[column];
    if (v === null || v === undefined) return false;
    const k = String(v);
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return rows.length > 0;
}

/** The first column (in file order) named like an id whose values are unique in train; never the label. */
export function inferId(columns: readonly string[], rows: readonly Row[], label: string): string | undefined {
  return columns.find((c) => c !== label && looksLikeId(c) && uniqueValues(rows, c));
}

function isNumeric(v: Cell): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

/** What the label's values allow, and what they suggest. */
export interface LabelShape {
  /** Distinct non-null values (as strings). */
  distinct: number;
  /** Every non-null value is a finite number. */
  numeric: boolean;
  /** The task type the values alone suggest. */
  suggested: TaskTypeName;
  /** Task types the values allow (what an explicit config.taskType may ask for). */
  feasible: TaskTypeName[];
  /** Task types inference may pick: a number with many distinct values is only ever a regression target. */
  plausible: TaskTypeName[];
}

export function labelShape(values: readonly Cell[]): LabelShape {
  const set = new Set<string>();
  let numeric = true;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    set.add(String(v));
    if (!isNumeric(v)) numeric = false;
  }
  const distinct = set.size;
  const feasible: TaskTypeName[] = [];
  if (distinct === 2) feasible.push('binary');
  if (distinct >= 2) feasible.push('multiclass');
  if (numeric && distinct >= 2) feasible.push('regression');
  const suggested: TaskTypeName = numeric && distinct > REGRESSION_MIN_DISTINCT ? 'regression' : distinct === 2 ? 'binary' : 'multiclass';
  const plausible: TaskTypeName[] = numeric && distinct > REGRESSION_MIN_DISTINCT ? ['regression'] : feasible;
  return { distinct, numeric: numeric && distinct > 0, suggested, feasible, plausible };
}

/**
 * The task type: the one asked for, else what the values suggest when the metric allows it, else the one
 * type both the metric and the values allow (an 'rmse' task on a 0..10 score is a regression).
 */
export function chooseTaskType(shape: LabelShape, metricTypes: readonly TaskTypeName[] | undefined): TaskTypeName {
  if (!metricTypes || metricTypes.includes(shape.suggested)) return shape.suggested;
  const both = shape.plausible.filter((t) => metricTypes.includes(t));
  // Binary and multiclass both feasible with two classes: binary is the narrower claim.
  return both[0] ?? shape.suggested;
}

/** Class names in a fixed order: numerically when every class is a number, else by code point. */
export function sortClasses(values: Iterable<Cell>): string[] {
  const raw = new Map<string, Cell>();
  for (const v of values) if (v !== null && v !== undefined && !raw.has(String(v))) raw.set(String(v), v);
  const all = [...raw.entries()];
  if (all.every(([, v]) => isNumeric(v))) return all.sort((a, b) => (a[1] as number) - (b[1] as number)).map(([k]) => k);
  return all.map(([k]) => k).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The task-schema column type of a DuckDB type. */
export function columnTypeOf(duckType: string): ColumnType {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)$/.test(t)) return 'BIGINT';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*|NUMERIC.*)$/.test(t)) return 'DOUBLE';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return 'VARCHAR';
}

/** A class name or category as a value of a column of type `type` (task columns list typed values). */
export function typedValue(v: string, type: ColumnType): string | number | boolean {
  if (type === 'BIGINT' || type === 'DOUBLE') {
    const x = Number(v);
    return Number.isFinite(x) ? x : v;
  }
  if (type === 'BOOLEAN') return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}
