import { definePlugin } from '@datamaster/sdk';
import { sourceLocal } from './plugin.ts';

export { sourceLocal, entriesOf, PLUGIN_NAME, type SourceLocalConfig } from './plugin.ts';
export { loadCatalog, isInside, type LocalCatalog, type LocalCatalogEntry, type LocalCatalogColumn, type ResolvedEntry, type LocalFormat } from './catalog.ts';
export { scanDir } from './scan.ts';
export { rankEntries, queryWords } from './rank.ts';

export default definePlugin(sourceLocal);
