export { DataMasterError, SchemaError, errorInfo, type SchemaIssue } from '@datamaster/sdk';
