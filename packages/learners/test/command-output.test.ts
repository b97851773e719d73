/**
 * Validation of a learner's predictions file: each mistake is an E_LEARNER_OUTPUT that names the file, the
 * line and the value, whether it comes from a real learner process or from a file checked directly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readLearnerPredictions, runLearnerCommand, type LearnerProblem } from '@datamaster/learners';
import { clusterProblem, failure, fixture, gapminder, lifeProblem, repoRoot, split } from './fixtures/command/data.ts';

const root = mkdtempSync(join(tmpdir(), 'dm-learner-out-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const cls = split(gapminder(), 'cluster');
const reg = split(gapminder(), 'life_expect');
let n = 0;

const run = (mode: string, problem: LearnerProblem = clusterProblem) => {
  const data = problem === clusterProblem ? cls : reg;
  return runLearnerCommand({
    spec: { command: ['node', fixture('bad-output.mjs')], env: { BAD_MODE: mode } },
    baseDir: repoRoot,
    workDir: join(root, `w${n++}`),
    problem,
    train: data.train.slice(0, 50),
    predict: data.predict.slice(0, 10),
    seed: 1,
  });
};

t.test('each planted mistake names the file, the line and the value', async (t) => {
  const cases: [string, LearnerProblem, RegExp][] = [
    ['unknown-class', clusterProblem, /predictions\.csv: line 4: prediction "purple" is not a class; classes are 'c0', 'c1'/],
    ['not-number', lifeProblem, /predictions\.csv: line 4: prediction "abc" is not a number/],
    ['dup-id', clusterProblem, /predictions\.csv: line 4: id "g-\d+" appears again \(first on line 2\)/],
    ['unknown-id', clusterProblem, /predictions\.csv: line 4: id "nope" is not one of the prediction inputs/],
    ['bad-proba', clusterProblem, /predictions\.csv: line 4: proba_c0 "high" is not a probability/],
    ['short', clusterProblem, /predictions\.csv: has 9 prediction rows, expected 10 \(one per prediction input\); no prediction for id "g-\d+"/],
    ['long', clusterProblem, /predictions\.csv: has 11 prediction rows, expected 10 .*the first extra row is line 12/],
    ['header', clusterProblem, /predictions\.csv: line 1: the header has no column 'id' \(did you mean 'ids'\?\)/],
    ['none', clusterProblem, /predictions\.csv: the learner wrote no predictions file; it must write a CSV with columns 'id' and 'prediction' to the path in DM_OUTPUT/],
  ];
  for (const [mode, problem, message] of cases) {
    const err = await failure(run(mode, problem));
    t.equal(err.code, 'E_LEARNER_OUTPUT', `${mode}: E_LEARNER_OUTPUT`);
    t.match(err.message, message, `${mode}: ${err.message.split('\n')[0]}`);
    t.match(err.details.file as string, /predictions\.csv$/);
    t.type(err.details.stderrTail, 'string', `${mode}: the learner's stderr tail is in the details`);
  }
});

t.test('rows in any order come back in input order, with probabilities per class', async (t) => {
  const res = await run('reversed');
  const classes = clusterProblem.classes!;
  // bad-output.mjs predicts class (i mod 6) for input i, with probability 0.75 on it.
  t.same(res.values, cls.predict.slice(0, 10).map((_, i) => classes[i % 6]));
  t.same(res.proba!.map((p) => p.indexOf(0.75)), [0, 1, 2, 3, 4, 5, 0, 1, 2, 3]);
});

t.test('readLearnerPredictions: lenient matching of keys and classes as a pandas round trip writes them', async (t) => {
  const file = join(root, 'lenient.csv');
  writeFileSync(file, 'row,prediction,proba_true,proba_false\r\n2.0,True,0.9,0.1\r\n0,FALSE,0.2,0.8\r\n1,true,1,0\r\n');
  const got = await readLearnerPredictions({ file, taskType: 'binary', classes: ['true', 'false'], idColumn: 'row', keys: ['0', '1', '2'] });
  t.same(got.values, ['false', 'true', 'true'], "'2.0' is row 2, 'True' is the class 'true'");
  t.same(got.proba, [[0.2, 0.8], [1, 0], [0.9, 0.1]]);

  writeFileSync(file, 'id,prediction\n"a,1",3.5\n"b ""2""",-1e3\n');
  const reg = await readLearnerPredictions({ file, taskType: 'regression', idColumn: 'id', keys: ['b "2"', 'a,1'] });
  t.same(reg.values, [-1000, 3.5], 'quoted keys with a comma and quotes');

  writeFileSync(file, 'id,prediction\na,1\nb,"2\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'regression', idColumn: 'id', keys: ['a', 'b'] }), { code: 'E_LEARNER_OUTPUT', message: /line 3: a quoted field that starts on line 3 is never closed/ });
  writeFileSync(file, 'id,prediction\na,1\nb,2,9\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'regression', idColumn: 'id', keys: ['a', 'b'] }), { message: /line 3: 3 fields, the header has 2/ });
  writeFileSync(file, 'id,prediction,proba_c0\na,c0,1\nb,c0,1\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'binary', classes: ['c0', 'c1'], idColumn: 'id', keys: ['a', 'b'] }), {
    message: /line 1: probability columns are given but 'proba_c1' is missing/,
  });
  writeFileSync(file, 'id,prediction,proba_cO\na,c0,1\nb,c0,1\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'binary', classes: ['c0', 'c1'], idColumn: 'id', keys: ['a', 'b'] }), {
    message: /column 'proba_cO' names no class \(did you mean 'proba_c0'\?\)/,
  });
  writeFileSync(file, 'id,prediction\na,Inf\nb,2\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'regression', idColumn: 'id', keys: ['a', 'b'] }), { message: /line 2: prediction "Inf" is not a number/ });
  writeFileSync(file, 'id,prediction,proba_x,proba_y\na,x,1.5,-0.5\nb,y,0,1\n');
  await t.rejects(readLearnerPredictions({ file, taskType: 'binary', classes: ['x', 'y'], idColumn: 'id', keys: ['a', 'b'] }), { message: /line 2: proba_x "1\.5" is not a probability/ });
});
