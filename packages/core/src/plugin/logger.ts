export * from '@datamaster/sdk/plugin-logger';
