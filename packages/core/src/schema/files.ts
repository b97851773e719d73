export { schemasDir, SCHEMA_BASE } from '@datamaster/sdk';
