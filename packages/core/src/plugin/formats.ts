export { DATA_CONTENT_TYPES, DIRECT_FORMATS, formatOfPath, isDirect, pickDataFiles } from '@datamaster/sdk';
