export * from '@datamaster/sdk/event-types';
