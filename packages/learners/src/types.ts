/**
 * The contracts of @datamaster/learners. Every benchmark that trains a fixed learner (bench-tabular,
 * bench-mlebench, bench-local) goes through these two shapes: a library learner called in process, or
 * a learner command run as a child process (files in, predictions out).
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;
export type TaskType = 'binary' | 'multiclass' | 'regression';

/** How one input column is turned into numbers. Fixed per task: never refitted on an artifact. */
export interface FeatureColumn {
  name: string;
  /** numeric: as is (null -> impute); categorical: one-hot over `values` + other; text: bag of tokens. */
  kind: 'numeric' | 'categorical' | 'text';
  /** Category values (categorical): anything else encodes as 'other'. */
  values?: string[];
  /** Value used for a null or non-numeric numeric cell (default 0). */
  impute?: number;
}

/** What the learner is asked to learn. */
export interface LearnerProblem {
  taskType: TaskType;
  /** The label column of the training rows. */
  label: string;
  /** Class names in a fixed order (binary and multiclass); training rows with another label are dropped. */
  classes?: string[];
  /** The input columns and their fixed encoding. */
  features: FeatureColumn[];
  /** Optional id column of the prediction rows (never a feature). */
  id?: string;
}

export interface Predictions {
  /** One per prediction row, in input order: a class name (classification) or a number (regression). */
  values: (string | number)[];
  /** Per prediction row, one probability per class in `classes` order, when the learner gives them. */
  proba?: number[][];
  /** The class order of `proba` and of `values` (classification): problem.classes, or the sorted training labels when the problem gives none. */
  classes?: string[];
}

export interface FitOptions {
  seed: number;
  /** In (0, 1]: a cheaper, noisier fit for screening (fewer trees or rounds); 1 = full. */
  fidelity?: number;
  /** Learner-specific hyper-parameters (trees, maxDepth, rounds, learningRate, alpha, l2, ...). */
  params?: Record<string, unknown>;
}

/** An in-process learner from the library. */
export interface LibraryLearner {
  /** 'random-forest', 'naive-bayes', 'logistic-regression', 'linear-regression', 'gradient-boosting'. */
  name: string;
  /** Task types this learner handles. */
  taskTypes: TaskType[];
  /** Trains on `train` (rows with the label) and predicts `predict` (rows without it). */
  fitPredict(problem: LearnerProblem, train: readonly Row[], predict: readonly Row[], opts: FitOptions): Predictions;
}

/** A learner in any language: `learner: { command: [...] }` in a task. See docs/learners.md. */
export interface CommandLearnerSpec {
  /** argv; the first element is looked up on PATH. Relative paths resolve against `baseDir`. */
  command: string[];
  /** Killed (its whole process group) after this many seconds; default 600. */
  timeoutSeconds?: number;
  /** Extra environment variables (the learner gets no other secrets from the parent environment). */
  env?: Record<string, string>;
  /** Memory limit for the learner process, in MiB; default 4096. */
  memoryMb?: number;
  /** Format of the files handed to the learner; default 'csv'. */
  format?: 'csv' | 'parquet' | 'jsonl';
}

export interface CommandRunInput {
  spec: CommandLearnerSpec;
  /** Folder that relative command paths resolve against (the task file's folder). */
  baseDir: string;
  /** A fresh folder for this run; the learner's working directory is created inside it. */
  workDir: string;
  problem: LearnerProblem;
  /** Training rows, with the label. */
  train: readonly Row[];
  /** Prediction inputs, never with the label. */
  predict: readonly Row[];
  seed: number;
  signal?: AbortSignal;
}

export interface CommandRunResult extends Predictions {
  seconds: number;
  stdoutTail: string;
  stderrTail: string;
}
