import type { DataFile } from '../plugin/types.ts';
import { EngineCodes, engineError } from './errors.ts';
import { loadFile, type ReadLimits } from './reader.ts';
import type { ColumnInfo, Session } from './session.ts';
import { ident } from './sql.ts';

/**
 * The contamination rule: a row is contaminated when, on every key column, its value (cast to the working
 * type) IS NOT DISTINCT FROM the value of some row of the task's held-out test INPUTS. Test labels are never
 * read: the test file holds features only, and the label is never a key column.
 */
export interface TestKeys {
  /** TEMP table with one DISTINCT row per test input key, typed like the working columns. */
  table: string;
  keyColumns: string[];
  rows: number;
}

/** Finds a column by exact name, else case-insensitively (CSV headers and JSON keys differ in case often). */
export function findColumn(columns: readonly ColumnInfo[], name: string): ColumnInfo | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/**
 * Loads the test inputs and keeps their key columns, cast to `types` (TRY_CAST: an uncastable test value can
 * equal nothing, so it must not fail the run). Key columns default to all task columns but the label that the
 * test file has; when none are present the check cannot run and that is an error, not a silent pass.
 */
export async function loadTestKeys(
  session: Session,
  testInputs: DataFile,
  types: Record<string, string>,
  label: string | undefined,
  keyColumns: readonly string[] | undefined,
  limits: ReadLimits,
  table: string,
): Promise<TestKeys> {
  const raw = await loadFile(session, testInputs, `${table}_raw`, limits);
  const candidates = keyColumns ?? Object.keys(types).filter((c) => c !== label);
  if (label !== undefined && candidates.includes(label)) {
    throw engineError(EngineCodes.arg, `keyColumns include the label '${label}': the contamination check compares test INPUTS only; drop it from keyColumns`, { label });
  }
  const present = candidates.filter((c) => findColumn(raw.columns, c));
  const missing = candidates.filter((c) => !findColumn(raw.columns, c));
  if (keyColumns && missing.length) {
    throw engineError(EngineCodes.schema, `${testInputs.path}: key columns ${missing.join(', ')} are not in the test inputs (columns: ${raw.columns.map((c) => c.name).join(', ')})`, { file: testInputs.path, missing });
  }
  if (!present.length) {
    throw engineError(EngineCodes.schema, `${testInputs.path}: none of the key columns (${candidates.join(', ')}) is in the test inputs, so the contamination check cannot run; pass keyColumns that the test inputs have`, { file: testInputs.path });
  }
  const select = present
    .map((c) => `TRY_CAST(${ident(findColumn(raw.columns, c)!.name)} AS ${types[c] ?? 'VARCHAR'}) AS ${ident(c)}`)
    .join(', ');
  await session.run(`CREATE TEMP TABLE ${ident(table)} AS SELECT DISTINCT ${select} FROM ${ident(raw.table)}`);
  await session.run(`DROP TABLE ${ident(raw.table)}`);
  return { table, keyColumns: present, rows: await session.number(`SELECT count(*) FROM ${ident(table)}`) };
}

/** SQL condition joining alias `a` (candidate rows) to alias `t` (test keys) on every key column. */
export function keyMatch(keys: TestKeys, a = 'a', t = 't'): string {
  return keys.keyColumns.map((c) => `${a}.${ident(c)} IS NOT DISTINCT FROM ${t}.${ident(c)}`).join(' AND ');
}

/** Rows of `table` that match a test input (a SEMI JOIN: duplicates on the test side count once). */
export async function countContaminated(session: Session, table: string, keys: TestKeys): Promise<number> {
  return session.number(`SELECT count(*) FROM ${ident(table)} a SEMI JOIN ${ident(keys.table)} t ON ${keyMatch(keys)}`);
}

/** Deletes the contaminated rows of `table`, identified by its `rowColumn`; returns how many went. */
export async function dropContaminated(session: Session, table: string, rowColumn: string, keys: TestKeys): Promise<number> {
  const n = await countContaminated(session, table, keys);
  if (n > 0) {
    await session.run(
      `DELETE FROM ${ident(table)} WHERE ${ident(rowColumn)} IN (SELECT a.${ident(rowColumn)} FROM ${ident(table)} a SEMI JOIN ${ident(keys.table)} t ON ${keyMatch(keys)})`,
    );
  }
  return n;
}
