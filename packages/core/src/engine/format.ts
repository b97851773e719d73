import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DataFormat } from '../schema/types.ts';
import { EngineCodes, engineError } from './errors.ts';

/** Formats the engine reads into a table. */
export type TabularFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet' | 'arrow';

const BY_EXTENSION: Record<string, TabularFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

async function head(path: string, bytes = 4096): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Looks at the first bytes: magic numbers for binary formats, the first character for JSON, tabs vs commas for text. */
export function sniffBytes(buf: Buffer): TabularFormat | null {
  if (buf.length >= 4 && buf.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (buf.length >= 6 && buf.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow';
  // Arrow IPC stream: continuation marker 0xFFFFFFFF then a schema message.
  if (buf.length >= 8 && buf.readUInt32LE(0) === 0xffffffff) return 'arrow';
  if (buf.length >= 2 && buf[0] === 0x50 && buf[1] === 0x4b) return null; // zip
  const text = buf.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) return 'jsonl';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!firstLine) return null;
  if (firstLine.includes('\t') && !firstLine.includes(',')) return 'tsv';
  return 'csv';
}

/**
 * The format to read `path` as. A declared tabular format is trusted, except 'json', which sources often use
 * for JSON Lines too: its first character decides. Otherwise the extension, then the bytes, decide.
 */
export async function resolveFormat(path: string, declared?: DataFormat): Promise<TabularFormat> {
  if (declared === 'json' || declared === 'jsonl') {
    const sniffed = sniffBytes(await head(path, 512));
    return sniffed === 'jsonl' || sniffed === 'json' ? sniffed : declared;
  }
  if (declared === 'csv' || declared === 'tsv' || declared === 'parquet' || declared === 'arrow') return declared;
  const byExt = BY_EXTENSION[extname(path).toLowerCase()];
  if (byExt) return resolveFormat(path, byExt);
  const sniffed = sniffBytes(await head(path));
  if (!sniffed) {
    throw engineError(
      EngineCodes.format,
      `${path}: cannot tell its format (declared ${declared ?? 'none'}); the engine reads csv, tsv, json, jsonl, parquet and arrow. Unpack archives first, or declare the format`,
      { file: path, declared },
    );
  }
  return sniffed;
}
