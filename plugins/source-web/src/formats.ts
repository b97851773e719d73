import type { DataFormat } from '@datamaster/sdk';

/** Formats a web candidate is kept for by default: what the curator reads directly. */
export const DEFAULT_FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'json', 'jsonl', 'parquet'];

const BY_NAME: Record<string, DataFormat> = {
  csv: 'csv',
  'text/csv': 'csv',
  'application/csv': 'csv',
  tsv: 'tsv',
  'text/tab-separated-values': 'tsv',
  json: 'json',
  'application/json': 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  parquet: 'parquet',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
  arrow: 'arrow',
  feather: 'arrow',
  zip: 'zip',
  'application/zip': 'zip',
  txt: 'text',
};

/** Format from a URL's path extension (`.gz` / `.zst` looked through); 'other' when unknown. */
export function formatOfUrl(url: string): DataFormat {
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return 'other';
  }
  const name = (path.split('/').pop() ?? '').replace(/\.(gz|zst)$/, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_NAME[name.slice(dot + 1)] ?? 'other') : 'other';
}

/** Format of a CKAN resource: its `format` field ("CSV", "text/csv", ".parquet"), else its URL. */
export function formatOfResource(format: string | null | undefined, url: string): DataFormat {
  const f = (format ?? '').trim().toLowerCase().replace(/^\./, '');
  return BY_NAME[f] ?? formatOfUrl(url);
}

export { DATA_CONTENT_TYPES } from '@datamaster/sdk';

