// The plugin SDK as this plugin sees it. @datamaster/core does not re-export the plugin contracts from its
// index yet, so they come from their source file here, in one place; switch this file to '@datamaster/core'
// once packages/core/src/index.ts exports ./plugin/types.ts.
export { definePlugin } from '../../../packages/core/src/plugin/types.ts';
export type {
  FetchLimits,
  FetchedFile,
  HttpClient,
  HttpRequestOptions,
  PluginContext,
  SourcePlugin,
  SourceQuery,
} from '../../../packages/core/src/plugin/types.ts';
export { DataMasterError, type DataFormat, type Source } from '@datamaster/core';
