import type { WebConfig } from './config.ts';
import { fetchWebSource } from './fetch.ts';
import { searchWebSources } from './search.ts';
import { definePlugin, type SourcePlugin } from '@datamaster/sdk';

export type { LinkConfig, PortalConfig, WebConfig, WebSearchConfig } from './config.ts';
export { parseHits } from './web-search.ts';
export { ckanSourceId, webSourceId } from './source-id.ts';

/** Open-data portals (CKAN), web search through a LangChain tool, and direct links to data files. */
const plugin: SourcePlugin<WebConfig> = definePlugin({
  kind: 'source',
  search: searchWebSources,
  fetch: fetchWebSource,
});
export default plugin;
