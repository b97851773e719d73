export * from '@datamaster/sdk/plugin-types';
