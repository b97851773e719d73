import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataMasterError } from '@datamaster/core';
import type { Cell, Row } from './table.ts';

export type ReadableFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

/** One in-memory DuckDB, single-threaded so that written files (row order, row groups) are byte-stable. */
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
      throw new DataMasterError('E_BENCH_FORMAT', `${file}: format '${format}' cannot be read by bench-local; use csv, tsv, json, jsonl or parquet`, { file, format });
  }
}

function plain(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** Runs a query and returns plain rows (bigints as numbers, other values as strings). */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  return reader.getRows().map((values) => Object.fromEntries(names.map((n, i) => [n, plain(values[i])])));
}

/** Column names of a file, in file order. */
export async function columnsOf(conn: DuckDBConnection, file: string, format: string): Promise<string[]> {
  const rows = await queryRows(conn, `DESCRIBE SELECT * FROM ${readerSql(file, format)}`);
  return rows.map((r) => String(r.column_name));
}
