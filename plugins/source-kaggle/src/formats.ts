import { formatOfPath as formatOf, pickDataFiles as pick, type DataFormat } from '@datamaster/sdk';

export { DATA_CONTENT_TYPES, DIRECT_FORMATS, isDirect } from '@datamaster/sdk';

/** Files that look like data by extension but describe the dataset, not rows. */
const METADATA_FILES = new Set(['dataset-metadata.json', 'datapackage.json']);

export const formatOfPath = (path: string): DataFormat => formatOf(path, METADATA_FILES);
export const pickDataFiles = (paths: readonly string[]) => pick(paths, METADATA_FILES);
