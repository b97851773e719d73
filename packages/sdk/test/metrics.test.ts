import t from 'tap';
import { checkMetric, computeMetric, DataMasterError, DEFAULT_METRICS, listMetrics, metricInfo, metricKey, scoreAll } from '../src/index.ts';

// Expected numbers: scikit-learn's documented examples where one exists (named), else worked by hand
// (the working is in the comment).
const close = (t: { ok: (c: boolean, m: string) => unknown }, got: number, want: number, msg: string, eps = 1e-6) => t.ok(Math.abs(got - want) < eps, `${msg}: ${got} ~ ${want}`);

t.test('the catalogue: directions, inputs, aliases', async (t) => {
  const names = listMetrics().map((m) => m.name);
  for (const n of ['accuracy', 'balanced_accuracy', 'f1_binary', 'f1_macro', 'f1_micro', 'f1_weighted', 'roc_auc', 'mean_columnwise_roc_auc', 'log_loss', 'rmse', 'mae', 'rmsle', 'mean_columnwise_rmsle', 'r2', 'quadratic_weighted_kappa', 'map_at_k']) {
    t.ok(names.includes(n), `${n} is listed`);
  }
  t.equal(new Set(names).size, names.length, 'canonical names are unique');
  const all = listMetrics().flatMap((m) => [m.name, ...(m.aliases ?? [])]);
  t.equal(new Set(all).size, all.length, 'no alias is shared by two metrics');
  for (const m of listMetrics()) t.equal(metricInfo(m.name)?.name, m.name);
  t.equal(metricInfo('F1')?.name, 'f1_binary', 'case-insensitive alias');
  t.equal(metricInfo('macro_f1')?.name, 'f1_macro');
  t.equal(metricInfo('Macro-F1')?.name, 'f1_macro', 'hyphens and case');
  t.equal(metricInfo('AUC')?.name, 'roc_auc');
  t.equal(metricInfo('logloss')?.direction, 'min');
  t.equal(metricInfo('qwk')?.name, 'quadratic_weighted_kappa');
  t.equal(metricInfo('map@k')?.name, 'map_at_k');
  t.same(metricInfo('MAP@5'), { ...metricInfo('map_at_k'), k: 5 }, "'map@5' carries k");
  t.equal(metricInfo('nope'), undefined);
  t.equal(metricInfo('rmse')?.direction, 'min');
  t.equal(metricInfo('r2')?.direction, 'max');
  t.equal(metricKey('map@5'), 'map_at_5');
  t.equal(metricKey('map_at_k'), 'map_at_3');
  t.equal(metricKey('macro_f1'), 'f1_macro');
  // listMetrics hands out copies
  listMetrics()[0]!.taskTypes.push('regression');
  t.notOk(metricInfo('accuracy')?.taskTypes.includes('regression'));
});

t.test('checkMetric: unknown names, contradicting directions, wrong task types', async (t) => {
  t.equal(checkMetric('f1_macro', { direction: 'max', taskType: 'multiclass' }).name, 'f1_macro');
  const unknown = (() => {
    try {
      checkMetric('f1_makro');
    } catch (err) {
      return err as DataMasterError;
    }
    return undefined;
  })();
  t.equal(unknown?.code, 'E_METRIC_UNKNOWN');
  t.match(unknown?.message, /^unknown metric 'f1_makro' \(did you mean 'f1_macro'\?\); known metrics: accuracy, balanced_accuracy, /);
  t.match(unknown?.message, /rmsle/);
  t.throws(() => checkMetric('f1_macro', { direction: 'min' }), {
    code: 'E_METRIC_DIRECTION',
    message: "metric 'f1_macro' is maximised; the task says direction 'min': set direction to 'max'",
  });
  t.throws(() => checkMetric('RMSE', { direction: 'max' }), { code: 'E_METRIC_DIRECTION', message: /^metric 'rmse' is minimised.*set direction to 'min'$/ });
  t.throws(() => checkMetric('macro_f1', { direction: 'min' }), { code: 'E_METRIC_DIRECTION', message: /^metric 'macro_f1' \(f1_macro\) is maximised/ });
  t.throws(() => checkMetric('rmse', { taskType: 'binary' }), { code: 'E_METRIC_TASK', message: /applies to regression tasks, not to a binary task: pick one of accuracy/ });
  t.throws(() => checkMetric('f1', { taskType: 'multiclass' }), { code: 'E_METRIC_TASK' });
  t.throws(() => checkMetric('accuracy', { taskType: 'regression' }), { code: 'E_METRIC_TASK' });
  t.equal(checkMetric('qwk', { direction: 'max', taskType: 'regression' }).name, 'quadratic_weighted_kappa');
  t.throws(() => computeMetric('nope', { truth: [1] }), { code: 'E_METRIC_UNKNOWN' });
});

t.test('label metrics', async (t) => {
  // scikit-learn accuracy_score docs: y_pred=[0, 2, 1, 3], y_true=[0, 1, 2, 3] -> 0.5
  t.equal(computeMetric('accuracy', { truth: [0, 1, 2, 3], pred: [0, 2, 1, 3] }), 0.5);
  // scikit-learn balanced_accuracy_score docs: y_true=[0, 1, 0, 0, 1, 0], y_pred=[0, 1, 0, 0, 0, 1] -> 0.625
  t.equal(computeMetric('balanced_accuracy', { truth: [0, 1, 0, 0, 1, 0], pred: [0, 1, 0, 0, 0, 1] }), 0.625);
  // scikit-learn f1_score docs: y_true=[0, 1, 2, 0, 1, 2], y_pred=[0, 2, 1, 0, 0, 1]
  const f = { truth: [0, 1, 2, 0, 1, 2], pred: [0, 2, 1, 0, 0, 1] };
  close(t, computeMetric('f1_macro', f), 0.26666666, 'f1 macro');
  close(t, computeMetric('f1_micro', f), 0.33333333, 'f1 micro');
  close(t, computeMetric('f1_weighted', f), 0.26666666, 'f1 weighted');
  // binary F1 by hand: truth [1,1,0,0,1], pred [1,0,0,1,1]: tp 2, fp 1, fn 1 -> 4 / 6
  close(t, computeMetric('f1', { truth: [1, 1, 0, 0, 1], pred: [1, 0, 0, 1, 1] }), 2 / 3, 'f1 binary');
  // ... with class 0 as the positive: tp 1, fp 1, fn 1 -> 2 / 4
  t.equal(computeMetric('f1', { truth: [1, 1, 0, 0, 1], pred: [1, 0, 0, 1, 1], positive: 0 }), 0.5);
  t.equal(computeMetric('f1', { truth: [0, 0], pred: [0, 0] }), 0, 'no positive anywhere -> 0 (zero_division)');
  t.throws(() => computeMetric('f1', { truth: [0, 1, 2], pred: [0, 1, 2] }), { code: 'E_METRIC_INPUT', message: /pick f1_macro/ });
  // Only classes seen in truth or predictions count for macro F1 (class 2 of 3 absent).
  t.equal(computeMetric('f1_macro', { truth: [0, 1], pred: [0, 1], classes: 3 }), 1);
  // Labels from probabilities when no pred is given (argmax, ties to the lower index).
  t.equal(computeMetric('accuracy', { truth: [0, 1, 1], proba: [[0.6, 0.4], [0.5, 0.5], [0.2, 0.8]] }), 2 / 3);
  t.equal(computeMetric('accuracy', { truth: [0, 1], proba: [[0.3], [0.9]] }), 1, 'one-column binary proba is P(class 1)');
});

t.test('quadratic weighted kappa', async (t) => {
  // By hand: truth [0,1,2,2], pred [0,2,2,1]: sum(w*O) = 2, sum(w*E) = 22/4 -> 1 - 2/5.5
  close(t, computeMetric('qwk', { truth: [0, 1, 2, 2], pred: [0, 2, 2, 1] }), 1 - 2 / 5.5, 'qwk');
  // ratings 1..4 (Kaggle style, not starting at 0), cross-checked with numpy: 0.8636363636
  close(t, computeMetric('quadratic_weighted_kappa', { truth: [1, 2, 3, 4, 4, 3, 2, 1], pred: [1, 2, 3, 3, 4, 4, 1, 1] }), 0.86363636, 'qwk 1..4');
  t.equal(computeMetric('qwk', { truth: [0, 1, 2, 3], pred: [0, 1, 2, 3] }), 1, 'perfect agreement');
  close(t, computeMetric('qwk', { truth: [0, 1, 2, 3], pred: [3, 2, 1, 0] }), -1, 'perfect reversal');
  t.throws(() => computeMetric('qwk', { truth: [2, 2], pred: [2, 2] }), { code: 'E_METRIC_INPUT', message: /single value 2/ });
});

t.test('probability metrics', async (t) => {
  // scikit-learn roc_auc_score docs: y=[0, 0, 1, 1], scores=[0.1, 0.4, 0.35, 0.8] -> 0.75
  t.equal(computeMetric('roc_auc', { truth: [0, 0, 1, 1], proba: [[0.1], [0.4], [0.35], [0.8]] }), 0.75);
  t.equal(computeMetric('auc', { truth: [0, 0, 1, 1], proba: [[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]] }), 0.75, 'two columns');
  // Ties share their rank: one tie between a positive and a negative counts one half.
  t.equal(computeMetric('roc_auc', { truth: [0, 1], proba: [[0.5], [0.5]] }), 0.5);
  // Multiclass one-vs-rest macro (per-class AUCs by pair counting: 0.875, 0.9375 with a tie, 1.0).
  const mc = { truth: [0, 1, 2, 0, 1, 2], proba: [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3], [0.4, 0.4, 0.2], [0.2, 0.3, 0.5]] };
  t.equal(computeMetric('roc_auc', mc), 0.9375);
  t.throws(() => computeMetric('roc_auc', { truth: [1, 1, 1], proba: [[0.2], [0.5], [0.9]] }), { code: 'E_METRIC_INPUT', message: /only one class/ });
  t.throws(() => computeMetric('roc_auc', { truth: [0, 1], pred: [0, 1] }), { code: 'E_METRIC_INPUT', message: /input.proba is required/ });

  // scikit-learn log_loss docs: ["spam", "ham", "ham", "spam"] with [[.1, .9], [.9, .1], [.8, .2], [.35, .65]] -> 0.21616
  close(t, computeMetric('log_loss', { truth: [1, 0, 0, 1], proba: [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]] }), 0.216161, 'log loss docs');
  close(t, computeMetric('logloss', { truth: [1, 0, 0, 1], proba: [[0.9], [0.1], [0.2], [0.65]] }), 0.216161, 'one-column binary');
  // Multiclass: mean of -ln p(true) over the rows of mc, by hand 0.7290097
  close(t, computeMetric('log_loss', mc), 0.72900974, 'multiclass log loss');
  // Clipping: a zero probability on the true class costs -ln(1e-15), not infinity.
  close(t, computeMetric('log_loss', { truth: [1], proba: [[1, 0]] }), 34.538776394910684, 'clipped', 1e-9);
  t.equal(computeMetric('log_loss', { truth: [0], proba: [[1, 0]] }) < 1e-12, true, 'a sure, right answer costs ~0');
  // Rows are renormalised: [2, 2] is read as [0.5, 0.5].
  close(t, computeMetric('log_loss', { truth: [0], proba: [[2, 2]] }), Math.LN2, 'renormalised');
  t.throws(() => computeMetric('log_loss', { truth: [0, 1], proba: [[0.5, 0.5]] }), { code: 'E_METRIC_INPUT', message: /1 rows but input.truth has 2/ });
  t.throws(() => computeMetric('log_loss', { truth: [0], proba: [[0.5, 0.3, 0.2]], classes: 2 }), { code: 'E_METRIC_INPUT', message: /expected 2/ });
  t.throws(() => computeMetric('log_loss', { truth: [0], proba: [[-0.5, 1.5]] }), { code: 'E_METRIC_INPUT' });
  t.throws(() => computeMetric('log_loss', { truth: [3], proba: [[0.5, 0.5]] }), { code: 'E_METRIC_INPUT', message: /truth\[0\] is 3, not a class index/ });
});

t.test('MAP@K (Kaggle)', async (t) => {
  // ml_metrics' test: mapk([[1,3,4],[1,2,4],[1,3]], [range(1,6)] * 3, 3) = 0.685185185185185
  const ranked = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]];
  close(t, computeMetric('map@3', { truth: [], ranked, relevant: [[1, 3, 4], [1, 2, 4], [1, 3]] }), 0.685185185185185, 'mapk');
  // apk([1..5], [6,4,7,1,2], 2) = 0.25 ; apk([1..5], [1,1,1,1,1], 5) = 0.2
  close(t, computeMetric('map_at_k', { truth: [], ranked: [[6, 4, 7, 1, 2]], relevant: [[1, 2, 3, 4, 5]], k: 2 }), 0.25, 'apk k=2');
  close(t, computeMetric('map@5', { truth: [], ranked: [[1, 1, 1, 1, 1]], relevant: [[1, 2, 3, 4, 5]] }), 0.2, 'duplicates count once');
  t.equal(computeMetric('map@k', { truth: [], ranked: [['a']], relevant: [[]] }), 0, 'no relevant item -> 0');
  // From class probabilities: row 1 ranks the truth first (1), row 2 second (1/2), row 3 not in the top 2 (0).
  const proba = [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1]];
  close(t, computeMetric('map@2', { truth: [0, 1, 2], proba }), 0.5, 'from proba, k from the name');
  close(t, computeMetric('map@k', { truth: [0, 1, 2], proba, k: 3 }), (1 + 0.5 + 1 / 3) / 3, 'k from the input');
  t.throws(() => computeMetric('map@k', { truth: [], ranked: [[1]], relevant: [[1]], k: 0 }), { code: 'E_METRIC_INPUT' });
});

t.test('regression metrics', async (t) => {
  // scikit-learn docs: y_true=[3, -0.5, 2, 7], y_pred=[2.5, 0.0, 2, 8]: MSE 0.375, MAE 0.5, R^2 0.948608...
  const r = { truth: [3, -0.5, 2, 7], pred: [2.5, 0.0, 2, 8] };
  t.equal(computeMetric('mse', r), 0.375);
  close(t, computeMetric('rmse', r), Math.sqrt(0.375), 'rmse');
  t.equal(computeMetric('mae', r), 0.5);
  close(t, computeMetric('r2', r), 0.948608, 'r2');
  t.equal(computeMetric('r2', { truth: [2, 2], pred: [2, 2] }), 1, 'constant truth, perfect -> 1');
  t.equal(computeMetric('r2', { truth: [2, 2], pred: [1, 2] }), 0, 'constant truth, imperfect -> 0');
  // scikit-learn mean_squared_log_error docs: y_true=[3, 5, 2.5, 7], y_pred=[2.5, 5, 4, 8] -> MSLE 0.039730...
  close(t, computeMetric('rmsle', { truth: [3, 5, 2.5, 7], pred: [2.5, 5, 4, 8] }), Math.sqrt(0.03973012), 'rmsle');
  t.throws(() => computeMetric('rmsle', { truth: [1, 2], pred: [1, -0.5] }), { code: 'E_METRIC_INPUT', message: /row 1 has a negative prediction \(-0.5\).*clip predictions at 0/ });
  t.throws(() => computeMetric('rmsle', { truth: [-1], pred: [1] }), { code: 'E_METRIC_INPUT', message: /negative truth/ });
  t.throws(() => computeMetric('rmse', { truth: [1, 2], pred: [1] }), { code: 'E_METRIC_INPUT' });
  t.throws(() => computeMetric('rmse', { truth: [1, Number.NaN], pred: [1, 2] }), { code: 'E_METRIC_INPUT', message: /truth\[1\] is NaN/ });
  t.throws(() => computeMetric('mae', { truth: [], pred: [] }), { code: 'E_METRIC_INPUT', message: /no rows/ });
});

t.test('column-wise means', async (t) => {
  // Column 1 separates perfectly (AUC 1); column 2: positives 0.9, 0.2 vs negatives 0.3, 0.1 -> 3/4.
  const c = { truth: [], truthColumns: [[0, 1, 1, 0], [1, 0, 1, 0]], predColumns: [[0.2, 0.7, 0.6, 0.4], [0.9, 0.3, 0.2, 0.1]] };
  t.equal(computeMetric('mean_columnwise_roc_auc', c), 0.875);
  t.throws(() => computeMetric('mean_columnwise_roc_auc', { truth: [], truthColumns: [[1, 1]], predColumns: [[0.2, 0.3]] }), { code: 'E_METRIC_INPUT', message: /column 0/ });
  t.throws(() => computeMetric('mean_columnwise_roc_auc', { truth: [], truthColumns: [[2, 0]], predColumns: [[0.2, 0.3]] }), { code: 'E_METRIC_INPUT', message: /must be 0 or 1/ });
  // RMSLE of the docs example (0.1993242) and of [1,2] vs [1,4] (sqrt((ln 5 - ln 3)^2 / 2) = 0.3612082) -> mean 0.2802662
  close(t, computeMetric('mean_columnwise_rmsle', { truth: [], truthColumns: [[3, 5, 2.5, 7], [1, 2]], predColumns: [[2.5, 5, 4, 8], [1, 4]] }), 0.28026621, 'mcrmsle');
  t.throws(() => computeMetric('mcrmsle', { truth: [], truthColumns: [[1]], predColumns: [] }), { code: 'E_METRIC_INPUT' });
});

t.test('scoreAll: every applicable metric from one prediction', async (t) => {
  const mc = { truth: [0, 1, 2, 0, 1, 2], proba: [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3], [0.4, 0.4, 0.2], [0.2, 0.3, 0.5]] };
  const all = scoreAll('multiclass', mc, { digits: 6 });
  t.same(Object.keys(all).sort(), ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'log_loss', 'map_at_3', 'quadratic_weighted_kappa', 'roc_auc'].sort());
  t.equal(all.roc_auc, 0.9375);
  t.equal(all.log_loss, 0.72901);
  // argmax labels: rows 0, 1, 2, 5 right; row 3 wrong; row 4's 0.4/0.4 tie goes to class 0 (wrong)
  t.equal(all.accuracy, 0.666667);
  // Labels only: probability metrics are left out; the task's own metric can be added.
  const labels = scoreAll('binary', { truth: [1, 1, 0, 0, 1], pred: [1, 0, 0, 1, 1] }, { also: ['qwk'] });
  t.same(Object.keys(labels).sort(), ['accuracy', 'balanced_accuracy', 'f1_binary', 'f1_macro', 'f1_micro', 'f1_weighted', 'quadratic_weighted_kappa'].sort());
  // A default metric that is undefined here (one-class AUC) is left out; asked for by name it throws.
  const oneClass = { truth: [1, 1], proba: [[0.2], [0.9]] };
  t.notOk('roc_auc' in scoreAll('binary', oneClass));
  t.throws(() => scoreAll('binary', oneClass, { also: ['auc'] }), { code: 'E_METRIC_INPUT' });
  const reg = scoreAll('regression', { truth: [3, -0.5, 2, 7], pred: [2.5, 0.0, 2, 8] });
  t.same(Object.keys(reg).sort(), ['mae', 'mse', 'r2', 'rmse'], 'rmsle left out: a negative truth');
  t.equal(reg.mse, 0.375);
  t.equal(scoreAll('multiclass', mc, { also: ['map@2'] }).map_at_2, computeMetric('map@2', mc));
  t.same(DEFAULT_METRICS.regression.includes('rmsle'), true);
  t.throws(() => scoreAll('regression', { truth: [1], pred: [1] }, { also: ['nope'] }), { code: 'E_METRIC_UNKNOWN' });
});
