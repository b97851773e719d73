export * from '@datamaster/sdk/plugin-redact';
