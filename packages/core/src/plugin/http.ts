export * from '@datamaster/sdk/plugin-http';
