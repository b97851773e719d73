import t from 'tap';
import {
  boostSettings,
  forestSettings,
  getLearner,
  inferFeatures,
  learnerInfo,
  LEARNER_NAMES,
  listLearners,
  readParams,
  type FeatureColumn,
  type LearnerProblem,
  type Row,
  type TaskType,
} from '../src/index.ts';
import { accuracy, majority, rmse, spam, split, vega } from './library-data.ts';

// Real tables: Palmer penguins (species: multiclass; sex: binary), cars (miles per gallon: regression),
// gapminder (life expectancy: regression) and SpamAssassin messages (text).
const penguins = vega('penguins.json').filter((r) => r['Beak Length (mm)'] !== null);
const species = split(penguins, 1);
const speciesFeatures = inferFeatures(species.train, { exclude: ['Species'] });
const speciesProblem: LearnerProblem = { taskType: 'multiclass', label: 'Species', classes: ['Adelie', 'Chinstrap', 'Gentoo'], features: speciesFeatures };

const sexed = split(
  penguins.filter((r) => r.Sex === 'MALE' || r.Sex === 'FEMALE'),
  2,
);
const sexProblem: LearnerProblem = { taskType: 'binary', label: 'Sex', classes: ['FEMALE', 'MALE'], features: inferFeatures(sexed.train, { exclude: ['Sex'] }) };

const cars = split(
  vega('cars.json').filter((r) => r.Miles_per_Gallon !== null),
  3,
);
const carsProblem: LearnerProblem = { taskType: 'regression', label: 'Miles_per_Gallon', features: inferFeatures(cars.train, { exclude: ['Miles_per_Gallon', 'Name', 'Year'] }) };

const gap = split(vega('gapminder.json'), 4);
const gapProblem: LearnerProblem = { taskType: 'regression', label: 'life_expect', features: inferFeatures(gap.train, { exclude: ['life_expect', 'country'] }) };

const byType: Record<TaskType, { name: string; problem: LearnerProblem; data: { train: Row[]; test: Row[] } }[]> = {
  multiclass: [{ name: 'penguin species', problem: speciesProblem, data: species }],
  binary: [{ name: 'penguin sex', problem: sexProblem, data: sexed }],
  regression: [
    { name: 'cars mpg', problem: carsProblem, data: cars },
    { name: 'gapminder life expectancy', problem: gapProblem, data: gap },
  ],
};

t.test('the library: names, descriptions, errors for unknown names', async (t) => {
  t.same([...LEARNER_NAMES].sort(), ['gradient-boosting', 'linear-regression', 'logistic-regression', 'naive-bayes', 'random-forest']);
  for (const name of LEARNER_NAMES) {
    const l = getLearner(name);
    t.equal(l.name, name);
    t.ok(l.taskTypes.length > 0);
    t.same(learnerInfo(name).taskTypes, l.taskTypes);
  }
  t.equal(getLearner(' Random-Forest ').name, 'random-forest', 'case and spaces do not matter');
  t.same(
    listLearners().map((l) => l.name),
    [...LEARNER_NAMES],
  );
  t.ok(learnerInfo('random-forest').params.some((p) => p.name === 'trees' && p.default === 100));
  t.throws(() => getLearner('random-forrest'), { code: 'E_LEARNER_UNKNOWN', message: /unknown learner 'random-forrest' \(did you mean 'random-forest'\?\); the library has random-forest, / });
  t.throws(() => learnerInfo('xgboost'), { code: 'E_LEARNER_UNKNOWN' });
  // Regression vs classification coverage
  const covers = (tt: TaskType) => LEARNER_NAMES.filter((n) => getLearner(n).taskTypes.includes(tt));
  t.same(covers('regression').sort(), ['gradient-boosting', 'linear-regression', 'random-forest']);
  t.same(covers('multiclass').sort(), ['gradient-boosting', 'logistic-regression', 'naive-bayes', 'random-forest']);
  t.same(covers('binary').sort(), ['gradient-boosting', 'logistic-regression', 'naive-bayes', 'random-forest']);
});

t.test('every learner beats the majority class or the mean clearly on held-out rows', async (t) => {
  for (const tt of ['multiclass', 'binary', 'regression'] as const) {
    for (const { name, problem, data } of byType[tt]) {
      const truth = data.test.map((r) => r[problem.label]);
      if (tt === 'regression') {
        const mean = data.train.reduce((s, r) => s + (r[problem.label] as number), 0) / data.train.length;
        const base = rmse(truth as number[], truth.map(() => mean));
        for (const ln of LEARNER_NAMES.filter((n) => getLearner(n).taskTypes.includes(tt))) {
          const p = getLearner(ln).fitPredict(problem, data.train, data.test, { seed: 0 });
          t.equal(p.values.length, data.test.length);
          t.equal(p.proba, undefined, `${ln} gives no probabilities for regression`);
          const err = rmse(truth as number[], p.values as number[]);
          t.ok(err < 0.6 * base, `${name}: ${ln} RMSE ${err.toFixed(3)} < 0.6 x mean baseline ${base.toFixed(3)}`);
        }
      } else {
        const maj = majority(data.train.map((r) => r[problem.label]));
        const base = accuracy(truth, truth.map(() => maj));
        for (const ln of LEARNER_NAMES.filter((n) => getLearner(n).taskTypes.includes(tt))) {
          const p = getLearner(ln).fitPredict(problem, data.train, data.test, { seed: 0 });
          const acc = accuracy(truth, p.values);
          // naive Bayes assumes independent features (bill and flipper sizes are not): a smaller margin.
          const margin = ln === 'naive-bayes' && tt === 'binary' ? 0.15 : 0.3;
          t.ok(acc > base + margin, `${name}: ${ln} accuracy ${acc.toFixed(3)} > majority ${base.toFixed(3)} + ${margin}`);
          // Probabilities: one row per prediction, one entry per class in the problem's order, summing to 1;
          // the value is the most probable class.
          t.same(p.classes, problem.classes);
          t.equal(p.proba?.length, data.test.length);
          const okRows = (p.proba ?? []).every((row, i) => {
            const sum = row.reduce((s, v) => s + v, 0);
            const best = row.indexOf(Math.max(...row));
            return row.length === problem.classes!.length && Math.abs(sum - 1) < 1e-9 && problem.classes![best] === p.values[i];
          });
          t.ok(okRows, `${name}: ${ln} probabilities are distributions whose argmax is the predicted class`);
        }
      }
    }
  }
});

t.test('text: naive Bayes and logistic regression read the text features', async (t) => {
  const mail = split(spam(250), 6);
  const problem: LearnerProblem = { taskType: 'binary', label: 'label', classes: ['ham', 'spam'], features: inferFeatures(mail.train, { exclude: ['label'] }) };
  t.same(problem.features, [{ name: 'text', kind: 'text' }], 'the message column is inferred as text');
  const truth = mail.test.map((r) => r.label);
  const base = accuracy(truth, truth.map(() => majority(mail.train.map((r) => r.label))));
  for (const ln of ['naive-bayes', 'logistic-regression']) {
    const acc = accuracy(truth, getLearner(ln).fitPredict(problem, mail.train, mail.test, { seed: 0 }).values);
    t.ok(acc > 0.85 && acc > base + 0.3, `${ln} on spam: accuracy ${acc.toFixed(3)} (majority ${base.toFixed(3)})`);
  }
  // The forest has no text to read: only the class prior is left, so it cannot beat the majority.
  const forest = accuracy(truth, getLearner('random-forest').fitPredict(problem, mail.train, mail.test, { seed: 0 }).values);
  t.ok(forest <= base + 1e-9, `forest without non-text features: ${forest.toFixed(3)} <= majority ${base.toFixed(3)}`);
});

t.test('deterministic for a seed; the seed matters where the learner samples', async (t) => {
  for (const ln of LEARNER_NAMES) {
    const l = getLearner(ln);
    const { problem, data } = l.taskTypes.includes('multiclass') ? byType.multiclass[0]! : byType.regression[0]!;
    const a = l.fitPredict(problem, data.train, data.test, { seed: 7 });
    const b = l.fitPredict(problem, data.train, data.test, { seed: 7 });
    t.same(b, a, `${ln}: same seed, same predictions and probabilities`);
    const c = l.fitPredict(problem, data.train, data.test, { seed: 8 });
    if (ln === 'random-forest' || ln === 'gradient-boosting') t.notSame(c.proba ?? c.values, a.proba ?? a.values, `${ln}: another seed, another model`);
    else t.same(c, a, `${ln} uses no randomness`);
  }
});

t.test('fidelity below 1 fits a cheaper model', async (t) => {
  const forest = readParams('random-forest', learnerInfo('random-forest').params, { trees: 80 });
  t.equal(forestSettings(forest, 1, 10, false, 0).trees, 80);
  t.equal(forestSettings(forest, 0.25, 10, false, 0).trees, 20);
  t.equal(forestSettings(forest, 0.01, 10, false, 0).trees, 5, 'at least 5 trees');
  t.equal(forestSettings(readParams('random-forest', learnerInfo('random-forest').params, { trees: 3 }), 0.1, 10, false, 0).trees, 3, 'never more than asked');
  const gb = readParams('gradient-boosting', learnerInfo('gradient-boosting').params, {});
  t.equal(boostSettings(gb, 1, 0).rounds, 100);
  t.equal(boostSettings(gb, 1, 0).learningRate, 0.1);
  const cheap = boostSettings(gb, 0.5, 0);
  t.equal(cheap.rounds, 50);
  t.ok(Math.abs(cheap.learningRate - 0.2) < 1e-12, 'rate raised to keep rounds x rate');
  t.equal(boostSettings(gb, 0.1, 0).learningRate, 0.3, 'rate capped at 0.3');
  // The cheaper fits are different (noisier) models, still far better than the baseline.
  for (const ln of ['random-forest', 'gradient-boosting']) {
    const full = getLearner(ln).fitPredict(speciesProblem, species.train, species.test, { seed: 0, fidelity: 1 });
    const low = getLearner(ln).fitPredict(speciesProblem, species.train, species.test, { seed: 0, fidelity: 0.2 });
    t.notSame(low.proba, full.proba, `${ln}: fidelity 0.2 is another model`);
    t.ok(accuracy(species.test.map((r) => r.Species), low.values) > 0.8, `${ln} at fidelity 0.2 still learns`);
  }
  t.throws(() => getLearner('random-forest').fitPredict(speciesProblem, species.train, species.test, { seed: 0, fidelity: Number.NaN }), { code: 'E_LEARNER_PARAM' });
});

t.test('labels: rows with a missing or unknown label are dropped; classes inferred when not given', async (t) => {
  const noisy: Row[] = [...species.train, { ...species.train[0]!, Species: null }, { ...species.train[1]!, Species: 'Emperor' }, { ...species.train[2]!, Species: undefined as never }];
  for (const ln of ['random-forest', 'naive-bayes', 'logistic-regression', 'gradient-boosting']) {
    const clean = getLearner(ln).fitPredict(speciesProblem, species.train, species.test, { seed: 3 });
    t.same(getLearner(ln).fitPredict(speciesProblem, noisy, species.test, { seed: 3 }), clean, `${ln}: the extra unusable rows change nothing`);
  }
  const reg = [...cars.train, { ...cars.train[0]!, Miles_per_Gallon: null }, { ...cars.train[1]!, Miles_per_Gallon: 'n/a' }, { ...cars.train[2]!, Miles_per_Gallon: '' }];
  for (const ln of ['random-forest', 'linear-regression', 'gradient-boosting']) {
    t.same(getLearner(ln).fitPredict(carsProblem, reg, cars.test, { seed: 3 }), getLearner(ln).fitPredict(carsProblem, cars.train, cars.test, { seed: 3 }), `${ln}: unusable regression labels dropped`);
  }
  const { classes: _c, ...noClasses } = speciesProblem;
  void _c;
  const inferred = getLearner('logistic-regression').fitPredict(noClasses, species.train, species.test, { seed: 0 });
  t.same(inferred.classes, ['Adelie', 'Chinstrap', 'Gentoo'], 'sorted training labels');
  t.throws(() => getLearner('random-forest').fitPredict({ ...speciesProblem, taskType: 'binary' }, species.train, species.test, { seed: 0 }), { code: 'E_LEARNER_PROBLEM', message: /exactly two classes/ });
  t.throws(() => getLearner('random-forest').fitPredict(speciesProblem, noisy.slice(-3), species.test, { seed: 0 }), { code: 'E_LEARNER_EMPTY', message: /none of the 3 training rows has a usable 'Species' label/ });
  // One class seen in training: that class, with probability 1.
  const adelie = species.train.filter((r) => r.Species === 'Adelie');
  for (const ln of ['logistic-regression', 'gradient-boosting', 'random-forest']) {
    const p = getLearner(ln).fitPredict(speciesProblem, adelie, species.test.slice(0, 5), { seed: 0 });
    t.same(p.values, ['Adelie', 'Adelie', 'Adelie', 'Adelie', 'Adelie'], `${ln}: single training class`);
    t.same(p.proba?.[0], [1, 0, 0]);
  }
});

t.test('parameters and task types are checked', async (t) => {
  const fit = (ln: string, params: Record<string, unknown>) => () => getLearner(ln).fitPredict(speciesProblem, species.train, species.test.slice(0, 3), { seed: 0, params });
  t.throws(fit('random-forest', { tress: 10 }), { code: 'E_LEARNER_PARAM', message: /unknown parameter 'tress' \(did you mean 'trees'\?\); it takes trees, maxDepth/ });
  t.throws(fit('random-forest', { trees: 0 }), { code: 'E_LEARNER_PARAM', message: /'trees' = 0: must be >= 1/ });
  t.throws(fit('random-forest', { trees: 2.5 }), { code: 'E_LEARNER_PARAM', message: /expected an integer/ });
  t.throws(fit('random-forest', { maxFeatures: 'half' }), { code: 'E_LEARNER_PARAM', message: /'sqrt', 'log2', 'third', 'all'/ });
  t.throws(fit('gradient-boosting', { subsample: 1.5 }), { code: 'E_LEARNER_PARAM', message: /must be <= 1/ });
  t.throws(fit('naive-bayes', { alpha: 0 }), { code: 'E_LEARNER_PARAM', message: /must be > 0/ });
  t.doesNotThrow(fit('random-forest', { maxFeatures: 'all', trees: 5, maxRows: 50 }));
  t.throws(() => getLearner('naive-bayes').fitPredict(carsProblem, cars.train, cars.test, { seed: 0 }), { code: 'E_LEARNER_TASK', message: /'naive-bayes' does not learn regression tasks/ });
  t.throws(() => getLearner('linear-regression').fitPredict(speciesProblem, species.train, species.test, { seed: 0 }), { code: 'E_LEARNER_TASK' });
  t.throws(() => getLearner('logistic-regression').fitPredict(carsProblem, cars.train, cars.test, { seed: 0 }), { code: 'E_LEARNER_TASK' });
});

t.test('maxRows trains on a seeded sample of the labelled rows', async (t) => {
  const l = getLearner('random-forest');
  const all = l.fitPredict(speciesProblem, species.train, species.test, { seed: 1, params: { maxRows: 100000 } });
  t.same(all, l.fitPredict(speciesProblem, species.train, species.test, { seed: 1 }), 'a limit above the row count changes nothing');
  const few = l.fitPredict(speciesProblem, species.train, species.test, { seed: 1, params: { maxRows: 30 } });
  t.notSame(few.proba, all.proba);
  t.same(l.fitPredict(speciesProblem, species.train, species.test, { seed: 1, params: { maxRows: 30 } }), few, 'the sample is seeded');
});

t.test('unseen categories encode as other; missing numbers take the impute value', async (t) => {
  const island = speciesFeatures.find((f) => f.name === 'Island') as FeatureColumn;
  t.same(island.values, ['Biscoe', 'Dream', 'Torgersen']);
  const probe = { ...species.test[0]!, Island: 'Anvers', 'Beak Length (mm)': null };
  for (const ln of ['random-forest', 'gradient-boosting', 'logistic-regression', 'naive-bayes']) {
    const p = getLearner(ln).fitPredict(speciesProblem, species.train, [probe], { seed: 0 });
    t.ok(speciesProblem.classes!.includes(p.values[0] as string), `${ln} predicts a class for an unseen island and a missing bill length`);
  }
});

t.test('linear models are fitted to convergence (known exact answers)', async (t) => {
  // y = 3 + 2 x exactly: ridge with a tiny penalty recovers it.
  const rows = Array.from({ length: 50 }, (_, i) => ({ x: i / 10, y: 3 + (2 * i) / 10 }));
  const p = getLearner('linear-regression').fitPredict({ taskType: 'regression', label: 'y', features: [{ name: 'x', kind: 'numeric' }] }, rows, [{ x: 10 }, { x: -1 }], { seed: 0, params: { l2: 1e-9 } });
  t.ok(Math.abs((p.values[0] as number) - 23) < 1e-6 && Math.abs((p.values[1] as number) - 1) < 1e-6, `extrapolates the line: ${p.values.join(', ')}`);
  // Logistic regression on separable-by-threshold data with an L2 penalty gives P(class) = 0.5 at the midpoint.
  const cls = Array.from({ length: 40 }, (_, i) => ({ x: i, c: i < 20 ? 'lo' : 'hi' }));
  const q = getLearner('logistic-regression').fitPredict({ taskType: 'binary', label: 'c', classes: ['hi', 'lo'], features: [{ name: 'x', kind: 'numeric' }] }, cls, [{ x: 19.5 }, { x: 0 }, { x: 39 }], { seed: 0 });
  t.ok(Math.abs((q.proba![0]![0] as number) - 0.5) < 1e-4, `symmetric data: p = ${q.proba![0]![0]} at the midpoint`);
  t.same(q.values.slice(1), ['lo', 'hi']);
});
