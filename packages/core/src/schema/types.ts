export type * from '@datamaster/sdk/schema-types';
