import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { queryRows, readerSql, withDuck } from '../duck.ts';
import type { Row } from '../table.ts';
import { packageRoot } from './packages.ts';

/** Absolute path of a file that the vega-datasets package ships in its data/ folder. */
export function vegaFile(name: string): string {
  return join(packageRoot('vega-datasets'), 'data', name);
}

/** Rows of a vega-datasets JSON array file, parsed as is. */
export function vegaJson(name: string): Row[] {
  return JSON.parse(readFileSync(vegaFile(name), 'utf8')) as Row[];
}

/** Rows of a vega-datasets CSV or Parquet file through DuckDB (file order kept: single thread). */
export async function vegaTable(name: string, format: 'csv' | 'parquet', sql = 'SELECT *'): Promise<Row[]> {
  return withDuck((conn) => queryRows(conn, `${sql} FROM ${readerSql(vegaFile(name), format)}`));
}

/** Any query over a vega-datasets file: `sql` gets the table expression that reads it. */
export async function vegaQuery(name: string, format: 'csv' | 'parquet', sql: (from: string) => string): Promise<Row[]> {
  return withDuck((conn) => queryRows(conn, sql(readerSql(vegaFile(name), format))));
}
