import type { DataFile } from '../plugin/types.ts';
import type {
  AddSourceStep,
  CastStep,
  DedupeStep,
  DropOutliersStep,
  FilterStep,
  ImputeStep,
  MapColumnsStep,
  RebalanceStep,
  RecipeStep,
  SampleStep,
  SqlStep,
  TaskColumn,
} from '../schema/types.ts';
import { dropContaminated, loadTestKeys, type TestKeys } from './contamination.ts';
import { EngineCodes, engineError } from './errors.ts';
import { loadFile, type LoadedTable, type ReadLimits } from './reader.ts';
import type { ColumnInfo, Session } from './session.ts';
import { ident, literal, stripTrailingSemicolons, typeKind } from './sql.ts';

/** The working table: task columns (and any a step adds), plus the two bookkeeping columns below. */
export const DATA = 'data';
/** Where a row came from: 'base' or the source id that added it (a sql step that drops it gives 'sql'). */
export const ORIGIN = '__origin';
/** A row's stable order key: base rows in file order first, then each add_source's rows in file order. */
export const RID = '__rid';

/** Files a source offers: `file` is the default; `files` lets add_source pick one by `step.file`. */
export interface SourceFiles {
  file: DataFile;
  files?: DataFile[];
}

/** What the steps share during one materialisation. */
export interface WorkingSet {
  session: Session;
  taskColumns: TaskColumn[];
  label: string;
  sources: Record<string, SourceFiles>;
  /** Source ids added so far: the scopes a later step may name. */
  added: Set<string>;
  /** Next free __rid. */
  nextRid: number;
  /** Rows dropped by the contamination filter, per source id. */
  contamination: Record<string, number>;
  testInputs?: DataFile;
  keyColumns?: string[];
  limits: ReadLimits;
  /** Source tables already loaded in this session, by file path. */
  loaded: Map<string, LoadedTable>;
}

/** Columns of `data` that the recipe sees (no bookkeeping columns). */
export async function dataColumns(ws: WorkingSet): Promise<ColumnInfo[]> {
  return (await ws.session.columns(DATA)).filter((c) => c.name !== ORIGIN && c.name !== RID);
}

function requireColumn(cols: readonly ColumnInfo[], name: string, what: string): ColumnInfo {
  const c = cols.find((x) => x.name === name);
  if (!c) throw engineError(EngineCodes.step, `${what}: no column '${name}' in the working data (columns: ${cols.map((x) => x.name).join(', ')})`, { column: name });
  return c;
}

/** The SQL predicate selecting the rows a step's scope covers. */
export function scopeSql(ws: WorkingSet, scope: string | undefined): string {
  if (scope === undefined || scope === 'all') return 'TRUE';
  if (scope === 'base') return `${ORIGIN} = 'base'`;
  if (scope === 'added') return `${ORIGIN} <> 'base'`;
  if (!ws.added.has(scope)) {
    throw engineError(EngineCodes.step, `scope '${scope}' names no source added by an earlier add_source step (added: ${[...ws.added].join(', ') || 'none'}); use 'all', 'base', 'added' or an added source id`, { scope });
  }
  return `${ORIGIN} = ${literal(scope)}`;
}

/** Runs recipe-supplied SQL after checking that splicing it in still gives one statement. */
async function runSpliced(ws: WorkingSet, sql: string, where: string): Promise<void> {
  await ws.session.assertSingleStatement(sql, where);
  await ws.session.run(sql);
}

/** Deterministic per-row order for sampling: DuckDB's hash of (seed, __rid), ties by __rid. */
function seededOrder(seed: number): string {
  return `hash(${Math.trunc(seed)}::BIGINT, ${RID}), ${RID}`;
}

/** Rebuilds data from a SELECT over it (column changes), keeping its rows and order keys. */
async function rebuild(ws: WorkingSet, select: string, where: string): Promise<void> {
  await runSpliced(ws, `CREATE OR REPLACE TEMP TABLE ${DATA} AS ${select}`, where);
}

async function loadSourceFile(ws: WorkingSet, step: AddSourceStep): Promise<LoadedTable> {
  const src = ws.sources[step.source];
  if (!src) {
    throw engineError(EngineCodes.step, `source '${step.source}' was not given to materialize (given: ${Object.keys(ws.sources).join(', ') || 'none'}); fetch and profile it first`, { source: step.source });
  }
  let file = src.file;
  if (step.file !== undefined) {
    const all = [src.file, ...(src.files ?? [])];
    const hit = all.find((f) => f.path === step.file) ?? all.find((f) => f.path.endsWith(`/${step.file}`));
    if (!hit) throw engineError(EngineCodes.step, `source '${step.source}' has no file '${step.file}' (files: ${all.map((f) => f.path).join(', ')})`, { source: step.source, file: step.file });
    file = hit;
  }
  const cached = ws.loaded.get(file.path);
  if (cached) return cached;
  const table = await loadFile(ws.session, file, `src_${ws.loaded.size}`, ws.limits);
  ws.loaded.set(file.path, table);
  return table;
}

/** Test-input keys typed like the current working columns (a cast step may have changed them). */
async function testKeys(ws: WorkingSet, cols: readonly ColumnInfo[]): Promise<TestKeys | undefined> {
  if (!ws.testInputs) return undefined;
  const types = Object.fromEntries(cols.map((c) => [c.name, c.type]));
  const keyColumns = ws.keyColumns ?? ws.taskColumns.map((c) => c.name).filter((c) => c !== ws.label);
  await ws.session.run(`DROP TABLE IF EXISTS test_keys`);
  await ws.session.run(`DROP TABLE IF EXISTS test_keys_raw`);
  return loadTestKeys(ws.session, ws.testInputs, types, ws.label, keyColumns, ws.limits, 'test_keys');
}

async function addSource(ws: WorkingSet, step: AddSourceStep): Promise<void> {
  const src = await loadSourceFile(ws, step);
  const cols = await dataColumns(ws);
  for (const k of Object.keys(step.mapping)) requireColumn(cols, k, `mapping key '${k}'`);
  const select = cols
    .map((c) => {
      const expr = step.mapping[c.name];
      return `CAST(${expr === undefined ? 'NULL' : `(${expr})`} AS ${c.type}) AS ${ident(c.name)}`;
    })
    .join(', ');
  const where = step.where !== undefined ? ` WHERE (${step.where})` : '';
  await ws.session.run(`DROP TABLE IF EXISTS added`);
  await runSpliced(ws, `CREATE TEMP TABLE added AS SELECT * FROM (SELECT ${select}, s.rowid AS __srow FROM ${ident(src.table)} s)${where}`, 'add_source mapping/where');
  // The contamination filter is not optional: rows equal to a held-out test input never reach training data.
  const keys = await testKeys(ws, cols);
  const dropped = keys ? await dropContaminated(ws.session, 'added', '__srow', keys) : 0;
  ws.contamination[step.source] = (ws.contamination[step.source] ?? 0) + dropped;
  if (step.limit !== undefined) {
    await ws.session.run(`DELETE FROM added WHERE __srow NOT IN (SELECT __srow FROM added ORDER BY __srow LIMIT ${Math.trunc(step.limit)})`);
  }
  const n = await ws.session.number(`SELECT count(*) FROM added`);
  await ws.session.run(
    `INSERT INTO ${DATA} BY NAME SELECT * EXCLUDE (__srow), ${literal(step.source)} AS ${ORIGIN}, ${ws.nextRid} + row_number() OVER (ORDER BY __srow) - 1 AS ${RID} FROM added`,
  );
  ws.nextRid += n;
  ws.added.add(step.source);
  await ws.session.run(`DROP TABLE added`);
}

async function mapColumns(ws: WorkingSet, step: MapColumnsStep): Promise<void> {
  const cols = await dataColumns(ws);
  const scope = scopeSql(ws, step.scope);
  const replace: string[] = [];
  const extra: string[] = [];
  for (const [name, expr] of Object.entries(step.mapping)) {
    const c = cols.find((x) => x.name === name);
    // Existing columns keep their type (a cast step changes types); new columns take the expression's type.
    if (c) replace.push(`CASE WHEN ${scope} THEN CAST((${expr}) AS ${c.type}) ELSE ${ident(name)} END AS ${ident(name)}`);
    else extra.push(`CASE WHEN ${scope} THEN (${expr}) END AS ${ident(name)}`);
  }
  const select = `SELECT *${replace.length ? ` REPLACE (${replace.join(', ')})` : ''}${extra.map((e) => `, ${e}`).join('')} FROM ${DATA}`;
  await rebuild(ws, select, 'map_columns mapping');
}

async function cast(ws: WorkingSet, step: CastStep): Promise<void> {
  const cols = await dataColumns(ws);
  const names = Object.keys(step.columns).sort();
  if (!names.length) return;
  for (const n of names) requireColumn(cols, n, 'cast');
  const replace = names.map((n) => `CAST(${ident(n)} AS ${step.columns[n]}) AS ${ident(n)}`).join(', ');
  await rebuild(ws, `SELECT * REPLACE (${replace}) FROM ${DATA}`, 'cast');
}

async function dedupe(ws: WorkingSet, step: DedupeStep): Promise<void> {
  const cols = await dataColumns(ws);
  const keys = step.columns ?? ws.taskColumns.map((c) => c.name);
  for (const k of keys) requireColumn(cols, k, 'dedupe');
  const scope = scopeSql(ws, step.scope);
  // A row in scope goes when an earlier row (any origin, by __rid) has the same key: with scope 'added',
  // added rows that repeat base rows go too; rows outside the scope always stay.
  await ws.session.run(
    `DELETE FROM ${DATA} WHERE (${scope}) AND ${RID} IN (SELECT ${RID} FROM (SELECT ${RID}, row_number() OVER (PARTITION BY ${keys.map(ident).join(', ')} ORDER BY ${RID}) AS rn FROM ${DATA}) WHERE rn > 1)`,
  );
}

async function filter(ws: WorkingSet, step: FilterStep): Promise<void> {
  const scope = scopeSql(ws, step.scope);
  // A NULL predicate drops the row, as in WHERE.
  await runSpliced(ws, `DELETE FROM ${DATA} WHERE (${scope}) AND NOT coalesce((${step.where}), FALSE)`, 'filter where');
}

async function sample(ws: WorkingSet, step: SampleStep): Promise<void> {
  if ((step.n === undefined) === (step.fraction === undefined)) {
    throw engineError(EngineCodes.step, `sample needs exactly one of n or fraction (got ${step.n === undefined ? 'neither' : 'both'})`);
  }
  const scope = scopeSql(ws, step.scope);
  const inScope = await ws.session.number(`SELECT count(*) FROM ${DATA} WHERE ${scope}`);
  const keep = step.n !== undefined ? Math.min(step.n, inScope) : Math.round(step.fraction! * inScope);
  await ws.session.run(
    `DELETE FROM ${DATA} WHERE (${scope}) AND ${RID} NOT IN (SELECT ${RID} FROM ${DATA} WHERE ${scope} ORDER BY ${seededOrder(step.seed)} LIMIT ${keep})`,
  );
}

async function impute(ws: WorkingSet, step: ImputeStep): Promise<void> {
  const cols = await dataColumns(ws);
  const scope = scopeSql(ws, step.scope);
  // Sorted: a recipe's key order is not part of its hash, so it must not change the result.
  for (const name of Object.keys(step.columns).sort()) {
    const method = step.columns[name]!;
    const c = requireColumn(cols, name, 'impute');
    const col = ident(name);
    if (method === 'drop') {
      await ws.session.run(`DELETE FROM ${DATA} WHERE (${scope}) AND ${col} IS NULL`);
      continue;
    }
    const kind = typeKind(c.type);
    if ((method === 'mean' || method === 'median' || method === 'zero') && kind !== 'numeric' && !(method === 'zero' && kind === 'boolean')) {
      throw engineError(EngineCodes.step, `impute ${method} needs a numeric column; '${name}' is ${c.type} (use mode or drop)`, { column: name });
    }
    const fill =
      method === 'zero'
        ? `CAST(0 AS ${c.type})`
        : `(SELECT CAST(${method === 'mean' ? 'avg' : method === 'median' ? 'median' : 'mode'}(${col}) AS ${c.type}) FROM ${DATA} WHERE ${scope})`;
    await ws.session.run(`UPDATE ${DATA} SET ${col} = ${fill} WHERE (${scope}) AND ${col} IS NULL`);
  }
}

async function rebalance(ws: WorkingSet, step: RebalanceStep): Promise<void> {
  const cols = await dataColumns(ws);
  requireColumn(cols, step.label, 'rebalance label');
  const L = ident(step.label);
  const counts = await ws.session.rows(`SELECT count(*) AS n FROM ${DATA} WHERE ${L} IS NOT NULL GROUP BY ${L}`);
  if (counts.length < 2) return; // nothing to balance
  const sizes = counts.map((r) => Number(r['n']));
  const order = seededOrder(step.seed);
  if (step.strategy === 'undersample') {
    const m = Math.min(...sizes);
    await ws.session.run(
      `DELETE FROM ${DATA} WHERE ${RID} IN (SELECT ${RID} FROM (SELECT ${RID}, row_number() OVER (PARTITION BY ${L} ORDER BY ${order}) AS rk FROM ${DATA} WHERE ${L} IS NOT NULL) WHERE rk > ${m})`,
    );
    return;
  }
  // Oversample: every class to the largest class's size. A class of c rows gets floor(M/c) copies of each row
  // plus one more copy of its first M mod c rows in seeded order. Copies get fresh __rid after their original.
  const M = Math.max(...sizes);
  await ws.session.run(`CREATE OR REPLACE TEMP TABLE ${DATA} AS
    WITH ranked AS (
      SELECT *, row_number() OVER (PARTITION BY ${L} ORDER BY ${order}) - 1 AS __rk, count(*) OVER (PARTITION BY ${L}) AS __cnt
      FROM ${DATA} WHERE ${L} IS NOT NULL),
    copies AS (
      SELECT * EXCLUDE (__rk, __cnt), unnest(range((${M} // __cnt) + CASE WHEN __rk < ${M} % __cnt THEN 1 ELSE 0 END)) AS __copy FROM ranked
      UNION ALL BY NAME
      SELECT *, 0 AS __copy FROM ${DATA} WHERE ${L} IS NULL)
    SELECT * EXCLUDE (${RID}, __copy), row_number() OVER (ORDER BY ${RID}, __copy) - 1 AS ${RID} FROM copies ORDER BY ${RID}, __copy`);
  ws.nextRid = await ws.session.number(`SELECT count(*) FROM ${DATA}`);
}

async function dropOutliers(ws: WorkingSet, step: DropOutliersStep): Promise<void> {
  const cols = await dataColumns(ws);
  const scope = scopeSql(ws, step.scope);
  const conds: string[] = [];
  for (const name of [...step.columns].sort()) {
    const c = requireColumn(cols, name, 'drop_outliers');
    if (typeKind(c.type) !== 'numeric') throw engineError(EngineCodes.step, `drop_outliers needs numeric columns; '${name}' is ${c.type}`, { column: name });
    const [stats] = await ws.session.rows(`SELECT avg(CAST(${ident(name)} AS DOUBLE)) AS m, stddev_pop(CAST(${ident(name)} AS DOUBLE)) AS s FROM ${DATA} WHERE ${scope}`);
    const m = Number(stats?.['m']);
    const s = Number(stats?.['s']);
    // A constant (or empty) column has no outliers.
    if (Number.isFinite(m) && Number.isFinite(s) && s > 0) conds.push(`abs((CAST(${ident(name)} AS DOUBLE) - ${m}) / ${s}) > ${step.z}`);
  }
  if (!conds.length) return;
  // Stats are taken once, before any row goes, so the column order does not matter. NULLs stay.
  await ws.session.run(`DELETE FROM ${DATA} WHERE (${scope}) AND coalesce(${conds.join(' OR ')}, FALSE)`);
}

async function sql(ws: WorkingSet, step: SqlStep): Promise<void> {
  const query = stripTrailingSemicolons(step.query);
  await ws.session.assertSelect(query, 'sql query');
  await ws.session.run(`DROP TABLE IF EXISTS sql_out`);
  await runSpliced(ws, `CREATE TEMP TABLE sql_out AS SELECT * FROM (${query})`, 'sql query');
  const out = await ws.session.columns('sql_out');
  const missing = ws.taskColumns.filter((c) => !out.some((o) => o.name === c.name)).map((c) => c.name);
  if (missing.length) {
    throw engineError(EngineCodes.step, `the query's result lacks task columns ${missing.join(', ')}; a sql step must keep every task column (SELECT * keeps them)`, { missing });
  }
  const hasOrigin = out.some((o) => o.name === ORIGIN);
  const hasRid = out.some((o) => o.name === RID);
  // Renumber __rid (the query may duplicate rows); keep the query's order where it dropped __rid.
  await ws.session.run(`CREATE OR REPLACE TEMP TABLE ${DATA} AS
    SELECT * EXCLUDE (${[...(hasOrigin ? [ORIGIN] : []), ...(hasRid ? [RID] : []), '__sqlrow'].join(', ')}),
      ${hasOrigin ? `coalesce(${ORIGIN}, 'sql')` : `'sql'`} AS ${ORIGIN},
      row_number() OVER (ORDER BY ${hasRid ? `${RID} NULLS LAST, ` : ''}__sqlrow) - 1 AS ${RID}
    FROM (SELECT *, rowid AS __sqlrow FROM sql_out) ORDER BY ${RID}`);
  await ws.session.run(`DROP TABLE sql_out`);
  ws.nextRid = await ws.session.number(`SELECT count(*) FROM ${DATA}`);
  if (!hasOrigin) ws.added.add('sql');
}

/** Applies one recipe step to `data`. Failures are wrapped by the caller into E_STEP with the step index. */
export async function applyStep(ws: WorkingSet, step: RecipeStep): Promise<void> {
  switch (step.op) {
    case 'add_source':
      return addSource(ws, step);
    case 'map_columns':
      return mapColumns(ws, step);
    case 'cast':
      return cast(ws, step);
    case 'dedupe':
      return dedupe(ws, step);
    case 'filter':
      return filter(ws, step);
    case 'sample':
      return sample(ws, step);
    case 'impute':
      return impute(ws, step);
    case 'rebalance':
      return rebalance(ws, step);
    case 'drop_outliers':
      return dropOutliers(ws, step);
    case 'sql':
      return sql(ws, step);
  }
}
