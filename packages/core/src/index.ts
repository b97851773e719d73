export * from './errors.ts';
export * from './schema/types.ts';
export { schemas, SchemaRegistry, issuesOf, type SchemaName } from './schema/registry.ts';
export { schemasDir, SCHEMA_BASE } from './schema/files.ts';
export { loadJsonFile } from './schema/load.ts';
export * from './events/types.ts';
export { makeEvent, newId, validateEvent, type MakeEventOptions } from './events/make.ts';
export { canonicalJson, recipeHash, sha256Hex, ROOT_RECIPE } from './recipe/hash.ts';
