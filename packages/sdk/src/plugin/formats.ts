import type { DataFormat } from '../schema/types.ts';

/** Formats the curator reads directly, in the order a source's main format is chosen. */
export const DIRECT_FORMATS: readonly DataFormat[] = ['parquet', 'jsonl', 'csv', 'tsv', 'json'];

const BY_EXTENSION: Record<string, DataFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  arrow: 'arrow',
  txt: 'text',
  zip: 'zip',
};

/**
 * Format of a file by its name; `.gz` / `.zst` are looked through (DuckDB decompresses them). Names in
 * `metadataFiles` look like data by extension but describe the dataset, not rows: they are 'other'.
 */
export function formatOfPath(path: string, metadataFiles: ReadonlySet<string> = new Set()): DataFormat {
  const name = (path.split('/').pop() ?? path).toLowerCase();
  if (metadataFiles.has(name)) return 'other';
  const parts = name.replace(/\.(gz|zst)$/, '').split('.');
  if (parts.length < 2) return 'other';
  return BY_EXTENSION[parts[parts.length - 1]!] ?? 'other';
}

export function isDirect(format: DataFormat): boolean {
  return DIRECT_FORMATS.includes(format);
}

/** Picks the one format to fetch (first of DIRECT_FORMATS present) and the files that have it, in path order. */
export function pickDataFiles(
  paths: readonly string[],
  metadataFiles: ReadonlySet<string> = new Set(),
): { format: DataFormat; files: string[] } | undefined {
  for (const format of DIRECT_FORMATS) {
    const files = paths.filter((p) => formatOfPath(p, metadataFiles) === format).sort();
    if (files.length) return { format, files };
  }
  return undefined;
}

/**
 * Content types a data download may have (prefix match). An HTML page where a data file was expected is a login
 * wall or an error page, and fails with E_HTTP_CONTENT_TYPE instead of being saved as data.
 */
export const DATA_CONTENT_TYPES = ['application/', 'binary/', 'text/csv', 'text/plain', 'text/tab-separated-values', 'text/x-'];
