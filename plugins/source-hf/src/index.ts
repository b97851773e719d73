import type { HfConfig } from './config.ts';
import { fetchFromHub } from './fetch.ts';
import { searchHub } from './search.ts';
import { definePlugin, type SourcePlugin } from '@datamaster/sdk';

export type { HfConfig } from './config.ts';
export { formatHfId, parseHfId } from './source-id.ts';

/** Datasets from the Hugging Face Hub (or any hub-compatible endpoint). */
const plugin: SourcePlugin<HfConfig> = definePlugin({
  kind: 'source',
  search: searchHub,
  fetch: fetchFromHub,
});
export default plugin;
