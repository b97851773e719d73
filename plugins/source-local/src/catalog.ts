import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DataMasterError, SchemaError, schemas, type SchemaName } from '@datamaster/sdk';

export type LocalFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet' | 'arrow';

export interface LocalCatalogColumn {
  name: string;
  type?: string;
  unit?: string;
  description?: string;
}

export interface LocalCatalogEntry {
  id: string;
  title: string;
  description?: string;
  file: string;
  format: LocalFormat;
  license?: string;
  tags?: string[];
  rows?: number;
  columns?: LocalCatalogColumn[];
}

export interface LocalCatalog {
  title?: string;
  description?: string;
  entries: LocalCatalogEntry[];
}

/** A catalog entry with its file resolved, and the folder it must stay inside. */
export interface ResolvedEntry extends LocalCatalogEntry {
  path: string;
  root: string;
}

/** True when `path` is `root` or inside it (after resolving '..'). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Reads and checks a catalog.json against schemas/local-catalog.schema.json. Errors name the file, the
 * JSON path and the reason: invalid JSON, a schema violation, a duplicate id, or a file that leaves
 * the catalog's folder.
 */
export function loadCatalog(file: string): ResolvedEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataMasterError('E_CATALOG_READ', `${file}: cannot read the catalog (${(err as Error).message}); check config.catalog (resolved against the task folder) or build the data first`, { file }, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataMasterError('E_CATALOG_JSON', `${file}: not valid JSON (${(err as Error).message}); fix the syntax`, { file }, { cause: err });
  }
  let catalog: LocalCatalog;
  try {
    catalog = schemas().parseInput<LocalCatalog>('local-catalog' as SchemaName, value, file);
  } catch (err) {
    if (err instanceof SchemaError) throw new DataMasterError('E_CATALOG_SCHEMA', err.message, { file, issues: err.issues }, { cause: err });
    throw err;
  }
  const root = dirname(resolve(file));
  const seen = new Set<string>();
  return catalog.entries.map((e, i) => {
    if (seen.has(e.id)) throw new DataMasterError('E_CATALOG_SCHEMA', `${file}: /entries/${i}/id: duplicate id '${e.id}'; ids must be unique`, { file, path: `/entries/${i}/id` });
    seen.add(e.id);
    const path = resolve(root, e.file);
    if (isAbsolute(e.file) || !isInside(root, path)) {
      throw new DataMasterError('E_CATALOG_ESCAPE', `${file}: /entries/${i}/file: '${e.file}' leaves the catalog folder ${root}; give a path inside it`, { file, path: `/entries/${i}/file` });
    }
    return { ...e, path, root };
  });
}
