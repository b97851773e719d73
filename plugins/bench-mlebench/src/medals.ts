/**
 * Medals the way mlebench awards them (grade_helpers.Grader.rank_score and is_lower_better), from the
 * competition's Kaggle leaderboard: the thresholds are the scores at fixed positions that depend on the
 * number of teams (kaggle.com/progression), the median is the median of all scores, and the direction is
 * read from the leaderboard itself (lower is better when the first score is below the last).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataMasterError } from '@datamaster/sdk';
import { parseNumber, readCsv } from './csv.ts';

export type Medal = 'gold' | 'silver' | 'bronze' | 'none';

export interface Thresholds {
  gold: number;
  silver: number;
  bronze: number;
  median: number;
  /** The 1-based leaderboard positions the medal thresholds were read at. */
  positions: { gold: number; silver: number; bronze: number };
}

export interface RankResult extends Thresholds {
  medal: Medal;
  aboveMedian: boolean;
  lowerIsBetter: boolean;
  teams: number;
}

/** is_lower_better: the leaderboard is in rank order, so lower wins when the top score is below the bottom one. */
export function isLowerBetter(scores: readonly number[]): boolean {
  return (scores[0] as number) < (scores[scores.length - 1] as number);
}

/** Positions of the gold, silver and bronze thresholds for a leaderboard of `teams` teams. */
export function thresholdPositions(teams: number): { gold: number; silver: number; bronze: number } {
  const t = Math.trunc;
  if (teams >= 1 && teams < 100) return { gold: Math.max(1, t(teams * 0.1)), silver: Math.max(1, t(teams * 0.2)), bronze: Math.max(1, t(teams * 0.4)) };
  if (teams >= 100 && teams < 250) return { gold: 10, silver: Math.max(1, t(teams * 0.2)), bronze: Math.max(1, t(teams * 0.4)) };
  if (teams >= 250 && teams < 1000) return { gold: 10 + t(teams * 0.002), silver: 50, bronze: 100 };
  if (teams >= 1000) return { gold: 10 + t(teams * 0.002), silver: Math.max(1, t(teams * 0.05)), bronze: Math.max(1, t(teams * 0.1)) };
  throw new DataMasterError('E_MLEBENCH_LEADERBOARD', 'the leaderboard has no teams; medals need at least one leaderboard row');
}

/** pandas Series.median: NaN skipped, the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

export function thresholds(scores: readonly number[]): Thresholds {
  const positions = thresholdPositions(scores.length);
  const at = (p: number) => scores[p - 1] as number;
  return { gold: at(positions.gold), silver: at(positions.silver), bronze: at(positions.bronze), median: median(scores), positions };
}

/**
 * rank_score: the medal and above-median flag of `score` (null: an invalid submission, no medal) against
 * leaderboard scores in rank order. Ties with a threshold earn the medal; above median is strict.
 */
export function rankScore(score: number | null, scores: readonly number[]): RankResult {
  const th = thresholds(scores);
  const lower = isLowerBetter(scores);
  const base = { ...th, lowerIsBetter: lower, teams: scores.length };
  if (score === null) return { ...base, medal: 'none', aboveMedian: false };
  const reaches = (t: number) => (lower ? score <= t : score >= t);
  const medal: Medal = reaches(th.gold) ? 'gold' : reaches(th.silver) ? 'silver' : reaches(th.bronze) ? 'bronze' : 'none';
  const aboveMedian = lower ? score < th.median : score > th.median;
  return { ...base, medal, aboveMedian };
}

/**
 * The leaderboard file of a competition: `location` is a leaderboard CSV, a folder holding leaderboard.csv,
 * or the competitions folder of an mle-bench checkout (<location>/<competition>/leaderboard.csv).
 */
export function leaderboardFile(location: string, competition: string): string {
  const candidates = [location, join(location, competition, 'leaderboard.csv'), join(location, 'leaderboard.csv')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  throw new DataMasterError(
    'E_MLEBENCH_LEADERBOARD',
    `no leaderboard for ${competition}: looked for ${candidates.slice(1).join(' and ')}; set leaderboardDir to <your mle-bench checkout>/mlebench/competitions (after \`git lfs pull\`) or to the leaderboard CSV itself`,
    { location, competition },
  );
}

/** Reads the `score` column of a Kaggle leaderboard CSV, in file (rank) order. */
export async function readLeaderboard(file: string): Promise<number[]> {
  const head = readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 200);
  if (head.startsWith('version https://git-lfs.github.com/spec/')) {
    throw new DataMasterError('E_MLEBENCH_LEADERBOARD', `${file} is a Git LFS pointer, not the leaderboard; run \`git lfs pull\` in the mle-bench checkout`, { file });
  }
  const table = await readCsv(file, { keep: ['score'] });
  const col = table.columns.get('score');
  if (!col) {
    throw new DataMasterError('E_MLEBENCH_LEADERBOARD', `${file}: no 'score' column (header: ${table.header.join(', ')}); a leaderboard needs one score per team in rank order`, { file });
  }
  if (col.length === 0) throw new DataMasterError('E_MLEBENCH_LEADERBOARD', `${file}: the leaderboard has no rows`, { file });
  return col.map((v, i) => {
    const x = parseNumber(v);
    if (x === undefined) throw new DataMasterError('E_MLEBENCH_LEADERBOARD', `${file} line ${table.lines[i]}: score '${v}' is not a number`, { file, line: table.lines[i] });
    return x;
  });
}
