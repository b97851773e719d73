import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { DataMasterError } from '../errors.ts';
import { schemas } from '../schema/registry.ts';
import type { Source } from '../schema/types.ts';
import type { LoadedPlugin } from './host.ts';
import type { AnyPlugin, FetchedFile, FetchLimits, SourcePlugin, SourceQuery } from './types.ts';

/** Something a plugin returned that broke its contract, and why it was dropped. */
export interface Dropped {
  reason: string;
  value: unknown;
}

const FORMATS = new Set(['csv', 'tsv', 'json', 'jsonl', 'parquet', 'arrow', 'zip', 'text', 'other']);

export const DEFAULT_SEARCH_TIMEOUT_MS = 60_000;

/** The result of a guarded call: the value, or the plugin's failure as E_PLUGIN_FAILED. Never throws. */
export type Guarded<T> = { ok: true; value: T } | { ok: false; error: DataMasterError };

/**
 * Runs one plugin method with a time limit and turns a throw (or a timeout) into E_PLUGIN_FAILED naming the
 * plugin, with secrets redacted; the original code is kept in details.cause. The plugin's promise is not
 * cancelled on timeout (JS cannot), it is only no longer waited for.
 */
export async function guardCall<T>(loaded: LoadedPlugin<AnyPlugin>, method: string, timeoutMs: number, call: () => Promise<T>): Promise<Guarded<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DataMasterError('E_PLUGIN_TIMEOUT', `no answer within ${timeoutMs} ms`, { timeoutMs })), timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(call), timeout]);
    return { ok: true, value };
  } catch (err) {
    const code = err instanceof DataMasterError ? err.code : 'E_INTERNAL';
    const message = loaded.redact(err instanceof Error ? err.message : String(err));
    const error = new DataMasterError(
      'E_PLUGIN_FAILED',
      `plugin ${loaded.name}: ${method}() failed: [${code}] ${message}`,
      { plugin: loaded.name, method, cause: code },
    );
    loaded.ctx.logger.warn(`${method}() failed; its results are dropped and the run goes on`, { code, message });
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

export interface SearchOutcome {
  sources: Source[];
  dropped: Dropped[];
  /** Set when the plugin threw or timed out (then `sources` is empty). */
  error?: DataMasterError;
}

/**
 * Calls a source plugin's search and keeps only candidates that match schemas/source.schema.json, with
 * `plugin` forced to the loaded plugin's name and ids unique. Everything else is dropped with a logged reason.
 */
export async function searchSafely(
  loaded: LoadedPlugin<SourcePlugin>,
  query: SourceQuery,
  opts: { timeoutMs?: number } = {},
): Promise<SearchOutcome> {
  const got = await guardCall(loaded, 'search', opts.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS, () => loaded.plugin.search(query, loaded.ctx));
  if (!got.ok) return { sources: [], dropped: [], error: got.error };
  const dropped: Dropped[] = [];
  const drop = (reason: string, value: unknown) => {
    dropped.push({ reason, value });
    loaded.ctx.logger.warn(`dropped a search result: ${reason}`);
  };
  if (!Array.isArray(got.value)) {
    drop(`search() must return an array of sources, got ${got.value === null ? 'null' : typeof got.value}`, got.value);
    return { sources: [], dropped };
  }
  const sources: Source[] = [];
  const seen = new Set<string>();
  for (const [i, value] of got.value.entries()) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      drop(`result ${i} is not an object`, value);
      continue;
    }
    const candidate = { ...(value as object), plugin: loaded.name };
    const issues = schemas().check('source', candidate);
    if (issues.length) {
      drop(`result ${i} does not match schemas/source.schema.json: ${issues.map((x) => `${x.path || '/'}: ${x.message}`).join('; ')}`, value);
      continue;
    }
    const source = candidate as unknown as Source;
    if (seen.has(source.id)) {
      drop(`result ${i} repeats id '${source.id}'`, value);
      continue;
    }
    seen.add(source.id);
    sources.push(source);
  }
  return { sources: sources.slice(0, Math.max(0, query.limit)), dropped };
}

export interface FetchOutcome {
  files: FetchedFile[];
  dropped: Dropped[];
  error?: DataMasterError;
}

/** True when `file` is `dir` or inside it (after resolving `..`). */
function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Calls a source plugin's fetch and keeps only files that lie inside `dir`, exist as regular files and have a
 * known format; `bytes` is set to the size on disk. More than `limits.maxBytes` in all is a failure.
 */
export async function fetchSafely(
  loaded: LoadedPlugin<SourcePlugin>,
  source: Source,
  dir: string,
  limits: FetchLimits,
  opts: { timeoutMs?: number } = {},
): Promise<FetchOutcome> {
  const root = resolve(dir);
  // The plugin's own HTTP timeout applies per request; allow a little slack for its own work.
  const timeoutMs = opts.timeoutMs ?? limits.timeoutMs + 5_000;
  const got = await guardCall(loaded, 'fetch', timeoutMs, () => loaded.plugin.fetch(source, root, limits, loaded.ctx));
  if (!got.ok) return { files: [], dropped: [], error: got.error };
  const dropped: Dropped[] = [];
  const drop = (reason: string, value: unknown) => {
    dropped.push({ reason, value });
    loaded.ctx.logger.warn(`dropped a fetched file of ${source.id}: ${reason}`);
  };
  if (!Array.isArray(got.value)) {
    drop('fetch() must return an array of files', got.value);
    return { files: [], dropped };
  }
  const files: FetchedFile[] = [];
  let total = 0;
  for (const [i, value] of got.value.entries()) {
    const f = value as Partial<FetchedFile> | null;
    if (!f || typeof f !== 'object' || typeof f.path !== 'string') {
      drop(`file ${i} has no path`, value);
      continue;
    }
    const path = resolve(root, f.path);
    if (!isInside(root, path)) {
      drop(`file ${i} (${f.path}) is outside the fetch directory ${root}`, value);
      continue;
    }
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (err) {
      drop(`file ${i} (${f.path}) does not exist: ${(err as Error).message}`, value);
      continue;
    }
    if (typeof f.format !== 'string' || !FORMATS.has(f.format)) {
      drop(`file ${i} (${f.path}) has unknown format ${JSON.stringify(f.format)}`, value);
      continue;
    }
    total += size;
    files.push({ path, format: f.format, bytes: size });
  }
  if (total > limits.maxBytes) {
    const error = new DataMasterError(
      'E_PLUGIN_FAILED',
      `plugin ${loaded.name}: fetch() of ${source.id} wrote ${total} bytes, over the limit of ${limits.maxBytes}`,
      { plugin: loaded.name, method: 'fetch', cause: 'E_FETCH_TOO_LARGE' },
    );
    loaded.ctx.logger.warn(error.message);
    return { files: [], dropped, error };
  }
  return { files, dropped };
}
