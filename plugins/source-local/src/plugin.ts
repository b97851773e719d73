import { copyFileSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataMasterError, type FetchedFile, type PluginContext, type Source, type SourcePlugin } from '@datamaster/sdk';
import { isInside, loadCatalog, type ResolvedEntry } from './catalog.ts';
import { rankEntries } from './rank.ts';
import { scanDir } from './scan.ts';

export const PLUGIN_NAME = '@datamaster/source-local';

export interface SourceLocalConfig {
  /** A catalog.json (schemas/local-catalog.schema.json), relative to ctx.baseDir. */
  catalog?: string;
  /** Folders whose data files (csv, tsv, json, jsonl, parquet, arrow) are each offered as a source. */
  dirs?: string[];
}

function at(ctx: PluginContext<SourceLocalConfig>, p: string): string {
  return isAbsolute(p) ? p : resolve(ctx.baseDir, p);
}

/** Every entry the config names, catalog first; read fresh on each call so edits show up. */
export function entriesOf(ctx: PluginContext<SourceLocalConfig>): ResolvedEntry[] {
  const { catalog, dirs } = ctx.config;
  if (!catalog && !dirs?.length) {
    throw new DataMasterError('E_SOURCE_CONFIG', `${ctx.name}: config needs 'catalog' (a catalog.json) or 'dirs' (folders to scan)`, { plugin: ctx.name });
  }
  const out: ResolvedEntry[] = catalog ? loadCatalog(at(ctx, catalog)) : [];
  for (const d of dirs ?? []) {
    try {
      out.push(...scanDir(at(ctx, d)));
    } catch (err) {
      throw new DataMasterError('E_SOURCE_DIR', `${ctx.name}: cannot scan ${at(ctx, d)} (${(err as Error).message}); check config.dirs`, { dir: at(ctx, d) }, { cause: err });
    }
  }
  return out;
}

function toSource(e: ResolvedEntry): Source {
  let sizeBytes: number | undefined;
  try {
    sizeBytes = statSync(e.path).size;
  } catch {
    sizeBytes = undefined; // listed but missing: fetch says so
  }
  return {
    id: `local:${e.id}`,
    plugin: PLUGIN_NAME,
    uri: pathToFileURL(e.path).href,
    format: e.format,
    title: e.title,
    ...(e.description ? { description: e.description } : {}),
    ...(e.license ? { license: e.license } : {}),
    origin: 'local',
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    ...(e.tags ? { tags: e.tags } : {}),
    files: [basename(e.path)],
    meta: { file: e.file, ...(e.columns ? { columns: e.columns } : {}), ...(e.rows !== undefined ? { rows: e.rows } : {}) },
  };
}

export const sourceLocal: SourcePlugin<SourceLocalConfig> = {
  kind: 'source',
  async search(query, ctx) {
    return rankEntries(entriesOf(ctx), query)
      .slice(0, Math.max(0, query.limit))
      .map(toSource);
  },
  async fetch(source, dir, limits, ctx): Promise<FetchedFile[]> {
    // Only files the config lists are served: the id is looked up, the uri in the message is not trusted.
    const entry = entriesOf(ctx).find((e) => `local:${e.id}` === source.id);
    if (!entry) {
      throw new DataMasterError('E_SOURCE_NOT_FOUND', `${ctx.name}: no local source '${source.id}' in the configured catalog or dirs; search again`, { source: source.id });
    }
    let real: string;
    try {
      real = realpathSync(entry.path);
    } catch (err) {
      throw new DataMasterError('E_SOURCE_NOT_FOUND', `${ctx.name}: ${entry.path} (source ${source.id}) does not exist; rebuild the data or fix the catalog entry`, { source: source.id, file: entry.path }, { cause: err });
    }
    if (!isInside(realpathSync(entry.root), real)) {
      throw new DataMasterError('E_SOURCE_ESCAPE', `${ctx.name}: ${entry.path} (source ${source.id}) resolves to ${real}, outside ${entry.root}; links out of the catalog folder are refused`, { source: source.id, file: entry.path });
    }
    const bytes = statSync(real).size;
    if (bytes > limits.maxBytes) {
      throw new DataMasterError('E_SOURCE_TOO_LARGE', `${ctx.name}: ${entry.path} (source ${source.id}) is ${bytes} bytes, over the limit of ${limits.maxBytes}; raise limits.maxBytes or pick a smaller source`, { source: source.id, bytes, maxBytes: limits.maxBytes });
    }
    mkdirSync(dir, { recursive: true });
    const target = join(dir, basename(real));
    copyFileSync(real, target);
    return [{ path: target, format: entry.format, bytes }];
  },
};
