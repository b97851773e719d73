/**
 * Grading a submission file: the check against the sample submission (columns, ids, row count), the
 * competition's grader, the 5-decimal rounding mlebench applies, and the medal from the leaderboard.
 * Works for all 22 competitions, including those the runner cannot train (grade only).
 */
import { join } from 'node:path';
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import { COMPETITION_IDS, competitionSpec, type CompetitionSpec } from './competitions.ts';
import { readCsv, type CsvTable } from './csv.ts';
import { alignById, requireColumns, submissionError } from './graders.ts';
import { leaderboardFile, rankScore, readLeaderboard, type Medal, type RankResult } from './medals.ts';
import { pyRound } from './metrics.ts';

export function specById(id: string): CompetitionSpec {
  const spec = competitionSpec(id);
  if (!spec) throw new DataMasterError('E_MLEBENCH_CONFIG', `'${id}' is not an MLE-Bench Lite competition${didYouMeanHint(id, COMPETITION_IDS)}`, { competition: id });
  return spec;
}

/**
 * The submission must have the sample submission's columns and exactly its ids, one row each; the error
 * names the first row that is wrong.
 */
export function checkSubmission(sub: CsvTable, sample: CsvTable, idColumn: string): void {
  if (!sample.header.includes(idColumn)) throw new DataMasterError('E_MLEBENCH_DATA', `${sample.file}: the sample submission has no '${idColumn}' column`, { file: sample.file });
  requireColumns(sub, sample.header);
  alignById(sub, sample, idColumn);
  if (sub.rows !== sample.rows) throw submissionError(sub, `has ${sub.rows} rows but the sample submission has ${sample.rows}`);
}

/** Reads and scores a submission file: the raw metric value and the value rounded as mlebench reports it. */
export async function scoreSubmission(spec: CompetitionSpec, submissionFile: string, answersFile: string, sampleFile: string): Promise<{ raw: number; score: number }> {
  const sample = await readCsv(sampleFile, { label: `sample submission ${sampleFile}` });
  const sub = await readCsv(submissionFile, { label: submissionFile });
  if (sub.rows === 0 && sample.rows > 0) throw submissionError(sub, `has no rows; ${sample.rows} are expected (one per test id)`);
  checkSubmission(sub, sample, spec.idColumn);
  const answers = await readCsv(answersFile, { label: answersFile });
  const raw = spec.grade(sub, answers);
  if (!Number.isFinite(raw)) throw new DataMasterError('E_MLEBENCH_METRIC', `${submissionFile}: the ${spec.metric} of this submission is ${raw}; the metric is undefined for it`, { file: submissionFile });
  return { raw, score: pyRound(raw, 5) };
}

/** A grading report in the shape of mlebench's CompetitionReport (plus the raw score). */
export interface GradeReport {
  competition_id: string;
  score: number;
  raw_score: number;
  metric: string;
  gold_threshold: number | null;
  silver_threshold: number | null;
  bronze_threshold: number | null;
  median_threshold: number | null;
  any_medal: boolean;
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  above_median: boolean;
  medal: Medal | null;
  is_lower_better: boolean;
  teams: number | null;
  leaderboard: string | null;
  submission_path: string;
}

export function reportOf(spec: CompetitionSpec, scored: { raw: number; score: number }, rank: RankResult | null, leaderboard: string | null, submission: string): GradeReport {
  return {
    competition_id: spec.id,
    score: scored.score,
    raw_score: scored.raw,
    metric: spec.metric,
    gold_threshold: rank ? rank.gold : null,
    silver_threshold: rank ? rank.silver : null,
    bronze_threshold: rank ? rank.bronze : null,
    median_threshold: rank ? rank.median : null,
    any_medal: rank ? rank.medal !== 'none' : false,
    gold_medal: rank?.medal === 'gold',
    silver_medal: rank?.medal === 'silver',
    bronze_medal: rank?.medal === 'bronze',
    above_median: rank ? rank.aboveMedian : false,
    medal: rank ? rank.medal : null,
    is_lower_better: rank ? rank.lowerIsBetter : spec.direction === 'min',
    teams: rank ? rank.teams : null,
    leaderboard,
    submission_path: submission,
  };
}

/**
 * Grades a submission for a prepared competition like `mlebench grade-sample`: dataDir is mlebench's data
 * dir (holding <competition>/prepared), leaderboard a leaderboard location (see leaderboardFile).
 */
export async function gradeCompetitionSubmission(o: { competition: string; dataDir: string; submission: string; leaderboard?: string }): Promise<GradeReport> {
  const spec = specById(o.competition);
  const scored = await scoreSubmission(spec, o.submission, join(o.dataDir, spec.answers), join(o.dataDir, spec.sampleSubmission));
  let rank: RankResult | null = null;
  let lb: string | null = null;
  if (o.leaderboard) {
    lb = leaderboardFile(o.leaderboard, spec.id);
    rank = rankScore(scored.score, await readLeaderboard(lb));
  }
  return reportOf(spec, scored, rank, lb, o.submission);
}
