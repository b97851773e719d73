import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { DataMasterError } from '@datamaster/sdk';

/**
 * A CSV file as the graders see it: the header, one array of raw strings per column (what the file
 * says, unparsed) and the physical line on which each record starts (for error messages).
 */
export interface CsvTable {
  file: string;
  header: string[];
  /** Raw cell text per kept column (empty field -> ''). */
  columns: Map<string, string[]>;
  /** 1-based line number of each record's first line in the file (the header is line 1). */
  lines: number[];
  rows: number;
}

export interface ReadCsvOptions {
  /** Keep only these columns (others are parsed and dropped); default all. */
  keep?: readonly string[];
  /** Name used in messages instead of the path. */
  label?: string;
}

/**
 * Streams an RFC 4180 CSV file (the dialect pandas writes and reads by default: comma, double quote,
 * quotes doubled inside a quoted field, LF or CRLF records, embedded newlines inside quotes, optional BOM).
 * Rows with more fields than the header, or fewer, are errors naming the line: pandas refuses the first
 * and pads the second, and a submission of either kind is a broken file.
 */
export async function readCsv(file: string, opts: ReadCsvOptions = {}): Promise<CsvTable> {
  const label = opts.label ?? file;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new DataMasterError('E_MLEBENCH_FILE', `${label}: file not found`, { file });
  }
  const parser = new CsvParser(file, label, opts.keep);
  const decoder = new StringDecoder('utf8');
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) parser.push(decoder.write(chunk as Buffer));
  parser.push(decoder.end());
  return parser.finish();
}

/** Parses CSV text already in memory (tests, small files). */
export function parseCsv(text: string, label = '<csv>', keep?: readonly string[]): CsvTable {
  const parser = new CsvParser(label, label, keep);
  parser.push(text);
  return parser.finish();
}

/** Reads just the header line of a CSV file. */
export function readCsvHeader(file: string): string[] {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let n = 0;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  let text = new StringDecoder('utf8').write(buf.subarray(0, n));
  const nl = text.search(/\r?\n/);
  // A header line holds no quoted newline in any real competition file; cut at the first line end.
  if (nl >= 0) text = text.slice(0, nl);
  const parser = new CsvParser(file, file, []);
  parser.push(text + '\n');
  return parser.headerOrEmpty();
}

class CsvParser {
  private header: string[] | null = null;
  private keepIdx: number[] = [];
  private cols: string[][] = [];
  private lineStarts: number[] = [];
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** A quote seen inside a quoted field: either the closing quote or the first of a doubled pair. */
  private quotePending = false;
  private line = 1;
  private recordLine = 1;
  private afterCR = false;
  private fieldStarted = false;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly label: string,
    private readonly keep: readonly string[] | undefined,
  ) {}

  push(text: string): void {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let i = 0;
    const n = text.length;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (ch === 10) {
          i++;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === 34) {
            this.field += '"';
            i++;
            continue;
          }
          this.inQuotes = false;
          // fall through: the character after the closing quote is handled as unquoted
        } else if (ch === 34) {
          this.quotePending = true;
          i++;
          continue;
        } else {
          // Copy a run of plain characters at once.
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === 34) break;
            if (c === 10) this.line++;
            else if (c === 13 && text.charCodeAt(j + 1) !== 10) this.line++;
            j++;
          }
          this.field += text.slice(i, j);
          i = j;
          continue;
        }
      }
      if (ch === 44) {
        this.endField();
        i++;
      } else if (ch === 10 || ch === 13) {
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        if (ch === 13) this.afterCR = true;
        i++;
      } else if (ch === 34 && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        i++;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        this.field += text.slice(i, j);
        this.fieldStarted = true;
        i = j;
      }
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }

  private endRecord(): void {
    if (this.record.length === 0 && !this.fieldStarted && this.field === '') return; // blank line
    this.endField();
    const rec = this.record;
    this.record = [];
    if (this.header === null) {
      this.header = rec;
      const keep = this.keep;
      const seen = new Set<string>();
      rec.forEach((name, idx) => {
        if (seen.has(name)) {
          throw new DataMasterError('E_MLEBENCH_CSV', `${this.label}: column '${name}' appears twice in the header; give every column a distinct name`, { file: this.file, column: name });
        }
        seen.add(name);
        if (!keep || keep.includes(name)) this.keepIdx.push(idx);
      });
      this.cols = this.keepIdx.map(() => []);
      return;
    }
    if (rec.length !== this.header.length) {
      throw new DataMasterError(
        'E_MLEBENCH_CSV',
        `${this.label} line ${this.recordLine}: ${rec.length} fields where the header has ${this.header.length} (${this.header.join(', ')}); quote fields that contain commas or newlines`,
        { file: this.file, line: this.recordLine },
      );
    }
    for (let k = 0; k < this.keepIdx.length; k++) (this.cols[k] as string[]).push(rec[this.keepIdx[k] as number] as string);
    this.lineStarts.push(this.recordLine);
  }

  headerOrEmpty(): string[] {
    return this.header ?? [];
  }

  finish(): CsvTable {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      throw new DataMasterError('E_MLEBENCH_CSV', `${this.label} line ${this.recordLine}: a quoted field is never closed; check the quoting of that record`, { file: this.file, line: this.recordLine });
    }
    this.endRecord();
    if (this.header === null) {
      throw new DataMasterError('E_MLEBENCH_CSV', `${this.label}: the file is empty (no header line)`, { file: this.file });
    }
    const columns = new Map<string, string[]>();
    this.keepIdx.forEach((idx, k) => columns.set((this.header as string[])[idx] as string, this.cols[k] as string[]));
    return { file: this.file, header: this.header, columns, lines: this.lineStarts, rows: this.lineStarts.length };
  }
}

/** pandas' default NA strings: read_csv turns these cells into NaN. */
export const PANDAS_NA = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

const NUMBER_RE = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)\s*$/i;

/** A cell as pandas reads it into a float column: a number, NaN for an NA string, undefined when not numeric. */
export function parseNumber(cell: string): number | undefined {
  if (PANDAS_NA.has(cell)) return NaN;
  if (!NUMBER_RE.test(cell)) return undefined;
  const t = cell.trim().toLowerCase().replace(/^\+/, '');
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return Number(t);
}

/** True when pandas would read the whole column as numbers (every cell numeric or NA, at least one number). */
export function isNumericColumn(values: readonly string[]): boolean {
  let any = false;
  for (const v of values) {
    const x = parseNumber(v);
    if (x === undefined) return false;
    if (!Number.isNaN(x)) any = true;
  }
  return any;
}

/**
 * Keys for matching ids the way pandas compares them: a column that pandas reads as numbers compares by
 * value ("7" equals "7.0"), any other column compares by its text.
 */
export function idKeys(values: readonly string[]): string[] {
  if (isNumericColumn(values)) return values.map((v) => String(parseNumber(v)));
  return values.slice();
}

/** A CSV field, quoted when it must be (the minimal quoting pandas uses). */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\n';
}

/** The header and first `rows` records of a CSV file, reading only its beginning. */
export async function readCsvPrefix(file: string, rows: number): Promise<CsvTable> {
  if (!existsSync(file)) throw new DataMasterError('E_MLEBENCH_FILE', `${file}: file not found`, { file });
  let bytes = 1 << 16;
  const size = statSync(file).size;
  for (;;) {
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(bytes, size));
    let n = 0;
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
    let text = new StringDecoder('utf8').write(buf.subarray(0, n));
    const whole = n >= size;
    if (!whole) text = text.slice(0, text.lastIndexOf('\n') + 1);
    try {
      const t = parseCsv(text, file);
      if (t.rows >= rows || whole) {
        for (const [k, v] of t.columns) t.columns.set(k, v.slice(0, rows));
        return { ...t, file, lines: t.lines.slice(0, rows), rows: Math.min(rows, t.rows) };
      }
    } catch (err) {
      if (whole) throw err;
    }
    bytes *= 4;
  }
}
