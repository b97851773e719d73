export { loadJsonFile } from '@datamaster/sdk';
