import { DataMasterError } from '../errors.ts';

/** Stable codes the data engine raises. */
export const EngineCodes = {
  /** A data file does not exist or cannot be opened. */
  notFound: 'E_DATA_NOT_FOUND',
  /** A data file has no rows (or no bytes). */
  empty: 'E_DATA_EMPTY',
  /** A data file cannot be parsed in its format (bad CSV, malformed JSON, not Parquet...). */
  parse: 'E_DATA_PARSE',
  /** A data file is over the engine's row or byte limit. */
  tooLarge: 'E_DATA_TOO_LARGE',
  /** The format is unknown or not tabular (zip, text). */
  format: 'E_DATA_FORMAT',
  /** A file lacks columns the task needs. */
  schema: 'E_DATA_SCHEMA',
  /** A value cannot be cast to the task column's type. */
  type: 'E_DATA_TYPE',
  /** A mapping expression does not evaluate over the source. */
  mapping: 'E_DATA_MAPPING',
  /** A recipe step failed. */
  step: 'E_STEP',
  /** A path is outside the engine's allowed directories. */
  path: 'E_ENGINE_PATH',
  /** A bad argument to an engine call. */
  arg: 'E_ENGINE_ARG',
  /** The engine was used after close(). */
  closed: 'E_ENGINE_CLOSED',
  /** SQL given to the engine is not a single statement of the expected kind. */
  sql: 'E_SQL',
  /** A statement ran past the engine's query timeout. */
  timeout: 'E_ENGINE_TIMEOUT',
} as const;

export type EngineCode = (typeof EngineCodes)[keyof typeof EngineCodes];

export function engineError(code: EngineCode, message: string, details: Record<string, unknown> = {}, cause?: unknown): DataMasterError {
  return new DataMasterError(code, message, details, cause === undefined ? undefined : { cause });
}

/** DuckDB messages carry a multi-line hint and a caret; the first two lines say what went wrong. */
export function duckMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('LINE ') && !/^\^+$/.test(l))
    .slice(0, 3)
    .join(' ');
}
