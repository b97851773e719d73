export * from '@datamaster/sdk/plugin-context';
