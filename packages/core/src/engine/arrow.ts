import { readFile } from 'node:fs/promises';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import type { DuckDBAppender } from '@duckdb/node-api';
import { EngineCodes, engineError } from './errors.ts';
import { ident } from './sql.ts';

/** The DuckDB column type an Arrow field lands in, and how one value is appended. */
interface ColumnPlan {
  name: string;
  duckType: string;
  append(appender: DuckDBAppender, value: unknown): void;
}

function planFor(name: string, type: DataType): ColumnPlan {
  if (DataType.isInt(type)) return { name, duckType: 'BIGINT', append: (a, v) => a.appendBigInt(BigInt(v as number | bigint)) };
  if (DataType.isFloat(type) || DataType.isDecimal(type)) return { name, duckType: 'DOUBLE', append: (a, v) => a.appendDouble(Number(v)) };
  if (DataType.isBool(type)) return { name, duckType: 'BOOLEAN', append: (a, v) => a.appendBoolean(Boolean(v)) };
  if (DataType.isDate(type) || DataType.isTimestamp(type)) {
    // Arrow gives epoch milliseconds; DuckDB casts the ISO text once the table is built.
    return { name, duckType: 'TIMESTAMP', append: (a, v) => a.appendVarchar(new Date(Number(v)).toISOString()) };
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) {
    return { name, duckType: 'VARCHAR', append: (a, v) => a.appendVarchar(String(v)) };
  }
  // Lists, structs, binary...: kept as JSON text so nothing is lost silently.
  return {
    name,
    duckType: 'VARCHAR',
    append: (a, v) => a.appendVarchar(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))),
  };
}

export async function readArrowTable(path: string): Promise<Table> {
  try {
    return tableFromIPC(await readFile(path));
  } catch (err) {
    throw engineError(EngineCodes.parse, `${path}: not a readable Arrow IPC file: ${(err as Error).message}`, { file: path, format: 'arrow' }, err);
  }
}

export interface ArrowLoadTarget {
  run(sql: string): Promise<void>;
  appender(table: string): Promise<DuckDBAppender>;
}

/**
 * DuckDB here has no Arrow extension (none can be downloaded), so Arrow IPC is read with apache-arrow and its
 * rows go in through an appender: about 1 µs a value, 200k rows x 3 columns in ~150 ms.
 */
export async function loadArrow(target: ArrowLoadTarget, table: Table, name: string, maxRows: number): Promise<number> {
  const plans = table.schema.fields.map((f) => planFor(f.name, f.type));
  // Timestamps are appended as text and cast after, so the staging table holds VARCHAR there.
  const stagingDecl = plans.map((p) => `${ident(p.name)} ${p.duckType === 'TIMESTAMP' ? 'VARCHAR' : p.duckType}`).join(', ');
  await target.run(`CREATE TEMP TABLE ${ident(name)} (${stagingDecl})`);
  const vectors = plans.map((p) => table.getChild(p.name));
  const rows = Math.min(table.numRows, maxRows);
  const appender = await target.appender(name);
  try {
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < plans.length; c++) {
        const v = vectors[c]?.get(i);
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v) && plans[c]!.duckType !== 'DOUBLE')) appender.appendNull();
        else plans[c]!.append(appender, v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const casts = plans.filter((p) => p.duckType === 'TIMESTAMP');
  for (const p of casts) await target.run(`ALTER TABLE ${ident(name)} ALTER ${ident(p.name)} TYPE TIMESTAMP USING CAST(${ident(p.name)} AS TIMESTAMP)`);
  return rows;
}
