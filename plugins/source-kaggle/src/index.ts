import type { KaggleConfig } from './config.ts';
import { fetchFromKaggle } from './fetch.ts';
import { searchKaggle } from './search.ts';
import { definePlugin, type SourcePlugin } from '@datamaster/sdk';

export type { KaggleConfig } from './config.ts';
export { extractZip, type ExtractedFile, type ZipLimits } from './safe-zip.ts';
export { formatKaggleId, parseKaggleId } from './source-id.ts';

/** Datasets from Kaggle through its API v1. */
const plugin: SourcePlugin<KaggleConfig> = definePlugin({
  kind: 'source',
  search: searchKaggle,
  fetch: fetchFromKaggle,
});
export default plugin;
