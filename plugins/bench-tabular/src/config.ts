import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DataMasterError, tableFormatOf, type TableFormat } from '@datamaster/sdk';

export const PLUGIN = '@datamaster/bench-tabular';

/** A table file: a path (format from its extension) or a path with its format. */
export type FileRef = string | { path: string; format?: TableFormat };

export type SplitMethod = 'random' | 'group' | 'time';
export type TaskTypeName = 'binary' | 'multiclass' | 'regression';
export type FeatureMode = 'declared' | 'all';

export interface SplitConfig {
  /** random (stratified by label for classification), group (whole groups of `column`), time (latest by `column`). */
  method?: SplitMethod;
  /** Share of the train file's rows that go to validation; default 0.2. */
  fraction?: number;
  /** Share of the train file's rows held out as the test split when no test files are given; default 0.2. */
  testFraction?: number;
  /** The group column (group) or the time column (time). */
  column?: string;
  /** Seed of the split; default the task's seed. */
  seed?: number;
}

export interface LibraryLearnerConfig {
  name: string;
  params?: Record<string, unknown>;
  features?: FeatureMode;
}

export interface CommandLearnerConfig {
  command: string[];
  timeoutSeconds?: number;
  env?: Record<string, string>;
  memoryMb?: number;
  format?: 'csv' | 'parquet' | 'jsonl';
  features?: FeatureMode;
}

export type LearnerConfig = LibraryLearnerConfig | CommandLearnerConfig;

/** task.benchmark.config, as the manifest's configSchema describes it. */
export interface TabularConfig {
  train: FileRef;
  validation?: FileRef;
  split?: SplitConfig;
  testInputs?: FileRef;
  testAnswers?: FileRef;
  id?: string;
  taskType?: TaskTypeName;
  keyColumns?: string[];
  learner?: LearnerConfig;
  /** Most distinct values a string column may have to be categorical (more: text); default the learners' default. */
  maxCategories?: number;
}

/** A config file reference resolved against the task's folder. */
export interface ResolvedFile {
  /** The config field it came from, e.g. 'train'. */
  field: string;
  /** As written in the config. */
  given: string;
  path: string;
  format: TableFormat;
}

export interface ResolvedSplit {
  method: SplitMethod;
  fraction: number;
  testFraction: number;
  column?: string;
  seed: number;
}

export interface ResolvedConfig {
  train: ResolvedFile;
  validation?: ResolvedFile;
  testInputs?: ResolvedFile;
  testAnswers?: ResolvedFile;
  split: ResolvedSplit;
  id?: string;
  taskType?: TaskTypeName;
  keyColumns?: string[];
  learner: LearnerConfig;
  features: FeatureMode;
  maxCategories?: number;
}

export const DEFAULT_FRACTION = 0.2;
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_LEARNER: LibraryLearnerConfig = { name: 'random-forest' };

function configError(message: string, path: string): DataMasterError {
  return new DataMasterError('E_BENCH_CONFIG', `${PLUGIN}: config${path}: ${message}`, { plugin: PLUGIN, path: `/config${path}` });
}

function resolveFile(field: string, ref: FileRef | undefined, baseDir: string): ResolvedFile | undefined {
  if (ref === undefined) return undefined;
  const given = typeof ref === 'string' ? ref : ref?.path;
  if (typeof given !== 'string' || given === '') throw configError(`must be a file path or {"path": "...", "format": "csv|tsv|parquet|json|jsonl"}`, `/${field}`);
  const path = isAbsolute(given) ? given : resolve(baseDir, given);
  const format = (typeof ref === 'object' ? ref.format : undefined) ?? tableFormatOf(given);
  if (!format) {
    throw configError(`cannot tell the format of '${given}' from its name; name it .csv, .tsv, .parquet, .json or .jsonl, or write {"path": "${given}", "format": "csv"}`, `/${field}`);
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new DataMasterError('E_BENCH_FILE', `${PLUGIN}: config/${field}: no such file ${path} ('${given}' resolves against the task file's folder ${baseDir})`, {
      plugin: PLUGIN,
      path: `/config/${field}`,
      file: path,
    });
  }
  return { field, given, path, format };
}

function fractionOf(v: unknown, path: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0 && v < 1)) throw configError(`must be a number between 0 and 1 (exclusive), got ${JSON.stringify(v)}`, path);
  return v;
}

/**
 * Checks what the JSON Schema cannot (files exist, both-or-neither test files, split column present when
 * needed) and fills the defaults. The host has already checked the config against the manifest's
 * configSchema; prepare called directly (tests, tools) gets the same essential checks here.
 */
export function resolveConfig(raw: unknown, baseDir: string, taskSeed: number): ResolvedConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw configError('must be an object with at least "train" (the training file)', '');
  const cfg = raw as TabularConfig;
  if (cfg.train === undefined) throw configError('"train" is required: the training file, e.g. "data/train.csv"', '/train');
  if ((cfg.testInputs === undefined) !== (cfg.testAnswers === undefined)) {
    const has = cfg.testInputs !== undefined ? 'testInputs' : 'testAnswers';
    const lacks = has === 'testInputs' ? 'testAnswers' : 'testInputs';
    throw configError(
      `"${has}" is given without "${lacks}"; give both (the test inputs without labels and their answers) or neither (a test split is then carved from the train file)`,
      `/${lacks}`,
    );
  }
  const split = cfg.split ?? {};
  const method = split.method ?? 'random';
  if (!['random', 'group', 'time'].includes(method)) throw configError(`method must be random, group or time, got ${JSON.stringify(method)}`, '/split/method');
  if ((method === 'group' || method === 'time') && !split.column) {
    throw configError(`a ${method} split needs "column" (${method === 'group' ? 'the group whose rows stay together' : 'the time column; the latest rows go to validation'})`, '/split/column');
  }
  if (split.seed !== undefined && !Number.isInteger(split.seed)) throw configError(`must be an integer, got ${JSON.stringify(split.seed)}`, '/split/seed');
  const resolvedSplit: ResolvedSplit = {
    method,
    fraction: fractionOf(split.fraction, '/split/fraction', DEFAULT_FRACTION),
    testFraction: fractionOf(split.testFraction, '/split/testFraction', DEFAULT_TEST_FRACTION),
    seed: split.seed ?? taskSeed,
    ...(split.column ? { column: split.column } : {}),
  };
  const learner: LearnerConfig = cfg.learner ?? DEFAULT_LEARNER;
  const isCommand = 'command' in learner;
  const isLibrary = 'name' in learner;
  if (isCommand === isLibrary) throw configError('give either "name" (a library learner, e.g. "random-forest") or "command" (argv of a learner in any language), not both', '/learner');
  if (isCommand && (!Array.isArray(learner.command) || learner.command.length === 0 || learner.command.some((a) => typeof a !== 'string'))) {
    throw configError('"command" must be a non-empty list of strings, e.g. ["python3", "train.py"]', '/learner/command');
  }
  const features = learner.features ?? 'declared';
  if (features !== 'declared' && features !== 'all') throw configError(`must be "declared" or "all", got ${JSON.stringify(features)}`, '/learner/features');
  if (cfg.taskType !== undefined && !['binary', 'multiclass', 'regression'].includes(cfg.taskType)) {
    throw configError(`must be binary, multiclass or regression, got ${JSON.stringify(cfg.taskType)}`, '/taskType');
  }
  const files = {
    train: resolveFile('train', cfg.train, baseDir)!,
    validation: resolveFile('validation', cfg.validation, baseDir),
    testInputs: resolveFile('testInputs', cfg.testInputs, baseDir),
    testAnswers: resolveFile('testAnswers', cfg.testAnswers, baseDir),
  };
  return {
    train: files.train,
    ...(files.validation ? { validation: files.validation } : {}),
    ...(files.testInputs ? { testInputs: files.testInputs } : {}),
    ...(files.testAnswers ? { testAnswers: files.testAnswers } : {}),
    split: resolvedSplit,
    ...(cfg.id !== undefined ? { id: cfg.id } : {}),
    ...(cfg.taskType !== undefined ? { taskType: cfg.taskType } : {}),
    ...(cfg.keyColumns !== undefined ? { keyColumns: cfg.keyColumns } : {}),
    learner,
    features,
    ...(cfg.maxCategories !== undefined ? { maxCategories: cfg.maxCategories } : {}),
  };
}

export function isCommandLearner(l: LearnerConfig): l is CommandLearnerConfig {
  return 'command' in l;
}
