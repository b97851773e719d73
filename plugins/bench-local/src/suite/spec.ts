import type { Row } from '../table.ts';
import type { WritableFormat, WriteColumn } from '../write.ts';

/** A feature of the task table, with the FIXED encoding rule the learner sees (never fitted on an artifact). */
/** A pool file's column as its catalog entry describes it. */
export type PoolColumn = WriteColumn & { unit?: string; description?: string };

export interface FeatureSpec {
  name: string;
  type: 'DOUBLE' | 'VARCHAR';
  /** numeric: used as is, null -> impute; categorical: one-hot over `values` + other; text: bag of tokens. */
  kind: 'numeric' | 'categorical' | 'text';
  description: string;
  unit?: string;
  values?: string[];
  /** Value used for a null numeric cell. */
  impute?: number;
}

export interface LabelSpec {
  name: string;
  type: 'DOUBLE' | 'VARCHAR';
  description: string;
  unit?: string;
  /** Class names for classification (rows with any other label are dropped); absent for regression. */
  classes?: string[];
}

export type LearnerSpec =
  | { kind: 'random-forest-classifier'; trees: number; maxDepth: number; maxFeatures: number; minNumSamples: number; maxRows: number }
  | { kind: 'random-forest-regressor'; trees: number; maxDepth: number; maxFeatures: number; minNumSamples: number; maxRows: number }
  | { kind: 'multinomial-nb'; alpha: number; maxChars: number; maxRows: number };

export type MetricName = 'accuracy' | 'macro_f1' | 'rmse' | 'mae';

export type SourceRole = 'helpful' | 'useless' | 'harmful' | 'leaking';

/** One candidate source in a task's pool; `role`, `why` and `mapping` go to the answer key, never the catalog. */
export interface PoolSource {
  id: string;
  title: string;
  description: string;
  file: string;
  format: WritableFormat;
  license: string;
  tags: string[];
  columns: PoolColumn[];
  rows: Row[];
  role: SourceRole;
  why: string;
  /** A sensible mapping: task column -> SQL expression over the source's columns (used to measure the pool). */
  mapping?: Record<string, string>;
}

export interface BuiltTask {
  train: Row[];
  val: Row[];
  test: Row[];
  pool: PoolSource[];
}

export interface TaskSpec {
  name: string;
  title: string;
  description: string;
  /** Bumped whenever the generated data would change; part of the cache marker. */
  version: number;
  label: LabelSpec;
  features: FeatureSpec[];
  metric: { name: MetricName; direction: 'max' | 'min' };
  learner: LearnerSpec;
  queries: string[];
  /** Columns that identify an input row for the contamination check. */
  keyColumns: string[];
  build(): Promise<BuiltTask>;
}

export function tableColumns(spec: TaskSpec): WriteColumn[] {
  return [...spec.features.map((f) => ({ name: f.name, type: f.type })), { name: spec.label.name, type: spec.label.type }];
}
