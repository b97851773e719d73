import { readFileSync } from 'node:fs';
import { DataMasterError } from '../errors.ts';
import { schemas, type SchemaName } from './registry.ts';

/**
 * Reads a JSON file and checks it against a schema, filling defaults.
 * Errors name the file, the JSON path and the reason.
 */
export function loadJsonFile<T>(file: string, schema: SchemaName, hint?: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataMasterError('E_FILE', `${file}: cannot read (${(err as Error).message})`, { file }, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataMasterError('E_JSON', `${file}: not valid JSON (${(err as Error).message}); fix the syntax and retry`, { file }, { cause: err });
  }
  return schemas().parseInput<T>(schema, value, file, hint);
}
