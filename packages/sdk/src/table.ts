import { extname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataMasterError } from './errors.ts';

/** A table cell as a plugin sees it: bigints become numbers, dates and other values strings. */
export type TableCell = string | number | boolean | null;
export type TableRow = Record<string, TableCell>;
export type TableFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

const EXT: Record<string, TableFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' };

/** The table format a file name implies, or undefined. */
export function tableFormatOf(file: string): TableFormat | undefined {
  return EXT[extname(file).toLowerCase()];
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** The DuckDB table function that reads `file` in `format`. */
export function readerSql(file: string, format: string): string {
  const f = sqlString(file);
  switch (format) {
    case 'csv':
      return `read_csv(${f}, header = true)`;
    case 'tsv':
      return `read_csv(${f}, header = true, delim = '\t')`;
    case 'json':
    case 'jsonl':
      return `read_json_auto(${f})`;
    case 'parquet':
      return `read_parquet(${f})`;
    default:
      throw new DataMasterError('E_TABLE_FORMAT', `${file}: format '${format}' is not a table format; use csv, tsv, json, jsonl or parquet`, { file, format });
  }
}

/** One in-memory DuckDB, single-threaded so that written files are byte-stable. */
export async function withDuck<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function plain(v: unknown): TableCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** Runs a query and returns plain rows. */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<TableRow[]> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  return reader.getRows().map((values) => Object.fromEntries(names.map((n, i) => [n, plain(values[i])])));
}

function formatFor(file: string, format?: string): string {
  const f = format ?? tableFormatOf(file);
  if (!f) throw new DataMasterError('E_TABLE_FORMAT', `${file}: cannot tell the table format from the file name; name it .csv, .tsv, .json, .jsonl or .parquet, or pass the format`, { file });
  return f;
}

/**
 * Reads a whole table file (CSV, TSV, JSON, JSONL, Parquet) into plain rows. An artifact handed to a
 * benchmark is Parquet: `readTable(artifact.path, artifact.format)`.
 */
export async function readTable(file: string, format?: string): Promise<{ columns: { name: string; type: string }[]; rows: TableRow[] }> {
  const fmt = formatFor(file, format);
  return withDuck(async (conn) => {
    let columns: { name: string; type: string }[];
    try {
      columns = (await queryRows(conn, `DESCRIBE SELECT * FROM ${readerSql(file, fmt)}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch (err) {
      throw new DataMasterError('E_TABLE_READ', `${file}: cannot read as ${fmt} (${(err as Error).message})`, { file, format: fmt }, { cause: err });
    }
    const rows = await queryRows(conn, `SELECT * FROM ${readerSql(file, fmt)}`);
    return { columns, rows };
  });
}
