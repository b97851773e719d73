// The plugin-facing kits (source suite, loopback HTTP server, state builders) live in @datamaster/sdk/testing.
export * from '@datamaster/sdk/testing';
export { busSuite, type BusFactory, type BusSuiteOptions, type BusSuiteTest } from './bus-suite.ts';
export { startNatsServer, findNatsServer, freePort, type NatsServer, type NatsServerOptions } from './nats-server.ts';
export { eventLogSuite, prunedEvent, type EventLogFactory, type EventLogSuiteOptions, type EventLogSuiteTest } from './event-log-suite.ts';
export * from './event-gen.ts';
