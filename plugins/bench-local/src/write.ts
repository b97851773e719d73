import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataMasterError } from '@datamaster/core';
import { sqlIdent, sqlString, withDuck } from './duck.ts';
import type { Cell, Row } from './table.ts';

export type WritableFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';
export type ColumnKind = 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'BOOLEAN';
export interface WriteColumn {
  name: string;
  type: ColumnKind;
}

function delimited(rows: readonly Row[], columns: readonly WriteColumn[], sep: string): string {
  const cell = (v: Cell): string => {
    if (v === null) return '';
    const s = String(v);
    // Quote only what needs it, the way most tools write CSV.
    return /[",\n\r\t]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.map((c) => cell(c.name)).join(sep)];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c.name] ?? null)).join(sep));
  return `${lines.join('\n')}\n`;
}

function ordered(rows: readonly Row[], columns: readonly WriteColumn[]): Row[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])));
}

/** Writes rows as one file; parquet goes through DuckDB with the declared column types. */
export async function writeTable(file: string, format: WritableFormat, columns: readonly WriteColumn[], rows: readonly Row[]): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  switch (format) {
    case 'csv':
      writeFileSync(file, delimited(rows, columns, ','));
      return;
    case 'tsv':
      writeFileSync(file, delimited(rows, columns, '\t'));
      return;
    case 'json':
      writeFileSync(file, `${JSON.stringify(ordered(rows, columns), null, 1)}\n`);
      return;
    case 'jsonl':
      writeFileSync(file, ordered(rows, columns).map((r) => `${JSON.stringify(r)}\n`).join(''));
      return;
    case 'parquet': {
      const tmp = `${file}.tmp.jsonl`;
      writeFileSync(tmp, ordered(rows, columns).map((r) => `${JSON.stringify(r)}\n`).join(''));
      try {
        const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
        const select = columns.map((c) => sqlIdent(c.name)).join(', ');
        await withDuck(async (conn) => {
          await conn.run(
            `COPY (SELECT ${select} FROM read_json(${sqlString(tmp)}, format = 'newline_delimited', columns = {${spec}})) ` +
              `TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
          );
        });
      } finally {
        rmSync(tmp, { force: true });
      }
      return;
    }
    default:
      throw new DataMasterError('E_BENCH_FORMAT', `cannot write ${file}: unknown format '${String(format)}'`, { file });
  }
}
