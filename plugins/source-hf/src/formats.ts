import { formatOfPath as formatOf, pickDataFiles as pick, type DataFormat } from '@datamaster/sdk';

export { DATA_CONTENT_TYPES, DIRECT_FORMATS, isDirect } from '@datamaster/sdk';

/** Hub files that look like data by extension but describe the repo, not rows. */
const METADATA_FILES = new Set(['dataset_infos.json', 'dataset_info.json', 'dataset_dict.json', 'state.json', 'config.json']);

export const formatOfPath = (path: string): DataFormat => formatOf(path, METADATA_FILES);
export const pickDataFiles = (paths: readonly string[]) => pick(paths, METADATA_FILES);
