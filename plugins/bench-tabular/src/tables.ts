import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataMasterError, didYouMeanHint, queryRows, readerSql, sqlIdent, type TableRow } from '@datamaster/sdk';
import { PLUGIN, type ResolvedFile } from './config.ts';

export interface ColumnInfo {
  name: string;
  type: string;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Loads a config file into a DuckDB table (rows keep file order in `rowid`) and returns its columns. */
export async function loadTable(conn: DuckDBConnection, table: string, file: ResolvedFile): Promise<ColumnInfo[]> {
  try {
    await conn.run(`CREATE TABLE ${sqlIdent(table)} AS SELECT * FROM ${readerSql(file.path, file.format)}`);
  } catch (err) {
    throw new DataMasterError(
      'E_BENCH_READ',
      `${PLUGIN}: ${file.path} (config/${file.field}): cannot read it as ${file.format}: ${(err as Error).message.split('\n')[0]}; check the file, or set {"path": "${file.given}", "format": "..."}`,
      { plugin: PLUGIN, file: file.path, field: file.field, format: file.format },
      { cause: err },
    );
  }
  const cols = await queryRows(conn, `DESCRIBE ${sqlIdent(table)}`);
  return cols.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

export async function tableRows(conn: DuckDBConnection, table: string): Promise<TableRow[]> {
  return queryRows(conn, `SELECT * FROM ${sqlIdent(table)} ORDER BY rowid`);
}

/**
 * The error for a column a file lacks: names the file, the config or task field that asked for it,
 * the file's columns, and the closest one.
 */
export function missingColumn(code: string, what: string, name: string, file: ResolvedFile, columns: readonly string[], fix: string): DataMasterError {
  return new DataMasterError(
    code,
    `${PLUGIN}: ${what} '${name}' is not a column of ${file.path} (config/${file.field})${didYouMeanHint(name, columns)}; its columns are ${columns.join(', ')}. ${fix}`,
    { plugin: PLUGIN, file: file.path, field: file.field, column: name, columns },
  );
}

/** sha256 of a file's bytes. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolvePromise(h.digest('hex')));
  });
}

let tmpCounter = 0;

/**
 * Writes a query's result as Parquet to `path` through a temporary file and a rename (readers never see
 * half a file). A file already there with the same bytes is left as it is (prepare runs in every process).
 */
export async function copyToParquet(conn: DuckDBConnection, sql: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await conn.run(`COPY (${sql}) TO ${sqlString(tmp)} (FORMAT parquet)`);
    if (existsSync(path) && (await sha256File(path)) === (await sha256File(tmp))) return;
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
