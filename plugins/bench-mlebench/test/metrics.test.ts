import t from 'tap';
import {
  accuracy,
  averagePrecisionAtK,
  EPS,
  logLossBinary,
  logLossOneHot,
  meanAveragePrecisionAtK,
  meanColumnwiseAuc,
  pyRound,
  quadraticWeightedKappa,
  rmse,
  rmsle,
  rocAuc,
} from '../src/metrics.ts';

const close = (t: { ok: (v: boolean, m: string) => unknown }, got: number, want: number, msg: string, tol = 1e-6) => t.ok(Math.abs(got - want) <= tol, `${msg}: got ${got}, want ${want}`);

t.test('ROC AUC', async (t) => {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered right.
  t.equal(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  // A tie between a positive and a negative counts one half: (0.5 + 1 + 2) / 4.
  t.equal(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.875);
  // The larger label is the positive class, whatever the values.
  t.equal(rocAuc([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8]), 0.75);
  t.equal(rocAuc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]), 0.75);
  t.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), { code: 'E_MLEBENCH_METRIC', message: /only one class/ });
  t.throws(() => rocAuc([0, 1], [0.1, NaN]), { code: 'E_MLEBENCH_METRIC' });
  // Column-wise: mean of 0.75 and 1.
  t.equal(meanColumnwiseAuc([[0, 0, 1, 1], [0, 1, 0, 1]], [[0.1, 0.4, 0.35, 0.8], [0.1, 0.9, 0.2, 0.8]]), 0.875);
});

t.test('log loss', async (t) => {
  // -(ln 0.8 + ln 0.7) / 2
  close(t, logLossBinary([1, 0], [0.8, 0.3]), 0.2899092476264711, 'binary');
  // A certain wrong answer costs -ln(eps) (sklearn clips to [eps, 1 - eps]).
  close(t, logLossBinary([0, 1], [1, 1]), -Math.log(EPS) / 2, 'clipped', 1e-12);
  t.equal(EPS, 2.220446049250313e-16);
  close(t, -Math.log(EPS), 36.04365338911715, 'eps', 1e-12);
  t.throws(() => logLossBinary([1, 1], [0.2, 0.3]), { code: 'E_MLEBENCH_METRIC' });
  // sklearn's documented example: classes ham, spam; -(ln .9 + ln .9 + ln .8 + ln .65) / 4 = 0.21616...
  close(
    t,
    logLossOneHot(
      [
        [0, 1],
        [1, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [0.1, 0.9],
        [0.9, 0.1],
        [0.8, 0.2],
        [0.35, 0.65],
      ],
    ),
    0.21616187468057912,
    'one-hot',
  );
  // Three classes: -(ln .5 + ln .6) / 2; probabilities are not renormalised.
  close(
    t,
    logLossOneHot(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [0.5, 0.25, 0.25],
        [0.1, 0.6, 0.3],
      ],
    ),
    0.6019864021629145,
    'three classes',
  );
});

t.test('RMSE and RMSLE', async (t) => {
  // sklearn's example: sqrt((0.25 + 0.25 + 0 + 1) / 4)
  close(t, rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8]), Math.sqrt(0.375), 'rmse', 1e-15);
  // log1p differences -0.133531, 0, 0.356675, 0.117783: sqrt of their mean square
  close(t, rmsle([3, 5, 2.5, 7], [2.5, 5, 4, 8]), 0.19932, 'rmsle', 1e-5);
  t.throws(() => rmsle([1, 2], [-1, 2]), { code: 'E_MLEBENCH_METRIC', message: /<= -1/ });
  close(t, rmsle([0], [-0.5]), Math.abs(Math.log1p(-0.5)), 'rmsle above -1 is defined');
});

t.test('quadratic weighted kappa', async (t) => {
  // Confusion (rows y1, cols y2) over labels 0,1,2: observed weighted disagreement 2, expected 5.5.
  close(t, quadraticWeightedKappa([0, 1, 2, 2], [0, 2, 2, 1]), 1 - 2 / 5.5, 'kappa', 1e-12);
  // Weights use label POSITIONS in the sorted label list (as sklearn does): labels 0, 1, 5 behave as 0, 1, 2.
  close(t, quadraticWeightedKappa([0, 1, 5, 5], [0, 5, 5, 1]), 7 / 11, 'positions', 1e-12);
  t.equal(quadraticWeightedKappa([0, 1, 2, 3], [0, 1, 2, 3]), 1);
});

t.test('accuracy and MAP@K', async (t) => {
  t.equal(accuracy([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  t.equal(accuracy(['a', 'b'], ['a', 'c']), 0.5);
  // One hit at rank 2 of 2 -> (1/2) / min(5, 2)
  t.equal(averagePrecisionAtK(new Set([1, 2, 3, 4, 5]), [6, 4, 7, 1, 2], 2), 0.25);
  // Hits at ranks 1 and 3, the repeat at rank 2 counts nothing: (1 + 2/3) / 2
  close(t, averagePrecisionAtK(new Set([1, 2]), [1, 1, 2], 3), 5 / 6, 'apk');
  t.equal(averagePrecisionAtK(new Set<number>(), [1], 3), 0);
  close(t, meanAveragePrecisionAtK([new Set([1]), new Set([2])], [[1], [3, 2]], 2), (1 + 0.5) / 2, 'mapk');
});

t.test('Python round to 5 decimals', async (t) => {
  t.equal(pyRound(0.123456, 5), 0.12346);
  t.equal(pyRound(0.1234549, 5), 0.12345);
  // 1/64 is exactly a half at the 6th decimal in binary: ties go to even.
  t.equal(pyRound(0.015625, 5), 0.01562);
  t.equal(pyRound(-0.015625, 5), -0.01562);
  t.equal(pyRound(0.046875, 5), 0.04688);
  // 5e-6 is stored a little above one half: it rounds up, as in Python.
  t.equal(pyRound(5e-6, 5), 1e-5);
  // 2.675 is stored below 2.675: round(2.675, 2) == 2.67 in Python.
  t.equal(pyRound(2.675, 2), 2.67);
  t.equal(pyRound(0.98989006674519, 5), 0.98989);
  t.equal(pyRound(1, 5), 1);
});
