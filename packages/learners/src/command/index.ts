/**
 * The learner-command runner: a learner in any language, files in, predictions out (docs/learners.md).
 */
export {
  runLearnerCommand,
  LEARNER_PROTOCOL,
  type CommandRunReport,
  type LearnerCommandOptions,
  type LearnerProblemFile,
} from './run.ts';
export { validateCommandSpec, resolveLearnerCommand, DEFAULT_LEARNER_MEMORY_MB, DEFAULT_LEARNER_TIMEOUT_SECONDS, LEARNER_INPUT_FORMATS } from './spec.ts';
export { readLearnerPredictions, PREDICTION_COLUMN, PROBA_PREFIX, type PredictionsSpec } from './predictions.ts';
export { readLearnerInputs, writeLearnerPredictions, type LearnerInputs } from './learner-side.ts';
