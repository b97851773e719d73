import type { DataFormat, PluginContext } from '@datamaster/sdk';
import { DEFAULT_FORMATS } from './formats.ts';

export interface PortalConfig {
  /** CKAN site root; the action API is at <url>/api/3/action/. */
  url: string;
  name?: string;
}

export interface LinkConfig {
  url: string;
  title?: string;
  description?: string;
  license?: string;
}

export interface WebSearchConfig {
  /** The @langchain/community search tool: 'searxng' (SearxngSearch; targets any instance through apiBase). */
  tool: 'searxng';
  /** Base URL of the SearxNG instance (the SEARXNG_API_BASE environment variable, when set, wins inside the tool). */
  apiBase: string;
  /** SearxNG engines, comma separated (e.g. "google,bing"). */
  engines?: string;
  numResults?: number;
  /** Words added to the query so that hits lean towards data files. */
  suffix?: string;
}

/** The plugin's config (datamaster-plugin.json's configSchema is the contract; these are its defaults). */
export interface WebConfig {
  /** CKAN portals to search; default catalog.data.gov, open.canada.ca and data.humdata.org. */
  portals?: Array<string | PortalConfig>;
  /** Packages asked per portal (CKAN `rows`). */
  rowsPerPortal?: number;
  /** Web search through a @langchain/community tool; off when absent. */
  search?: WebSearchConfig;
  /** Direct links to data files, always offered as candidates. */
  links?: Array<string | LinkConfig>;
  /** Formats a candidate may have. */
  formats?: DataFormat[];
  /** Cap on an API answer (package_search), bytes. */
  apiMaxBytes?: number;
}

export interface WebSettings {
  portals: Required<PortalConfig>[];
  rowsPerPortal: number;
  search: WebSearchConfig | undefined;
  links: LinkConfig[];
  formats: readonly DataFormat[];
  apiMaxBytes: number;
}

export const DEFAULT_PORTALS = ['https://catalog.data.gov', 'https://open.canada.ca/data', 'https://data.humdata.org'];

export function settingsOf(ctx: PluginContext<WebConfig>): WebSettings {
  const c = ctx.config ?? {};
  return {
    portals: (c.portals ?? DEFAULT_PORTALS).map((p) => {
      const url = (typeof p === 'string' ? p : p.url).replace(/\/+$/, '');
      return { url, name: typeof p === 'string' || !p.name ? new URL(url).host : p.name };
    }),
    rowsPerPortal: c.rowsPerPortal ?? 10,
    search: c.search,
    links: (c.links ?? []).map((l) => (typeof l === 'string' ? { url: l } : l)),
    formats: c.formats ?? DEFAULT_FORMATS,
    apiMaxBytes: c.apiMaxBytes ?? 8 * 1024 * 1024,
  };
}
