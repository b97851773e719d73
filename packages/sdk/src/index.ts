/**
 * @datamaster/sdk: what a plugin author needs and nothing else. The schemas ship inside the package
 * (schemas/), with the types generated from them, the errors, the plugin contracts and definePlugin,
 * the metrics library, and a table reader for artifacts.
 */
export * from './errors.ts';
export * from './schema/types.ts';
export { schemas, SchemaRegistry, issuesOf, type SchemaName } from './schema/registry.ts';
export { schemasDir, SCHEMA_BASE } from './schema/files.ts';
export { loadJsonFile } from './schema/load.ts';
export * from './events/types.ts';
export type * from './state/types.ts';
export * from './plugin/types.ts';
export * from './metrics/index.ts';
export * from './table.ts';
export * from './suggest.ts';
export { createHttpClient, LimitedHttpClient, parseRetryAfter, DEFAULT_HTTP_LIMITS, type HttpClientOptions, type HttpLimits } from './plugin/http.ts';
export { secretRedactor, redactUrl, redactDeep, REDACTED, type Redactor } from './plugin/redact.ts';
export { createMemoryLogger, createStderrLogger, pluginLogger, silentLogger, type LogEntry, type LogLevel } from './plugin/logger.ts';
export {
  buildPluginContext,
  createPluginContext,
  contextFromManifest,
  safePluginDirName,
  DeclaredSecrets,
  type BuiltContext,
  type Env,
  type PluginContextOptions,
} from './plugin/context.ts';
export { canonicalJson, recipeHash, sha256Hex, ROOT_RECIPE } from './recipe/hash.ts';
export { stepKey } from './recipe/step-key.ts';
export { DATA_CONTENT_TYPES, DIRECT_FORMATS, formatOfPath, isDirect, pickDataFiles } from './plugin/formats.ts';
export { Prng } from './rng.ts';
