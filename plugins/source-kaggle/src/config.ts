import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PluginContext } from '@datamaster/sdk';

/** The plugin's config (datamaster-plugin.json's configSchema is the contract; these are its defaults). */
export interface KaggleConfig {
  /** API host; the API lives under <baseUrl>/api/v1. Default https://www.kaggle.com. */
  baseUrl?: string;
  /** kaggle.json read when KAGGLE_USERNAME / KAGGLE_KEY are not set. Default ~/.kaggle/kaggle.json. */
  credentialsFile?: string;
  /** Kaggle's sort for search: hottest, votes, updated, active, published. */
  sortBy?: string;
  /** Kaggle's file type filter for search: all, csv, sqlite, json, bigQuery, parquet. */
  fileType?: string;
  /** Kaggle's license filter for search: all, cc, gpl, odb, other. */
  license?: string;
  /** List each hit's files (and read its metadata when the search gave no description). */
  inspect?: boolean;
  /** Most entries a downloaded zip may hold. */
  maxZipEntries?: number;
  /** Cap on an API answer (search, listing, metadata), bytes. */
  apiMaxBytes?: number;
}

export interface KaggleSettings {
  api: string;
  site: string;
  credentialsFile: string;
  sortBy: string | undefined;
  fileType: string | undefined;
  license: string | undefined;
  inspect: boolean;
  maxZipEntries: number;
  apiMaxBytes: number;
}

export function settingsOf(ctx: PluginContext<KaggleConfig>): KaggleSettings {
  const c = ctx.config ?? {};
  const site = (c.baseUrl ?? 'https://www.kaggle.com').replace(/\/+$/, '');
  return {
    site,
    api: `${site}/api/v1`,
    credentialsFile: c.credentialsFile ?? join(homedir(), '.kaggle', 'kaggle.json'),
    sortBy: c.sortBy,
    fileType: c.fileType,
    license: c.license,
    inspect: c.inspect ?? true,
    maxZipEntries: c.maxZipEntries ?? 10_000,
    apiMaxBytes: c.apiMaxBytes ?? 8 * 1024 * 1024,
  };
}
