export { startLoopback, type Loopback, type LoopbackReply, type LoopbackRequest, type LoopbackRoute, type LoopbackHandler } from './loopback.ts';
export { busSuite, type BusFactory, type BusSuiteOptions, type BusSuiteTest } from './bus-suite.ts';
export { sourcePluginSuite, type SourceSuiteOptions, type SuiteTest } from './source-suite.ts';
export { startNatsServer, findNatsServer, freePort, type NatsServer, type NatsServerOptions } from './nats-server.ts';
export { eventLogSuite, prunedEvent, type EventLogFactory, type EventLogSuiteOptions, type EventLogSuiteTest } from './event-log-suite.ts';
export * from './event-gen.ts';
export { TreeBuilder, emptyMemory, pool, context } from './state-builders.ts';
