export * from './types.ts';
export { createHttpClient, LimitedHttpClient, parseRetryAfter, DEFAULT_HTTP_LIMITS, type HttpClientOptions, type HttpLimits } from './http.ts';
export { secretRedactor, redactUrl, redactDeep, REDACTED, type Redactor } from './redact.ts';
export { createMemoryLogger, createStderrLogger, pluginLogger, silentLogger, type LogEntry, type LogLevel } from './logger.ts';
export {
  buildPluginContext,
  createPluginContext,
  contextFromManifest,
  safePluginDirName,
  DeclaredSecrets,
  type BuiltContext,
  type Env,
  type PluginContextOptions,
} from './context.ts';
export { readManifest, checkPluginConfig, MANIFEST_FILE, type ReadManifest, type ConfigOrigin } from './manifest.ts';
export {
  PluginHost,
  checkContract,
  isPackageName,
  resolvePluginDir,
  REQUIRED_METHODS,
  type LoadedPlugin,
  type LoadOptions,
  type PluginHostOptions,
} from './host.ts';
export { guardCall, searchSafely, fetchSafely, DEFAULT_SEARCH_TIMEOUT_MS, type Dropped, type Guarded, type SearchOutcome, type FetchOutcome } from './safe.ts';
export { DATA_CONTENT_TYPES, DIRECT_FORMATS, formatOfPath, isDirect, pickDataFiles } from './formats.ts';
