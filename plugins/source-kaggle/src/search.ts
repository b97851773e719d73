import { KaggleApi, type KaggleDataset, type KaggleFile } from './api.ts';
import { settingsOf, type KaggleConfig } from './config.ts';
import { formatOfPath, pickDataFiles } from './formats.ts';
import { formatKaggleId } from './source-id.ts';
import type { PluginContext, Source, SourceQuery } from '@datamaster/sdk';

const DESCRIPTION_CHARS = 600;

/** Searches Kaggle datasets; with `inspect`, lists each hit's files to name its format and data files. */
export async function searchKaggle(query: SourceQuery, ctx: PluginContext<KaggleConfig>): Promise<Source[]> {
  const s = settingsOf(ctx);
  const api = new KaggleApi(ctx, s);
  const hits = (await api.search(query.text)).filter((d) => typeof d.ref === 'string' && d.ref.includes('/')).slice(0, query.limit);
  const sources: Source[] = [];
  for (const hit of hits) {
    let d: KaggleDataset = hit;
    let files: KaggleFile[] | undefined;
    if (s.inspect) {
      try {
        files = await api.files(d.ref);
        if (!d.description) d = { ...d, ...(await api.view(d.ref)) };
      } catch (err) {
        // One unreadable dataset (removed, private) must not hide the others.
        ctx.logger.warn('source-kaggle: skipping a dataset that cannot be inspected', { dataset: d.ref, error: (err as Error).message });
        continue;
      }
    }
    const picked = files ? pickDataFiles(files.map((f) => f.name)) : undefined;
    const source: Source = {
      id: formatKaggleId(d.ref),
      plugin: ctx.name,
      uri: d.url ?? `${s.site}/datasets/${d.ref}`,
      // Without a readable file the fetch still returns the unpacked zip; 'zip' says so.
      format: picked?.format ?? (files ? formatOfPath(files[0]?.name ?? '') : 'zip'),
      title: d.title ?? d.ref,
      origin: `Kaggle (${new URL(s.site).host})`,
      meta: {
        ref: d.ref,
        ...(d.ownerName ? { owner: d.ownerName } : {}),
        ...(d.lastUpdated ? { updatedAt: d.lastUpdated } : {}),
        ...(d.downloadCount !== undefined ? { downloads: d.downloadCount } : {}),
        ...(d.voteCount !== undefined ? { votes: d.voteCount } : {}),
        ...(d.usabilityRating !== undefined ? { usability: d.usabilityRating } : {}),
      },
    };
    if (source.format === 'other') source.format = 'zip';
    const description = d.description || d.subtitle;
    if (description) source.description = description.slice(0, DESCRIPTION_CHARS);
    if (d.licenseName) source.license = d.licenseName;
    if (typeof d.totalBytes === 'number') source.sizeBytes = d.totalBytes;
    const tags = (d.tags ?? []).map((t) => t.ref ?? t.name).filter((t): t is string => !!t);
    if (tags.length) source.tags = tags;
    if (files?.length) source.files = files.map((f) => f.name);
    sources.push(source);
  }
  return sources;
}
