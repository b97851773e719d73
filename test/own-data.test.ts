/**
 * A person's own data, no code: `datamaster init` on a file the repository's suites never use, then
 * `datamaster run`, then `datamaster replay`, each a child process, as a user would type them. The data:
 * vega-datasets weather.csv, New York 2012 (predict `weather`); the pool folder holds New York 2013-2015
 * (same place, another period), Seattle 2012-2015 as Parquet (another place) and cars.json (unrelated: no
 * `weather` column, so the curator must reject it).
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDuck } from '@datamaster/sdk';
import { formatScore, type Task } from '@datamaster/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/agents/bin/datamaster.js');
const vega = join(root, 'node_modules/vega-datasets/data');
const PYTHON = '/usr/bin/python3';

interface Summary {
  run: string;
  runDir: string;
  nodes: number;
  baseline: { val: number | null; test: number | null };
  best: { id: string | null; val: number | null; test: number | null };
  rejectedSources: { id: string; code: string; reason: string }[];
}
interface Replayed {
  run: string;
  events: number;
  nodes: { id: string; parent: string | null; kind: string; status: string; score: number | null; recipeHash: string }[];
  best: { id: string; score: number | null } | null;
}

/** Runs the CLI in `cwd`; resolves with exit code, stdout and stderr (never rejects on a non-zero exit). */
function dm(cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The user's folder: my.csv, a candidates/ pool and their own copies of the example learners. */
async function userFolder(t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dm-own-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'candidates'));
  mkdirSync(join(dir, 'learners'));
  const weather = join(vega, 'weather.csv');
  await withDuck(async (c) => {
    const src = `read_csv('${weather}', header = true)`;
    await c.run(`COPY (SELECT * FROM ${src} WHERE location = 'New York' AND year(date) = 2012 ORDER BY date) TO '${join(dir, 'my.csv')}' (FORMAT CSV, HEADER)`);
    await c.run(`COPY (SELECT * FROM ${src} WHERE location = 'New York' AND year(date) > 2012 ORDER BY date) TO '${join(dir, 'candidates/new-york-2013-2015.csv')}' (FORMAT CSV, HEADER)`);
    await c.run(`COPY (SELECT * FROM ${src} WHERE location = 'Seattle' ORDER BY date) TO '${join(dir, 'candidates/seattle.parquet')}' (FORMAT PARQUET)`);
  });
  copyFileSync(join(vega, 'cars.json'), join(dir, 'candidates/cars.json'));
  copyFileSync(join(root, 'examples/learners/forest.mjs'), join(dir, 'learners/forest.mjs'));
  copyFileSync(join(root, 'examples/learners/sklearn_gbm.py'), join(dir, 'learners/sklearn_gbm.py'));
  return dir;
}

/**
 * The live tree as the running process printed it (one progress line per recorded event): for each node its
 * parent and kind (from 'proposed') and its validation score to 6 significant digits (from 'val').
 */
function liveTree(stdout: string): Map<string, { parent: string | null; kind: string; val?: string; failed?: boolean }> {
  const nodes = new Map<string, { parent: string | null; kind: string; val?: string; failed?: boolean }>();
  for (const line of stdout.split('\n')) {
    let m = /^(n\d+) proposed \((root|expand|refine)(?: of (n\d+))?\)/.exec(line);
    if (m) nodes.set(m[1]!, { kind: m[2]!, parent: m[3] ?? null });
    m = /^(n\d+) val (\S+)/.exec(line);
    if (m) nodes.get(m[1]!)!.val = m[2]!;
    m = /^(n\d+) FAILED/.exec(line);
    if (m) nodes.get(m[1]!)!.failed = true;
  }
  return nodes;
}

/** init, run, replay for one learner; checks exit codes, the summary, and that replay rebuilds the live tree. */
async function ownData(t: Test, dir: string, name: string, learnerFlags: string[], budget: number): Promise<{ task: Task; summary: Summary }> {
  const init = await dm(dir, 'init', '--train', 'my.csv', '--label', 'weather', '--pool', './candidates', '--out', `${name}/task.json`, ...learnerFlags);
  t.equal(init.code, 0, `init exits 0 ${init.stderr}`);
  t.match(init.stdout, /task type: multiclass \(the label is text with 5 distinct values\)/);
  t.match(init.stdout, /metric: accuracy \(max/);
  t.match(init.stdout, /pool candidates: 3 candidate file\(s\)/);
  t.match(init.stdout, new RegExp(`wrote ${name}/data/test-inputs\\.csv \\(\\d+ rows, no weather\\)`));
  const task = JSON.parse(readFileSync(join(dir, name, 'task.json'), 'utf8')) as Task;
  t.same(task.sources, [{ plugin: '@datamaster/source-local', config: { dirs: ['../candidates'] } }]);

  const runDir = join(dir, `run-${name}`);
  const run = await dm(dir, 'run', `${name}/task.json`, '--budget', String(budget), '--run-dir', runDir, '--json');
  t.equal(run.code, 0, `run exits 0 ${run.stderr.slice(-2000)}`);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as Summary;
  t.equal(summary.nodes, budget, 'the node budget is used');
  for (const [what, v] of [['baseline val', summary.baseline.val], ['baseline test', summary.baseline.test], ['best val', summary.best.val], ['best test', summary.best.test]] as const) {
    t.ok(typeof v === 'number' && v >= 0 && v <= 1, `${what} is an accuracy (${v})`);
  }
  t.ok(summary.best.val! >= summary.baseline.val!, 'the pick is the best on validation');
  t.same(
    summary.rejectedSources.map((r) => [r.id, r.code]),
    [['local:candidates/cars.json', 'E_NO_LABEL']],
    'the unrelated file is rejected, the two weather files are admitted',
  );

  const replay = await dm(dir, 'replay', runDir, '--json');
  t.equal(replay.code, 0, replay.stderr);
  const rebuilt = JSON.parse(replay.stdout) as Replayed;
  t.equal(rebuilt.run, summary.run);
  t.equal(rebuilt.nodes.length, summary.nodes, 'replay has every node');
  t.equal(rebuilt.best?.id, summary.best.id, 'replay picks the same best node');
  t.equal(rebuilt.best?.score, summary.best.val, 'with the same validation score, to the last bit');
  t.equal(rebuilt.nodes[0]!.score, summary.baseline.val, 'the root is the baseline');
  const live = liveTree(run.stdout);
  t.same(
    rebuilt.nodes.map((n) => ({ id: n.id, parent: n.parent, kind: n.kind, val: n.score === null ? undefined : formatScore(n.score), failed: n.status === 'failed' ? true : undefined })),
    [...live.entries()].map(([id, n]) => ({ id, parent: n.parent, kind: n.kind, val: n.val, failed: n.failed })),
    'the replayed tree is the tree the live run printed (ids, parents, kinds, scores, failures)',
  );
  t.ok(rebuilt.nodes.some((n) => n.kind === 'expand'), 'the search tried a pool file');
  return { task, summary };
}

t.test('init + run with a library learner: a person\'s own csv and a pool folder, no code', async (t) => {
  const dir = await userFolder(t);
  const { task } = await ownData(t, dir, 'forest', [], 6);
  t.same((task.benchmark.config as { learner: unknown }).learner, { name: 'random-forest', params: {}, features: 'declared' });
  t.equal(task.metric.name, 'accuracy');
  t.ok(existsSync(join(dir, 'forest/data/train.csv')));
});

t.test('the same task with a Node learner command', async (t) => {
  const dir = await userFolder(t);
  const { task } = await ownData(t, dir, 'node', ['--learner-command', 'node learners/forest.mjs'], 4);
  t.same((task.benchmark.config as { learner: unknown }).learner, { command: ['node', '../learners/forest.mjs'], features: 'declared' });
});

const sklearn = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' }) : null;
const noSklearn = sklearn === null ? `${PYTHON} does not exist` : sklearn.status !== 0 ? `${PYTHON} cannot import scikit-learn and numpy (${sklearn.stderr.trim().split('\n').pop()})` : false;

t.test('the same task with the Python scikit-learn learner command', { skip: noSklearn }, async (t) => {
  const dir = await userFolder(t);
  const { task } = await ownData(t, dir, 'py', ['--learner-command', `${PYTHON} learners/sklearn_gbm.py`], 4);
  t.same((task.benchmark.config as { learner: unknown }).learner, { command: [PYTHON, '../learners/sklearn_gbm.py'], features: 'declared' });
});
