import { stat } from 'node:fs/promises';
import type { DataFile } from '../plugin/types.ts';
import { loadArrow, readArrowTable } from './arrow.ts';
import { EngineCodes, duckMessage, engineError } from './errors.ts';
import { resolveFormat, type TabularFormat } from './format.ts';
import type { ColumnInfo, Session } from './session.ts';
import { ident, literal } from './sql.ts';

export interface ReadLimits {
  /** Rows above this fail with E_DATA_TOO_LARGE. */
  maxRows: number;
  /** Bytes on disk above this fail with E_DATA_TOO_LARGE before anything is read. */
  maxBytes: number;
}

export interface LoadedTable {
  table: string;
  file: string;
  format: TabularFormat;
  rows: number;
  bytes: number;
  columns: ColumnInfo[];
}

// Strict CSV dialects: DuckDB's sniffer would otherwise "succeed" on a broken file by picking '|' as delimiter
// and returning one garbled column.
const CSV_OPTIONS = `delim=',', quote='"', escape='"', header=true, strict_mode=true`;
const TSV_OPTIONS = `delim='\t', quote='"', escape='"', header=true, strict_mode=true`;

/** The table function that reads `path` in `format` (not Arrow: that goes through apache-arrow). */
export function readerSql(path: string, format: Exclude<TabularFormat, 'arrow'>): string {
  const p = literal(path);
  switch (format) {
    case 'csv':
      return `read_csv(${p}, ${CSV_OPTIONS})`;
    case 'tsv':
      return `read_csv(${p}, ${TSV_OPTIONS})`;
    case 'json':
      return `read_json(${p}, format='array')`;
    case 'jsonl':
      return `read_json(${p}, format='newline_delimited')`;
    case 'parquet':
      return `read_parquet(${p})`;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw engineError(EngineCodes.notFound, `${path}: not a regular file`, { file: path });
    return st.size;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw engineError(EngineCodes.notFound, `${path}: no such file; fetch the source first or fix the path`, { file: path }, err);
    }
    throw err;
  }
}

/**
 * Reads a data file into the TEMP table `table` of `session`, in file order (rowid = line order), and checks
 * the limits: an empty file or zero rows -> E_DATA_EMPTY, a parse failure -> E_DATA_PARSE, over a limit ->
 * E_DATA_TOO_LARGE. Every message names the file.
 */
export async function loadFile(session: Session, file: DataFile, table: string, limits: ReadLimits): Promise<LoadedTable> {
  const path = file.path;
  const bytes = await fileSize(path);
  if (bytes === 0) throw engineError(EngineCodes.empty, `${path}: the file is empty (0 bytes)`, { file: path });
  if (bytes > limits.maxBytes) {
    throw engineError(EngineCodes.tooLarge, `${path}: ${bytes} bytes is over the engine's limit of ${limits.maxBytes} bytes; raise maxBytes or use a smaller file`, { file: path, bytes, maxBytes: limits.maxBytes });
  }
  const format = await resolveFormat(path, file.format);
  let total: number;
  if (format === 'arrow') {
    const arrow = await readArrowTable(path);
    total = arrow.numRows;
    if (total > limits.maxRows) throw tooManyRows(path, total, limits.maxRows);
    if (total === 0) throw noRows(path, format);
    await loadArrow({ run: (sql) => session.run(sql), appender: (t) => session.appender(t) }, arrow, table, limits.maxRows);
  } else {
    try {
      // One row past the limit tells "too large" without reading the rest.
      await session.run(`CREATE TEMP TABLE ${ident(table)} AS SELECT * FROM ${readerSql(path, format)} LIMIT ${limits.maxRows + 1}`);
    } catch (err) {
      throw engineError(EngineCodes.parse, `${path}: cannot read as ${format}: ${duckMessage(err)}`, { file: path, format }, err);
    }
    total = await session.number(`SELECT count(*) FROM ${ident(table)}`);
    if (total > limits.maxRows) {
      await session.run(`DROP TABLE ${ident(table)}`);
      throw tooManyRows(path, `more than ${limits.maxRows}`, limits.maxRows);
    }
    if (total === 0) {
      await session.run(`DROP TABLE ${ident(table)}`);
      throw noRows(path, format);
    }
  }
  return { table, file: path, format, rows: total, bytes, columns: await session.columns(table) };
}

/** Row count and columns without loading the rows (Parquet answers from its footer). */
export async function describeFile(session: Session, file: DataFile): Promise<{ format: TabularFormat; rows: number; bytes: number; columns: ColumnInfo[] }> {
  const path = file.path;
  const bytes = await fileSize(path);
  if (bytes === 0) throw engineError(EngineCodes.empty, `${path}: the file is empty (0 bytes)`, { file: path });
  const format = await resolveFormat(path, file.format);
  if (format === 'arrow') {
    const arrow = await readArrowTable(path);
    return { format, rows: arrow.numRows, bytes, columns: arrow.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })) };
  }
  try {
    const reader = readerSql(path, format);
    const rows = await session.number(`SELECT count(*) FROM ${reader}`);
    const cols = await session.rows(`DESCRIBE SELECT * FROM ${reader}`);
    return { format, rows, bytes, columns: cols.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) })) };
  } catch (err) {
    throw engineError(EngineCodes.parse, `${path}: cannot read as ${format}: ${duckMessage(err)}`, { file: path, format }, err);
  }
}

function tooManyRows(path: string, rows: number | string, maxRows: number) {
  return engineError(EngineCodes.tooLarge, `${path}: ${rows} rows is over the engine's limit of ${maxRows} rows; raise maxRows or sample the source`, { file: path, maxRows });
}

function noRows(path: string, format: TabularFormat) {
  return engineError(EngineCodes.empty, `${path}: no data rows (read as ${format}); a header alone or an empty array is not a dataset`, { file: path, format });
}
