/**
 * The learner-command runner end to end, against real processes: the plain-Node forest example and the
 * scikit-learn example on vega-datasets gapminder, and the protocol's file formats read back through the
 * learner-side helpers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { getLearner, runLearnerCommand, type LearnerProblem, type LearnerProblemFile, type Row } from '@datamaster/learners';
import { accuracy, clusterProblem, findSklearnPython, fixture, gapminder, lifeProblem, mae, majorityAccuracy, repoRoot, split } from './fixtures/command/data.ts';

const root = mkdtempSync(join(tmpdir(), 'dm-learner-cmd-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const rows = gapminder();
const cls = split(rows, 'cluster');
const reg = split(rows, 'life_expect');

t.test('forest.mjs (plain node) classifies gapminder regions better than the majority class', async (t) => {
  for (const format of ['csv', 'jsonl'] as const) {
    const res = await runLearnerCommand({
      spec: { command: ['node', 'examples/learners/forest.mjs'], format, env: { FOREST_TREES: '30' } },
      baseDir: repoRoot,
      workDir: join(root, `forest-${format}`),
      problem: clusterProblem,
      train: cls.train,
      predict: cls.predict,
      seed: 1,
    });
    t.equal(res.values.length, cls.predict.length, `${format}: one prediction per input`);
    t.ok(res.values.every((v) => clusterProblem.classes!.includes(String(v))), `${format}: every prediction is a class`);
    const acc = accuracy(res.values, cls.answers);
    const base = majorityAccuracy(cls.train, 'cluster', cls.answers);
    t.ok(acc > base + 0.1, `${format}: accuracy ${acc.toFixed(3)} beats the majority baseline ${base.toFixed(3)}`);
    t.equal(res.proba?.length, cls.predict.length, `${format}: probabilities per row`);
    t.ok(res.proba!.every((p) => p.length === 6 && Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3), `${format}: probabilities sum to 1`);
    t.match(res.stdoutTail, /forest\.mjs: 30 trees, 511 training rows/, `${format}: stdout tail kept`);
    t.notOk(existsSync(res.dir), `${format}: the working directory is removed after success`);
    t.ok(res.phases.processSeconds > 0 && res.phases.writeSeconds >= 0 && res.phases.readSeconds >= 0);
  }
});

t.test('forest.mjs regression on life expectancy beats predicting the training mean', async (t) => {
  const res = await runLearnerCommand({
    spec: { command: ['node', 'examples/learners/forest.mjs'] },
    baseDir: repoRoot,
    workDir: join(root, 'forest-reg'),
    problem: lifeProblem,
    train: reg.train,
    predict: reg.predict,
    seed: 2,
  });
  t.ok(res.values.every((v) => typeof v === 'number'));
  t.equal(res.proba, undefined, 'no probabilities for regression');
  const mean = reg.train.reduce((s, r) => s + Number(r.life_expect), 0) / reg.train.length;
  const got = mae(res.values, reg.answers);
  const base = mae(reg.answers.map(() => mean), reg.answers);
  t.ok(got < base * 0.6, `MAE ${got.toFixed(2)} vs ${base.toFixed(2)} for the mean`);
});

const sklearnPython = findSklearnPython();
const noSklearn = 'no python3 with scikit-learn and numpy (looked at /usr/bin/python3 and each python3 on PATH); apt-get install python3-sklearn';
t.test('sklearn_gbm.py (scikit-learn) on gapminder, classification and regression', { skip: sklearnPython ? false : noSklearn }, async (t) => {
  const py = sklearnPython as string;
  const c = await runLearnerCommand({
    spec: { command: [py, 'examples/learners/sklearn_gbm.py'], env: { GBM_ESTIMATORS: '60' } },
    baseDir: repoRoot,
    workDir: join(root, 'gbm'),
    problem: clusterProblem,
    train: cls.train,
    predict: cls.predict,
    seed: 3,
  });
  const acc = accuracy(c.values, cls.answers);
  const base = majorityAccuracy(cls.train, 'cluster', cls.answers);
  t.ok(acc > base + 0.1, `accuracy ${acc.toFixed(3)} beats the majority baseline ${base.toFixed(3)}`);
  t.ok(c.proba!.every((p) => Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3), 'probabilities per class sum to 1');
  t.match(c.stdoutTail, /sklearn_gbm\.py: 511 training rows, 4 encoded features/);

  const r = await runLearnerCommand({
    spec: { command: [py, 'examples/learners/sklearn_gbm.py'] },
    baseDir: repoRoot,
    workDir: join(root, 'gbm'),
    problem: lifeProblem,
    train: reg.train,
    predict: reg.predict,
    seed: 3,
  });
  const mean = reg.train.reduce((s, x) => s + Number(x.life_expect), 0) / reg.train.length;
  const got = mae(r.values, reg.answers);
  const baseMae = mae(reg.answers.map(() => mean), reg.answers);
  t.ok(got < baseMae * 0.6, `MAE ${got.toFixed(2)} vs ${baseMae.toFixed(2)} for the mean`);
  t.match(r.stdoutTail, /9 encoded features/, 'the categorical cluster is one-hot encoded (3 numeric + 6)');
});

t.test('every input format hands the learner the same typed rows, and never the label of a prediction input', async (t) => {
  const problem: LearnerProblem = {
    taskType: 'binary',
    label: 'y',
    classes: ['no', 'yes'],
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'name', kind: 'text' },
      { name: 'colour', kind: 'categorical', values: ['red', 'blue'] },
    ],
    id: 'key',
  };
  const train: Row[] = [
    { x: 1, name: 'plain', colour: 'red', y: 'no' },
    { x: '2.5', name: 'with, comma', colour: 'blue', y: 'yes' },
    { x: 'n/a', name: 'a "quoted" word\nand a new line', colour: null, y: 'yes' },
    { x: true, name: ' leading space', colour: 'red', y: 'no' },
    { x: 7, name: 'ünïcødé ✓', colour: 'red', y: 'maybe' }, // not a class: dropped
    { x: 8, name: '', colour: 'red', y: null }, // no label: dropped
  ];
  // The caller carelessly leaves the label in the prediction inputs; it must not reach the learner.
  const predict: Row[] = [
    { key: '007', x: 1.5, name: 'p1', colour: 'red', y: 'yes' },
    { key: 'k,2', x: null, name: null, colour: 'green', y: 'no' },
    { key: '3', x: -4e-7, name: 'p3', colour: 'blue', y: 'no' },
  ];
  const expectTrain = [
    { x: 1, name: 'plain', colour: 'red', y: 'no' },
    { x: 2.5, name: 'with, comma', colour: 'blue', y: 'yes' },
    { x: null, name: 'a "quoted" word\nand a new line', colour: null, y: 'yes' },
    { x: 1, name: ' leading space', colour: 'red', y: 'no' },
  ];
  const expectPredict = [
    { key: '007', x: 1.5, name: 'p1', colour: 'red' },
    { key: 'k,2', x: null, name: null, colour: 'green' },
    { key: '3', x: -4e-7, name: 'p3', colour: 'blue' },
  ];
  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    const report = join(root, `echo-${format}.json`);
    const res = await runLearnerCommand({
      spec: { command: [process.execPath, fixture('launch-ts.mjs'), fixture('echo.ts')], format, env: { REPORT_FILE: report } },
      baseDir: repoRoot,
      workDir: join(root, `echo-${format}`),
      problem,
      train,
      predict,
      seed: 11,
      keepFiles: 'always',
    });
    const seen = JSON.parse(readFileSync(report, 'utf8')) as { problem: LearnerProblemFile; train: Row[]; predict: Row[] };
    t.same(seen.train, expectTrain, `${format}: training rows typed by feature kind; rows without a class label dropped`);
    t.same(seen.predict, expectPredict, `${format}: prediction inputs have the key and the features, no label`);
    t.equal(seen.problem.rows.droppedTrain, 2);
    t.equal(res.droppedTrainRows, 2);
    t.same(seen.problem.classes, ['no', 'yes']);
    t.same(seen.problem.probaColumns, ['proba_no', 'proba_yes']);
    t.equal(seen.problem.idColumn, 'key');
    t.same(res.values, ['no', 'yes', 'yes'], `${format}: 1-NN on x (null -> 0) predicts through writeLearnerPredictions`);
    t.same(res.proba, [[1, 0], [0, 1], [0, 1]]);
    const predictFile = readFileSync(seen.problem.files.predict);
    t.notOk(predictFile.includes('"yes"') || /\byes\b/.test(predictFile.toString('latin1')), `${format}: the prediction file holds no label value`);
    t.ok(existsSync(res.dir), 'keepFiles: always keeps the working directory');
  }
});

t.test('without an id the key column is a 0-based row index named row', async (t) => {
  const { id: _id, ...noId } = clusterProblem;
  const res = await runLearnerCommand({
    spec: { command: ['node', 'examples/learners/forest.mjs'] },
    baseDir: repoRoot,
    workDir: join(root, 'row-index'),
    problem: noId,
    train: cls.train,
    predict: cls.predict.slice(0, 20),
    seed: 1,
    keepFiles: 'always',
  });
  const problemFile = JSON.parse(readFileSync(join(res.dir, 'problem.json'), 'utf8')) as LearnerProblemFile;
  t.equal(problemFile.idColumn, 'row');
  t.equal(problemFile.id, null);
  const out = readFileSync(join(res.dir, 'predictions.csv'), 'utf8').split('\n');
  t.match(out[0], /^row,prediction,proba_c0/);
  t.match(out[1], /^0,c\d,/);
  t.equal(res.values.length, 20);
});

t.test('library.mjs: a library learner behind the protocol predicts exactly what it predicts in process', async (t) => {
  const learner = getLearner('random-forest');
  const params = { trees: 15 };
  const inproc = learner.fitPredict(clusterProblem, cls.train, cls.predict, { seed: 9, params });
  for (const format of ['csv', 'parquet'] as const) {
    const res = await runLearnerCommand({
      spec: { command: ['node', 'examples/learners/library.mjs', 'random-forest', JSON.stringify(params)], format },
      baseDir: repoRoot,
      workDir: join(root, `library-${format}`),
      problem: clusterProblem,
      train: cls.train,
      predict: cls.predict,
      seed: 9,
    });
    t.same(res.values, inproc.values, `${format}: same predictions`);
    t.match(res.stderrTail, /learner-timing \{"bootMs":/);
  }
});
