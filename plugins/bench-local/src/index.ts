import { definePlugin } from '@datamaster/core';
import { benchLocal } from './plugin.ts';

export { benchLocal, dataDirOf, taskColumns, DEFAULT_DATA_DIR, type BenchLocalConfig } from './plugin.ts';
export { ensureTask, taskFiles, buildHash, type TaskFiles } from './ensure.ts';
export { measureTask, mapSource, type TaskMeasure, type SourceMeasure, type AnswerKeyEntry } from './measure.ts';
export { fitAndScore, readTaskTable } from './learner.ts';
export { SUITE, taskSpec } from './suite/index.ts';
export type { TaskSpec, FeatureSpec, LabelSpec, LearnerSpec, PoolSource, SourceRole } from './suite/spec.ts';

export default definePlugin(benchLocal);
