/**
 * Grades a submission like `mlebench grade-sample`, for any of the 22 competitions (including those the
 * runner cannot train):
 *
 *   npx tsx plugins/bench-mlebench/scripts/grade.ts <submission.csv> <competition> --data-dir <dir> [--leaderboard <dir|file>]
 *
 * Prints the report as JSON; exits 1 with the reason when the submission is invalid.
 */
import { errorInfo } from '@datamaster/sdk';
import { gradeCompetitionSubmission } from '../src/grade.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const dataDir = flag('--data-dir');
const leaderboard = flag('--leaderboard');
const [submission, competition] = args;
if (!submission || !competition || !dataDir) {
  console.error('usage: grade.ts <submission.csv> <competition> --data-dir <mlebench data dir> [--leaderboard <competitions dir | leaderboard.csv>]');
  process.exit(2);
}
try {
  const report = await gradeCompetitionSubmission({ competition, dataDir, submission, ...(leaderboard ? { leaderboard } : {}) });
  console.log(JSON.stringify(report, null, 2));
} catch (err) {
  const e = errorInfo(err);
  console.error(`${e.code}: ${e.message}`);
  process.exit(1);
}
