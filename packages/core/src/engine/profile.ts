import type { DataFile } from '../plugin/types.ts';
import type { ColumnProfile, SourceProfile, TaskColumn } from '../schema/types.ts';
import { countContaminated, loadTestKeys } from './contamination.ts';
import { EngineCodes, duckMessage, engineError } from './errors.ts';
import { completeMapping } from './mapping-data.ts';
import { suggestMapping } from './mapping.ts';
import { qualityScore } from './quality.ts';
import type { LoadedTable, ReadLimits } from './reader.ts';
import type { JsonValue, Session } from './session.ts';
import { ident, typeKind } from './sql.ts';

export interface ProfileOptions {
  /** The task's label column (a task column name). */
  label?: string;
  /** The task's columns, label included: enables the mapping suggestion, coverage and the overlap check. */
  taskColumns?: TaskColumn[];
  /** task column -> SQL expression over the source's columns; default: the suggestion. */
  mapping?: Record<string, string>;
  /** Held-out test INPUTS (no labels) for the contamination check. */
  testInputs?: DataFile;
  /** Columns that identify an input row; default all task columns but the label. */
  keyColumns?: string[];
}

/** Above this many distinct label values the label is treated as continuous and no balance is given. */
export const MAX_LABEL_CLASSES = 50;

function num(v: JsonValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function str(v: JsonValue | undefined): string | null {
  return v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

async function columnProfiles(session: Session, src: LoadedTable): Promise<ColumnProfile[]> {
  if (!src.columns.length) return [];
  const parts: string[] = [];
  src.columns.forEach((c, i) => {
    const col = ident(c.name);
    const kind = typeKind(c.type);
    parts.push(`count(*) - count(${col}) AS "n${i}"`);
    if (kind === 'nested') {
      parts.push(`count(DISTINCT CAST(${col} AS VARCHAR)) AS "d${i}"`);
    } else {
      parts.push(`count(DISTINCT ${col}) AS "d${i}"`);
      const cast = kind === 'numeric' ? 'DOUBLE' : 'VARCHAR';
      parts.push(`CAST(min(${col}) AS ${cast}) AS "lo${i}"`, `CAST(max(${col}) AS ${cast}) AS "hi${i}"`);
      if (kind === 'numeric') parts.push(`avg(CAST(${col} AS DOUBLE)) AS "m${i}"`);
    }
  });
  const [row] = await session.rows(`SELECT ${parts.join(', ')} FROM ${ident(src.table)}`);
  return src.columns.map((c, i) => {
    const kind = typeKind(c.type);
    const p: ColumnProfile = { name: c.name, type: c.type, nulls: num(row?.[`n${i}`]) ?? 0, distinct: num(row?.[`d${i}`]) ?? 0 };
    if (kind !== 'nested') {
      p.min = kind === 'numeric' ? num(row?.[`lo${i}`]) : str(row?.[`lo${i}`]);
      p.max = kind === 'numeric' ? num(row?.[`hi${i}`]) : str(row?.[`hi${i}`]);
    }
    if (kind === 'numeric') p.mean = num(row?.[`m${i}`]);
    return p;
  });
}

/**
 * Profiles a loaded source table. Everything about the task (mapping, label balance, test overlap, coverage)
 * is computed on the source *as mapped* to task columns, TRY_CAST to the task types: a value that cannot be
 * cast counts as a null, which is what training would see.
 */
export async function profileTable(session: Session, src: LoadedTable, opts: ProfileOptions, limits: ReadLimits): Promise<SourceProfile> {
  const notes: string[] = [];
  const columns = await columnProfiles(session, src);
  const distinctRows = await session.number(`SELECT count(*) FROM (SELECT DISTINCT * FROM ${ident(src.table)})`);
  const duplicates = src.rows - distinctRows;
  if (duplicates > 0) notes.push(`${duplicates} duplicate rows`);
  const profile: SourceProfile = { file: src.file, format: src.format, rows: src.rows, columns, duplicates, quality: 0 };

  const task = opts.taskColumns;
  if (!task?.length) {
    const cells = src.rows * Math.max(1, columns.length);
    const nulls = columns.reduce((s, c) => s + c.nulls, 0);
    if (opts.label !== undefined) {
      const labelCol = columns.find((c) => c.name === opts.label);
      if (labelCol) await addLabelBalance(session, src.table, ident(labelCol.name), profile, notes);
      else notes.push(`label column '${opts.label}' not found`);
    }
    profile.quality = qualityScore({ rows: src.rows, duplicates, nullShare: columns.length ? nulls / cells : 1 });
    profile.notes = notes;
    return profile;
  }

  if (opts.label !== undefined && !task.some((c) => c.name === opts.label)) {
    throw engineError(EngineCodes.arg, `label '${opts.label}' is not among the task columns (${task.map((c) => c.name).join(', ')})`, { label: opts.label });
  }
  let mapping: Record<string, string>;
  if (opts.mapping) {
    for (const k of Object.keys(opts.mapping)) {
      if (!task.some((c) => c.name === k)) throw engineError(EngineCodes.arg, `mapping key '${k}' is not a task column (${task.map((c) => c.name).join(', ')})`, { column: k });
    }
    mapping = opts.mapping;
  } else {
    mapping = await completeMapping(session, src.table, task, src.columns, suggestMapping(task, src.columns).mapping);
  }
  profile.mapping = mapping;
  const mappedCols = task.filter((c) => mapping[c.name] !== undefined);
  const unmapped = task.filter((c) => mapping[c.name] === undefined).map((c) => c.name);
  if (unmapped.length) notes.push(`task columns without a source column: ${unmapped.join(', ')}`);
  for (const c of mappedCols) if (/^TRY_CAST\(/.test(mapping[c.name]!)) notes.push(`${c.name} is read from text with ${mapping[c.name]}`);

  // The source as the task would see it: one column per task column, NULL where unmapped.
  const mappedTable = `${src.table}_mapped`;
  const select = task
    .map((c) => `TRY_CAST(${mapping[c.name] !== undefined ? `(${mapping[c.name]})` : 'NULL'} AS ${c.type}) AS ${ident(c.name)}`)
    .join(', ');
  const createMapped = `CREATE TEMP TABLE ${ident(mappedTable)} AS SELECT ${select} FROM ${ident(src.table)}`;
  await session.assertSingleStatement(createMapped, `${src.file}: mapping`);
  try {
    await session.run(createMapped);
  } catch (err) {
    throw engineError(EngineCodes.mapping, `${src.file}: the mapping ${JSON.stringify(mapping)} does not evaluate over the source's columns (${src.columns.map((c) => c.name).join(', ')}): ${duckMessage(err)}`, { file: src.file, mapping }, err);
  }

  let nullCells = 0;
  if (mappedCols.length) {
    const nullSql = mappedCols.map((c) => `count(*) - count(${ident(c.name)})`).join(' + ');
    nullCells = await session.number(`SELECT ${nullSql} FROM ${ident(mappedTable)}`);
  }
  const nullShare = mappedCols.length ? nullCells / (src.rows * mappedCols.length) : 1;

  let labelled = 0;
  if (opts.label !== undefined) {
    if (mapping[opts.label] !== undefined) {
      const nonNull = await session.number(`SELECT count(${ident(opts.label)}) FROM ${ident(mappedTable)}`);
      labelled = nonNull / src.rows;
      await addLabelBalance(session, mappedTable, ident(opts.label), profile, notes);
    } else {
      notes.push(`no source column maps to the label '${opts.label}': rows would be unlabelled`);
    }
  }

  if (opts.testInputs) {
    const types = Object.fromEntries(task.map((c) => [c.name, c.type]));
    const keys = await loadTestKeys(session, opts.testInputs, types, opts.label, opts.keyColumns, limits, `${src.table}_test`);
    const unmappedKeys = keys.keyColumns.filter((k) => mapping[k] === undefined);
    if (unmappedKeys.length) notes.push(`overlap compares key columns the source lacks (${unmappedKeys.join(', ')}) as NULL`);
    profile.testOverlap = await countContaminated(session, mappedTable, keys);
    if (profile.testOverlap > 0) notes.push(`${profile.testOverlap} rows equal held-out test inputs on ${keys.keyColumns.join(', ')}; add_source drops them`);
  }

  profile.quality = qualityScore({ rows: src.rows, duplicates, nullShare, coverage: mappedCols.length / task.length, labelled: opts.label !== undefined ? labelled : 1 });
  profile.notes = notes;
  return profile;
}

async function addLabelBalance(session: Session, table: string, labelSql: string, profile: SourceProfile, notes: string[]): Promise<void> {
  const rows = await session.rows(
    `SELECT CAST(${labelSql} AS VARCHAR) AS v, count(*) AS n FROM ${ident(table)} WHERE ${labelSql} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${MAX_LABEL_CLASSES + 1}`,
  );
  if (rows.length > MAX_LABEL_CLASSES) {
    notes.push(`label has more than ${MAX_LABEL_CLASSES} distinct values: treated as continuous, no labelBalance`);
    return;
  }
  profile.labelBalance = Object.fromEntries(rows.map((r) => [String(r['v']), Number(r['n'])]));
}
