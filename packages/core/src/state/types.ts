export type * from '@datamaster/sdk/state-types';
