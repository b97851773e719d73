import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { writeLeaderboard } from '../examples/competitions.ts';
import { isLowerBetter, leaderboardFile, median, rankScore, readLeaderboard, thresholdPositions, thresholds } from '../src/medals.ts';
import { tempDir } from './helpers.ts';

// Higher is better: team at rank p scores 1001 - p (1000, 999, ...). Lower is better: rank p scores p.
const higher = (n: number) => Array.from({ length: n }, (_, i) => 1000 - i);
const lower = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

t.test('threshold positions by team count (kaggle.com/progression as rank_score reads it)', async (t) => {
  // < 100 teams: top 10% / 20% / 40%, at least position 1
  t.same(thresholdPositions(50), { gold: 5, silver: 10, bronze: 20 });
  t.same(thresholdPositions(7), { gold: 1, silver: 1, bronze: 2 });
  // 100-249: gold is position 10, silver 20%, bronze 40%
  t.same(thresholdPositions(150), { gold: 10, silver: 30, bronze: 60 });
  // 250-999: gold 10 + 0.2% of teams, silver 50, bronze 100
  t.same(thresholdPositions(500), { gold: 11, silver: 50, bronze: 100 });
  // >= 1000: gold 10 + 0.2%, silver 5%, bronze 10%
  t.same(thresholdPositions(1500), { gold: 13, silver: 75, bronze: 150 });
  t.same(thresholdPositions(99), { gold: 9, silver: 19, bronze: 39 });
  t.same(thresholdPositions(250), { gold: 10, silver: 50, bronze: 100 });
  t.same(thresholdPositions(1000), { gold: 12, silver: 50, bronze: 100 });
  t.throws(() => thresholdPositions(0), { code: 'E_MLEBENCH_LEADERBOARD' });
});

t.test('thresholds and medals, higher is better', async (t) => {
  // 50 teams (1000..951): gold = score at 5 = 996, silver at 10 = 991, bronze at 20 = 981, median (976 + 975) / 2
  t.match(thresholds(higher(50)), { gold: 996, silver: 991, bronze: 981, median: 975.5 });
  // 150 teams: 10 -> 991, 30 -> 971, 60 -> 941, median (926 + 925) / 2
  t.match(thresholds(higher(150)), { gold: 991, silver: 971, bronze: 941, median: 925.5 });
  // 500 teams: 11 -> 990, 50 -> 951, 100 -> 901, median (751 + 750) / 2
  t.match(thresholds(higher(500)), { gold: 990, silver: 951, bronze: 901, median: 750.5 });
  // 1500 teams: 13 -> 988, 75 -> 926, 150 -> 851, median (251 + 250) / 2
  t.match(thresholds(higher(1500)), { gold: 988, silver: 926, bronze: 851, median: 250.5 });

  const lb = higher(500);
  t.equal(isLowerBetter(lb), false);
  t.match(rankScore(990, lb), { medal: 'gold', aboveMedian: true, lowerIsBetter: false, teams: 500 }, 'a tie with the gold threshold is gold');
  t.match(rankScore(989.5, lb), { medal: 'silver' });
  t.match(rankScore(951, lb), { medal: 'silver' });
  t.match(rankScore(950, lb), { medal: 'bronze' });
  t.match(rankScore(901, lb), { medal: 'bronze' });
  t.match(rankScore(900.99, lb), { medal: 'none', aboveMedian: true });
  t.match(rankScore(751, lb), { medal: 'none', aboveMedian: true });
  t.match(rankScore(750.5, lb), { medal: 'none', aboveMedian: false }, 'above median is strict');
  t.match(rankScore(null, lb), { medal: 'none', aboveMedian: false, gold: 990 }, 'an invalid submission gets nothing');
  t.match(rankScore(996, higher(50)), { medal: 'gold' });
  t.match(rankScore(995, higher(50)), { medal: 'silver' });
  t.match(rankScore(980, higher(50)), { medal: 'none', aboveMedian: true });
  t.match(rankScore(988, higher(1500)), { medal: 'gold' });
  t.match(rankScore(987, higher(1500)), { medal: 'silver' });
  t.match(rankScore(852, higher(1500)), { medal: 'bronze' });
  t.match(rankScore(850, higher(1500)), { medal: 'none' });
});

t.test('thresholds and medals, lower is better', async (t) => {
  // 50 teams (1..50): 5, 10, 20, median (25 + 26) / 2
  t.match(thresholds(lower(50)), { gold: 5, silver: 10, bronze: 20, median: 25.5 });
  // 150 teams: 10, 30, 60, median 75.5
  t.match(thresholds(lower(150)), { gold: 10, silver: 30, bronze: 60, median: 75.5 });
  // 500 teams: 11, 50, 100, median 250.5
  t.match(thresholds(lower(500)), { gold: 11, silver: 50, bronze: 100, median: 250.5 });
  // 1500 teams: 13, 75, 150, median 750.5
  t.match(thresholds(lower(1500)), { gold: 13, silver: 75, bronze: 150, median: 750.5 });

  const lb = lower(150);
  t.equal(isLowerBetter(lb), true);
  t.match(rankScore(10, lb), { medal: 'gold', lowerIsBetter: true });
  t.match(rankScore(10.5, lb), { medal: 'silver' });
  t.match(rankScore(30, lb), { medal: 'silver' });
  t.match(rankScore(31, lb), { medal: 'bronze' });
  t.match(rankScore(60, lb), { medal: 'bronze' });
  t.match(rankScore(61, lb), { medal: 'none', aboveMedian: true });
  t.match(rankScore(75.5, lb), { medal: 'none', aboveMedian: false });
  t.match(rankScore(0.5, lower(1500)), { medal: 'gold' });
  t.match(rankScore(14, lower(1500)), { medal: 'silver' });
  t.match(rankScore(151, lower(1500)), { medal: 'none', aboveMedian: true });
  t.match(rankScore(11, lower(500)), { medal: 'gold' });
  t.match(rankScore(12, lower(500)), { medal: 'silver' });
});

t.test('median skips NaN like pandas', async (t) => {
  t.equal(median([3, NaN, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
});

t.test('leaderboard files', async (t) => {
  const tmp = tempDir('mle-lb-');
  t.teardown(tmp.remove);
  const comps = join(tmp.dir, 'mlebench', 'competitions');
  const file = join(comps, 'leaf-classification', 'leaderboard.csv');
  writeLeaderboard(file, [0.01, 0.02, 0.5, 1.2]);
  t.equal(leaderboardFile(comps, 'leaf-classification'), file, 'the competitions folder of a checkout');
  t.equal(leaderboardFile(file, 'leaf-classification'), file, 'the file itself');
  t.equal(leaderboardFile(join(comps, 'leaf-classification'), 'leaf-classification'), file, 'the competition folder');
  t.same(await readLeaderboard(file), [0.01, 0.02, 0.5, 1.2]);
  t.throws(() => leaderboardFile(comps, 'spooky-author-identification'), { code: 'E_MLEBENCH_LEADERBOARD', message: /spooky-author-identification.*git lfs pull/ });

  const lfs = join(tmp.dir, 'lfs.csv');
  writeFileSync(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
  await t.rejects(readLeaderboard(lfs), { code: 'E_MLEBENCH_LEADERBOARD', message: /Git LFS pointer/ });
  const noScore = join(tmp.dir, 'bad', 'leaderboard.csv');
  mkdirSync(join(tmp.dir, 'bad'));
  writeFileSync(noScore, 'teamId,points\n1,3\n');
  await t.rejects(readLeaderboard(noScore), { code: 'E_MLEBENCH_LEADERBOARD', message: /no 'score' column/ });
});
