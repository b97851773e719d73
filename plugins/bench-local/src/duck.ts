import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, readerSql } from '@datamaster/sdk';

// One DuckDB helper set for every plugin: the SDK's (single-threaded in-memory DuckDB, byte-stable writes).
export { queryRows, readerSql, sqlIdent, sqlString, withDuck } from '@datamaster/sdk';
export type ReadableFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

/** Column names of a file, in file order. */
export async function columnsOf(conn: DuckDBConnection, file: string, format: string): Promise<string[]> {
  const rows = await queryRows(conn, `DESCRIBE SELECT * FROM ${readerSql(file, format)}`);
  return rows.map((r) => String(r.column_name));
}
