export * from './types.ts';
export { BusError, RemoteError, ERROR_HEADER, type BusErrorCode } from './errors.ts';
export { subjectMatches, assertPattern, assertPublishSubject, assertToken } from './subject.ts';
export { DEFAULTS as BUS_DEFAULTS, consumerNames, logBusError, type BusErrorSink } from './defaults.ts';
export { MemoryBroker, type MemoryBrokerOptions } from './memory-broker.ts';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { NatsBus, type NatsBusOptions } from './nats-bus.ts';
export { DEFAULT_STREAMS, type StreamNames } from './nats-setup.ts';
