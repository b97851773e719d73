import { listDatasets, listFiles } from '@huggingface/hub';
import { settingsOf, type HfConfig, type HfSettings } from './config.ts';
import { hubError } from './errors.ts';
import { formatOfPath, pickDataFiles } from './formats.ts';
import { hubFetch } from './hub-fetch.ts';
import { formatHfId } from './source-id.ts';
import type { PluginContext, Source, SourceQuery } from '@datamaster/sdk';

interface CardData {
  license?: string | string[];
  pretty_name?: string;
}

const DESCRIPTION_CHARS = 600;

function licenseOf(card: CardData | undefined, tags: readonly string[]): string | undefined {
  const fromCard = Array.isArray(card?.license) ? card?.license.join(', ') : card?.license;
  return fromCard ?? tags.find((t) => t.startsWith('license:'))?.slice('license:'.length);
}

export function fetchFor(ctx: PluginContext<HfConfig>, s: HfSettings): typeof fetch {
  return hubFetch({ http: ctx.http, token: s.token, hubOrigin: s.origin, maxBytes: s.apiMaxBytes });
}

/** Data files of a dataset repo at the configured revision, with their sizes. */
export async function listRepoFiles(ctx: PluginContext<HfConfig>, s: HfSettings, repo: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  try {
    for await (const entry of listFiles({ repo: { type: 'dataset', name: repo }, recursive: true, revision: s.revision, hubUrl: s.endpoint, fetch: fetchFor(ctx, s) })) {
      if (entry.type === 'file') files.set(entry.path, entry.lfs?.size ?? entry.size);
    }
  } catch (err) {
    throw hubError(err, `listing the files of ${repo}`, `${s.endpoint}/datasets/${repo}`);
  }
  return files;
}

/** Searches datasets by text and tags, then lists each hit's files to pick what a fetch would download. */
export async function searchHub(query: SourceQuery, ctx: PluginContext<HfConfig>): Promise<Source[]> {
  const s = settingsOf(ctx);
  const hits: Array<{ name: string; downloads: number; likes: number; gated: false | 'auto' | 'manual'; updatedAt: Date; description?: string; tags?: string[]; cardData?: unknown }> = [];
  try {
    for await (const d of listDatasets({
      search: { query: query.text || undefined, tags: s.tags.length ? s.tags : undefined },
      limit: query.limit,
      sort: s.sort,
      additionalFields: ['description', 'tags', 'cardData'],
      hubUrl: s.endpoint,
      fetch: fetchFor(ctx, s),
    })) {
      hits.push(d);
    }
  } catch (err) {
    throw hubError(err, `searching datasets for '${query.text}'`, `${s.endpoint}/datasets`);
  }

  const sources: Source[] = [];
  for (const d of hits) {
    let files: Map<string, number>;
    try {
      files = await listRepoFiles(ctx, s, d.name);
    } catch (err) {
      // One unreadable repo (gated, removed since the search) must not hide the others.
      ctx.logger.warn('source-hf: skipping a dataset whose files cannot be listed', { dataset: d.name, error: (err as Error).message });
      continue;
    }
    const picked = pickDataFiles([...files.keys()]);
    if (!picked && !s.viewer) continue;
    const tags = d.tags ?? [];
    const card = (d.cardData ?? undefined) as CardData | undefined;
    const source: Source = {
      id: formatHfId(d.name),
      plugin: ctx.name,
      uri: `${s.endpoint}/datasets/${d.name}`,
      // No directly readable file: the viewer's Parquet export is what a fetch returns.
      format: picked?.format ?? 'parquet',
      title: card?.pretty_name ?? d.name,
      origin: `Hugging Face Hub (${new URL(s.endpoint).host})`,
      tags: tags.filter((t) => !t.startsWith('license:')),
      meta: {
        repo: d.name,
        downloads: d.downloads,
        likes: d.likes,
        gated: d.gated,
        ...(Number.isNaN(d.updatedAt.getTime()) ? {} : { updatedAt: d.updatedAt.toISOString() }),
        viewerExport: !picked,
        otherFormats: [...new Set([...files.keys()].map(formatOfPath))].filter((f) => f !== 'other' && f !== picked?.format),
      },
    };
    const license = licenseOf(card, tags);
    if (license) source.license = license;
    if (d.description) source.description = d.description.slice(0, DESCRIPTION_CHARS);
    if (picked) {
      source.files = picked.files;
      source.sizeBytes = picked.files.reduce((n, f) => n + (files.get(f) ?? 0), 0);
    }
    sources.push(source);
  }
  return sources;
}
