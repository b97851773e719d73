/**
 * @datamaster/bench-mlebench: the MLE-Bench Lite runner. The user's solution command is the fixed learner;
 * this plugin owns the validation split, the competition graders (TypeScript ports of mlebench's) and the
 * medal rule.
 */
import { definePlugin } from '@datamaster/sdk';
import { benchMleBench } from './plugin.ts';

export { benchMleBench } from './plugin.ts';
export { COMPETITIONS, COMPETITION_IDS, competitionSpec, type CompetitionSpec, type RunnerSpec, type MediaSpec } from './competitions.ts';
export { layoutOf, type MleBenchConfig, type Layout, DEFAULT_FRACTION, DEFAULT_SEED } from './config.ts';
export { checkSubmission, scoreSubmission, gradeCompetitionSubmission, reportOf, specById, type GradeReport } from './grade.ts';
export { rankScore, thresholds, thresholdPositions, isLowerBetter, median, readLeaderboard, leaderboardFile, type Medal, type RankResult, type Thresholds } from './medals.ts';
export {
  rocAuc,
  meanColumnwiseAuc,
  logLossBinary,
  logLossOneHot,
  rmse,
  rmsle,
  quadraticWeightedKappa,
  accuracy,
  averagePrecisionAtK,
  meanAveragePrecisionAtK,
  pyRound,
  EPS,
} from './metrics.ts';
export { readCsv, parseCsv, readCsvHeader, readCsvPrefix, type CsvTable } from './csv.ts';
export { runSolution, solutionEnv, resolveCommand, type SolutionSpec, type RunResult, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from './process.ts';
export { ensurePrepared, type Prepared, type PrepMeta } from './prepare.ts';
export { findMlebench, runGradeSample, parseGradeSampleOutput } from './crosscheck.ts';
export { listZip, extractNamed, writeZip, type ZipEntry } from './zip.ts';

export default definePlugin(benchMleBench);
