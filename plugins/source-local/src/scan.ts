import { readdirSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { LocalFormat, ResolvedEntry } from './catalog.ts';

const FORMATS: Record<string, LocalFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.arrow': 'arrow',
};
const MAX_DEPTH = 4;

/** Every data file under `dir` (depth-limited, dot-files and catalog.json skipped) as a source entry. */
export function scanDir(dir: string): ResolvedEntry[] {
  const root = resolve(dir);
  const out: ResolvedEntry[] = [];
  const walk = (at: string, depth: number) => {
    const entries = readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(at, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) walk(path, depth + 1);
        continue;
      }
      const format = FORMATS[extname(e.name).toLowerCase()];
      if (!e.isFile() || !format || e.name === 'catalog.json') continue;
      const rel = relative(root, path).split('\\').join('/');
      out.push({
        id: `${basename(root)}/${rel}`.replace(/[^A-Za-z0-9_./-]/g, '_'),
        title: e.name,
        description: `Local ${format} file ${rel} in ${root}`,
        file: rel,
        format,
        path,
        root,
      });
    }
  };
  walk(root, 0);
  return out;
}
