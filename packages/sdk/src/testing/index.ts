export { sourcePluginSuite, type SourceSuiteOptions, type SuiteTest } from './source-suite.ts';
export { startLoopback, type Loopback, type LoopbackReply, type LoopbackRequest, type LoopbackRoute, type LoopbackHandler } from './loopback.ts';
export { TreeBuilder, emptyMemory, pool, context } from './state-builders.ts';
