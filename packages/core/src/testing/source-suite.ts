export * from '@datamaster/sdk/testing';
