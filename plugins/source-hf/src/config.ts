import type { PluginContext } from '@datamaster/sdk';

/** The plugin's config (datamaster-plugin.json's configSchema is the contract; these are its defaults). */
export interface HfConfig {
  /** Hub base URL; default: the HF_ENDPOINT environment variable, else https://huggingface.co. */
  endpoint?: string;
  /** Dataset viewer base URL for the Parquet export; default https://datasets-server.huggingface.co. */
  viewerEndpoint?: string;
  /** Hub tags every result must carry (e.g. "task_categories:text-classification", "language:en"). */
  tags?: string[];
  /** Hub sort key for search results. */
  sort?: 'downloads' | 'likes' | 'trendingScore' | 'lastModified' | 'createdAt';
  /** Git revision to list and download. */
  revision?: string;
  /** Most data files one fetch downloads (shards past it are skipped with a warning). */
  maxFiles?: number;
  /** Use the dataset viewer's Parquet export when a repo has no directly readable files. */
  viewer?: boolean;
  /** Cap on an API answer (search, listing), bytes. */
  apiMaxBytes?: number;
}

export interface HfSettings {
  endpoint: string;
  origin: string;
  viewerEndpoint: string;
  tags: string[];
  sort: NonNullable<HfConfig['sort']>;
  revision: string;
  maxFiles: number;
  viewer: boolean;
  apiMaxBytes: number;
  token: string | undefined;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

export function settingsOf(ctx: PluginContext<HfConfig>): HfSettings {
  const c = ctx.config ?? {};
  const endpoint = trimSlash(c.endpoint ?? ctx.secrets.get('HF_ENDPOINT') ?? 'https://huggingface.co');
  return {
    endpoint,
    origin: new URL(endpoint).origin,
    viewerEndpoint: trimSlash(c.viewerEndpoint ?? 'https://datasets-server.huggingface.co'),
    tags: c.tags ?? [],
    sort: c.sort ?? 'downloads',
    revision: c.revision ?? 'main',
    maxFiles: c.maxFiles ?? 8,
    viewer: c.viewer ?? true,
    apiMaxBytes: c.apiMaxBytes ?? 8 * 1024 * 1024,
    token: ctx.secrets.get('HF_TOKEN') || undefined,
  };
}
