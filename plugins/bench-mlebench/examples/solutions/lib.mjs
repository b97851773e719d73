// Plain CSV helpers for the example solutions (no dependencies): RFC 4180 quoting, as pandas writes it.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export function readCsv(file) {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...data] = rows;
  return { header, rows: data, col: (name) => header.indexOf(name) };
}

const cell = (v) => {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function writeCsv(file, header, rows) {
  writeFileSync(file, [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n');
}

export const tokens = (s) => s.toLowerCase().match(/[a-z0-9$!']+/g) ?? [];

/** The one file inside a zip (read through the central directory, so data descriptors are fine). */
export function readZipText(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip`);
  const cd = buf.readUInt32LE(eocd + 16);
  const method = buf.readUInt16LE(cd + 10);
  const csize = buf.readUInt32LE(cd + 20);
  const local = buf.readUInt32LE(cd + 42);
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  const data = buf.subarray(start, start + csize);
  return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
}

export function parseCsvText(text) {
  const tmp = `${process.cwd()}/.csv-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    return readCsv(tmp);
  } finally {
    unlinkSync(tmp);
  }
}
