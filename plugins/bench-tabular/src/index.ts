import { benchTabular } from './plugin.ts';

export { benchTabular } from './plugin.ts';
export { resolveConfig, PLUGIN, DEFAULT_FRACTION, DEFAULT_TEST_FRACTION, DEFAULT_LEARNER } from './config.ts';
export type { TabularConfig, FileRef, SplitConfig, SplitMethod, LearnerConfig, LibraryLearnerConfig, CommandLearnerConfig, FeatureMode, TaskTypeName } from './config.ts';
export { prepareSetup, readState, LAYOUT, PREPARE_VERSION, type TabularSetup, type PrepareOutcome } from './prepare.ts';
export { scoreArtifact, scorePredictions, preparedFor, clearCaches } from './score.ts';
export { splitRows, splitRng, type Part, type SplitInput, type SplitResult } from './split.ts';
export { inferId, labelShape, chooseTaskType, sortClasses, looksLikeId, columnTypeOf } from './infer.ts';

export default benchTabular;
