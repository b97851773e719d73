/**
 * CSV as the learner protocol uses it (RFC 4180): comma separated, a header line, fields quoted with '"'
 * when they hold a comma, a quote, a line break or surrounding space; '""' is a quote inside a quoted field;
 * an empty unquoted field is a missing value. Lines end with '\n' (a reader also takes '\r\n').
 */

const NEEDS_QUOTE = /[",\r\n]|^\s|\s$/;

/** One CSV field: null and undefined become an empty field; the empty string is written as "". */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === '') return '""';
  return NEEDS_QUOTE.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csvLine(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return fields.map(csvField).join(',') + '\n';
}

export interface CsvRecord {
  /** 1-based line number of the record's first line in the file (the header is line 1). */
  line: number;
  fields: string[];
  /** Per field: it was quoted (so '' is an empty string, not a missing value). */
  quoted: boolean[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses a whole CSV text into records (the header is the first record). A leading byte-order mark is
 * skipped; a final line break is optional; blank lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let nextQuote = text.indexOf('"', i);
  let nextCr = text.indexOf('\r', i);
  while (i < n) {
    const start = line;
    // Fast path: a record on one line without quotes is a plain split.
    let eol = text.indexOf('\n', i);
    if (eol < 0) eol = n;
    const end = eol > i && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    // Next quote and next lone CR at or after i, searched again only once passed (no quadratic scans).
    if (nextQuote >= 0 && nextQuote < i) nextQuote = text.indexOf('"', i);
    if (nextCr >= 0 && nextCr < i) nextCr = text.indexOf('\r', i);
    if (end > i && (nextQuote < 0 || nextQuote >= end) && (nextCr < 0 || nextCr >= end)) {
      const fields = text.slice(i, end).split(',');
      out.push({ line: start, fields, quoted: new Array<boolean>(fields.length).fill(false) });
      i = eol + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    const quoted: boolean[] = [];
    // A blank line (only a line break) is no record.
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvSyntaxError(start, `a quoted field that starts on line ${start} is never closed`);
          const chunk = text.slice(j, q);
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
          value += chunk;
          if (text[q + 1] === '"') {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
        quoted.push(true);
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new CsvSyntaxError(line, `line ${line}: text after the closing quote of a field (quote a field whole, and write a quote inside it as "")`);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) break;
          j++;
        }
        fields.push(text.slice(i, j));
        quoted.push(false);
        i = j;
      }
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      // Line break ends the record.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    out.push({ line: start, fields, quoted });
  }
  return out;
}
