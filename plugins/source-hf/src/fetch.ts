import { mkdir, rm } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileDownloadInfo } from '@huggingface/hub';
import { settingsOf, type HfConfig, type HfSettings } from './config.ts';
import { hubError } from './errors.ts';
import { DATA_CONTENT_TYPES, formatOfPath, isDirect, pickDataFiles } from './formats.ts';
import { fetchFor, listRepoFiles } from './search.ts';
import { parseHfId } from './source-id.ts';
import { DataMasterError, type DataFormat, type FetchLimits, type FetchedFile, type PluginContext, type Source } from '@datamaster/sdk';

interface PlannedFile {
  /** Where it is read from: a repo path (resolved through the hub) or an absolute URL (viewer export). */
  repoPath?: string;
  url?: string;
  /** Path under the target directory. */
  local: string;
  format: DataFormat;
  size?: number;
}

/** The dataset viewer's answer to GET /parquet?dataset=... */
interface ViewerParquet {
  parquet_files: Array<{ dataset: string; config: string; split: string; url: string; filename: string; size: number }>;
  partial?: boolean;
}

/** `rel` under `dir`, refusing anything that would land outside it (a hostile repo path, an absolute path). */
function inside(dir: string, rel: string): string {
  const target = resolve(dir, rel);
  const back = relative(resolve(dir), target);
  if (!back || back.startsWith('..') || back.split(sep).includes('..') || resolve(back) === back) {
    throw new DataMasterError('E_SOURCE_PATH', `source-hf: file path '${rel}' would be written outside ${dir}; refusing it`, { path: rel });
  }
  return target;
}

async function viewerFiles(ctx: PluginContext<HfConfig>, s: HfSettings, repo: string): Promise<PlannedFile[]> {
  const url = `${s.viewerEndpoint}/parquet?dataset=${encodeURIComponent(repo)}`;
  let answer: ViewerParquet;
  try {
    answer = await ctx.http.json<ViewerParquet>(url, {
      maxBytes: s.apiMaxBytes,
      ...(s.token && new URL(url).origin === new URL(s.viewerEndpoint).origin ? { headers: { authorization: `Bearer ${s.token}` } } : {}),
    });
  } catch (err) {
    throw hubError(err, `asking the dataset viewer for the Parquet export of ${repo}`, `${s.endpoint}/datasets/${repo}`);
  }
  const all = Array.isArray(answer.parquet_files) ? answer.parquet_files : [];
  // One config: 'default' if there is one, else the first; its train split first.
  const config = all.some((f) => f.config === 'default') ? 'default' : all[0]?.config;
  const files = all.filter((f) => f.config === config).sort((a, b) => Number(b.split === 'train') - Number(a.split === 'train'));
  if (!files.length) {
    throw new DataMasterError('E_SOURCE_EMPTY', `source-hf: ${repo} has no directly readable data files and the dataset viewer has no Parquet export for it; pick another dataset or name a file (hf:${repo}:<file>)`, { repo });
  }
  return files.map((f) => ({ url: f.url, local: `${f.config}/${f.split}/${f.filename}`, format: 'parquet', size: f.size }));
}

async function plan(ctx: PluginContext<HfConfig>, s: HfSettings, source: Source): Promise<PlannedFile[]> {
  const { repo, file } = parseHfId(source.id);
  if (file) return [{ repoPath: file, local: file, format: formatOfPath(file) }];
  const listed = source.files?.length ? undefined : await listRepoFiles(ctx, s, repo);
  const paths = source.files?.length ? source.files : [...(listed?.keys() ?? [])];
  const picked = pickDataFiles(paths);
  if (!picked || !isDirect(picked.format)) {
    if (!s.viewer) throw new DataMasterError('E_SOURCE_EMPTY', `source-hf: ${repo} has no CSV / Parquet / JSON(L) files and the viewer export is off (config viewer: false)`, { repo });
    return viewerFiles(ctx, s, repo);
  }
  return picked.files.map((p) => ({ repoPath: p, local: p, format: picked.format, size: listed?.get(p) }));
}

/** Downloads a source's data files (or one named file) into `dir`, within `limits.maxBytes` in total. */
export async function fetchFromHub(source: Source, dir: string, limits: FetchLimits, ctx: PluginContext<HfConfig>): Promise<FetchedFile[]> {
  const s = settingsOf(ctx);
  const { repo } = parseHfId(source.id);
  const planned = await plan(ctx, s, source);
  const out: FetchedFile[] = [];
  try {
    await downloadPlanned(ctx, s, repo, planned, dir, limits, out);
  } catch (err) {
    // All or nothing: a failed fetch leaves no earlier shard behind.
    await Promise.all(out.map((f) => rm(f.path, { force: true })));
    throw err;
  }
  return out;
}

async function downloadPlanned(
  ctx: PluginContext<HfConfig>,
  s: HfSettings,
  repo: string,
  planned: PlannedFile[],
  dir: string,
  limits: FetchLimits,
  out: FetchedFile[],
): Promise<void> {
  const datasetUrl = `${s.endpoint}/datasets/${repo}`;
  let budget = limits.maxBytes;
  for (const [i, f] of planned.entries()) {
    if (i >= s.maxFiles) {
      ctx.logger.warn('source-hf: file limit reached, skipping the remaining shards', { dataset: repo, kept: s.maxFiles, total: planned.length });
      break;
    }
    let url = f.url;
    let size = f.size;
    if (f.repoPath) {
      try {
        const info = await fileDownloadInfo({ repo: { type: 'dataset', name: repo }, path: f.repoPath, revision: s.revision, hubUrl: s.endpoint, fetch: fetchFor(ctx, s) });
        if (!info) throw new DataMasterError('E_HTTP_NOT_FOUND', `file ${f.repoPath} does not exist at revision ${s.revision}`, { path: f.repoPath });
        url = info.url;
        size = info.size;
      } catch (err) {
        throw hubError(err, `resolving ${f.repoPath} in ${repo}`, datasetUrl);
      }
    }
    if (size !== undefined && size > budget) {
      if (out.length) {
        ctx.logger.warn('source-hf: size limit reached, skipping the remaining shards', { dataset: repo, kept: out.length, total: planned.length, maxBytes: limits.maxBytes });
        break;
      }
      throw new DataMasterError('E_SOURCE_TOO_LARGE', `source-hf: ${f.repoPath ?? f.local} in ${repo} is ${size} bytes, over the fetch limit of ${limits.maxBytes} bytes; raise the limit or name a smaller file (hf:${repo}:<file>)`, { size, maxBytes: limits.maxBytes });
    }
    const target = inside(dir, f.local);
    await mkdir(dirname(target), { recursive: true });
    try {
      const got = await ctx.http.download(url!, target, {
        maxBytes: budget,
        timeoutMs: limits.timeoutMs,
        accept: DATA_CONTENT_TYPES,
        ...(s.token && new URL(url!).origin === s.origin ? { headers: { authorization: `Bearer ${s.token}` } } : {}),
      });
      out.push({ path: target, format: f.format, bytes: got.bytes });
      budget -= got.bytes;
    } catch (err) {
      throw hubError(err, `downloading ${f.repoPath ?? f.url} of ${repo}`, datasetUrl);
    }
  }
}
