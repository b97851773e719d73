export { schemas, SchemaRegistry, issuesOf, type SchemaName } from '@datamaster/sdk';
