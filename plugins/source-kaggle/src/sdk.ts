// The plugin SDK as this plugin sees it: everything comes from @datamaster/core, through this one file.
export {
  DataMasterError,
  definePlugin,
  type DataFormat,
  type FetchLimits,
  type FetchedFile,
  type HttpClient,
  type HttpRequestOptions,
  type PluginContext,
  type Source,
  type SourcePlugin,
  type SourceQuery,
} from '@datamaster/core';
