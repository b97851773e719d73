import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LevelEventLog, replay, replaySummary } from '@datamaster/core';
import { buildInsults, INSULTS, writeLeaderboard } from '../plugins/bench-mlebench/examples/competitions.ts';

// An MLE-bench-layout competition built from real data (SpamAssassin messages as insult / clean comments), run end
// to end through `datamaster run` with the user's solution command: search on validation, final grade on the
// private answers with the competition's metric, and a medal from a leaderboard; replay rebuilds the live tree.
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/agents/bin/datamaster.js');

t.test('datamaster run on an MLE-bench Lite competition grades the pick and awards a medal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-mle-run-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  buildInsults(join(dir, 'data'));
  // 50 teams: gold is the 5th score, silver the 10th, bronze the 20th (rank_score's rule below 100 teams).
  writeLeaderboard(join(dir, 'data', 'competitions', INSULTS, 'leaderboard.csv'), Array.from({ length: 50 }, (_, i) => Number((0.999 - 0.002 * i).toFixed(6))));
  cpSync(join(root, 'plugins/bench-mlebench/examples/solutions'), join(dir, 'solutions'), { recursive: true });
  const task = JSON.parse(readFileSync(join(root, 'plugins/bench-mlebench/examples/insults.task.json'), 'utf8')) as Record<string, any>;
  task.budget = { nodes: 3, parallel: 1, seconds: 600 };
  writeFileSync(join(dir, 'task.json'), JSON.stringify(task, null, 2));

  const runDir = join(dir, 'run');
  const r = spawnSync(process.execPath, [cli, 'run', 'task.json', '--run-dir', runDir, '--json'], { cwd: dir, encoding: 'utf8', timeout: 400_000 });
  t.equal(r.status, 0, r.stderr.slice(-2000));
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { baseline: { val: number; test: number }; best: { id: string; test: number; medal?: string } };
  t.ok(summary.baseline.val > 0.8, `the solution learns on validation (AUC ${summary.baseline.val})`);
  t.ok(summary.best.test > 0.8, `the pick is graded on the private answers (AUC ${summary.best.test})`);
  t.match(summary.best.medal, /^(gold|silver|bronze|none)$/, `a medal is decided: ${summary.best.medal}`);
  t.match(r.stdout, /medal (gold|silver|bronze|none)/);

  const log = await LevelEventLog.open(runDir, { create: false });
  const events = [];
  for await (const e of log.read()) events.push(e);
  const rebuilt = await replay(log);
  await log.close();
  const graded = events.filter((e) => e.type === 'run.graded' && (e.data as { role?: string }).role !== 'baseline');
  t.equal(graded.length, 1, 'the pick is graded once');
  const metrics = (graded[0]!.data as { metrics?: Record<string, number> }).metrics ?? {};
  t.ok('gold_threshold' in metrics && 'bronze_threshold' in metrics, 'the thresholds are recorded with the grade');
  const replayed = spawnSync(process.execPath, [cli, 'replay', runDir, '--json'], { encoding: 'utf8' });
  t.same(JSON.parse(replayed.stdout), replaySummary(rebuilt), 'datamaster replay prints the rebuilt tree');
  t.equal(replaySummary(rebuilt).best?.id, summary.best.id, 'replay picks the same best node as the live run');
});
