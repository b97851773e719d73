/**
 * The learner library: fixed learners any benchmark can call in process, and the feature encodings
 * they share. See packages/learners/README.md.
 */
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import type { LibraryLearner } from '../types.ts';
import { gradientBoosting } from './boosting.ts';
import type { LearnerInfo } from './common.ts';
import { randomForest } from './forest.ts';
import { linearRegression, logisticRegression } from './linear.ts';
import { naiveBayes } from './naive-bayes.ts';

export { Prng } from '@datamaster/sdk';
export {
  DEFAULT_MAX_CATEGORIES,
  declaredFeaturesReport,
  encodedWidth,
  encodeRow,
  featuresFromDeclared,
  inferFeatures,
  inferFeaturesReport,
  makeEncoder,
  median,
  numericCell,
  rowText,
  tokenize,
  type DeclaredColumn,
  type Encoder,
  type FeatureReport,
  type InferOptions,
} from './features.ts';
export { classesOf, labelledRows, readParams, sampleRows, COMMON_PARAMS, type Labelled, type LearnerInfo, type ParamSpec, type ParamValue } from './common.ts';
export { forestClassify, forestClassifyProba, forestRegress, forestSettings, growForest, featuresPerSplit, type ForestOptions } from './forest.ts';
export { naiveBayesClassify } from './naive-bayes.ts';
export { buildDesign, fitLogistic, fitRidge, lbfgs, type SparseRows } from './linear.ts';
export { binCuts, boost, boostSettings, type BoostOptions } from './boosting.ts';

const LEARNERS = [randomForest, gradientBoosting, logisticRegression, linearRegression, naiveBayes];

/** Names of the library learners. */
export const LEARNER_NAMES: readonly string[] = LEARNERS.map((l) => l.name);

function unknownLearner(name: string): DataMasterError {
  return new DataMasterError('E_LEARNER_UNKNOWN', `unknown learner '${name}'${didYouMeanHint(name, LEARNER_NAMES)}; the library has ${LEARNER_NAMES.join(', ')}`, { learner: name, known: [...LEARNER_NAMES] });
}

/** A library learner by name (case-insensitive); E_LEARNER_UNKNOWN with a did-you-mean otherwise. */
export function getLearner(name: string): LibraryLearner {
  const l = LEARNERS.find((x) => x.name === String(name).trim().toLowerCase());
  if (!l) throw unknownLearner(name);
  return l;
}

/** Every learner with its task types, description and parameters (defaults included). */
export function listLearners(): LearnerInfo[] {
  return LEARNERS.map((l) => structuredClone(l.info));
}

/** One learner's description; E_LEARNER_UNKNOWN for an unknown name. */
export function learnerInfo(name: string): LearnerInfo {
  const l = LEARNERS.find((x) => x.name === String(name).trim().toLowerCase());
  if (!l) throw unknownLearner(name);
  return structuredClone(l.info);
}
