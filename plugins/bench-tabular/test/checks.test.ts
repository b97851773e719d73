import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import plugin from '../src/index.ts';
import { weatherFiles } from './fixtures.ts';
import { context, task, tempDir, writeCsv, type Row } from './helpers.ts';

const tmp = tempDir('bench-tabular-checks-');
t.teardown(tmp.remove);
const W = weatherFiles(tmp.dir);
let n = 0;
const prepare = (config: unknown, o: Parameters<typeof task>[1]) => plugin.prepare(task(config, o), context(config, join(tmp.dir, `work-${++n}`), tmp.dir));
const files = { train: 'data/train.csv', validation: 'data/val.csv', testInputs: 'data/test.csv', testAnswers: 'data/test_answers.csv' };

t.test('a label typo names the file, lists the columns and suggests the right one', async (t) => {
  const err = await prepare(files, { label: 'wether' }).then(() => null, (e) => e);
  t.equal(err?.code, 'E_BENCH_LABEL');
  t.match(err.message, /'wether' is not a column of .*data\/train\.csv \(config\/train\)/);
  t.match(err.message, /did you mean 'weather'\?/);
  t.match(err.message, /its columns are obs_id, location, date, precipitation, temp_max, temp_min, wind, weather/);
});

t.test('no data.label: says to set it', async (t) => {
  await t.rejects(prepare(files, {}), { code: 'E_BENCH_CONFIG', message: /set data\.label/ });
});

t.test('an unknown declared column, id, key or split column is named with a suggestion', async (t) => {
  await t.rejects(prepare(files, { label: 'weather', columns: [{ name: 'temp_maxx', type: 'DOUBLE' }, { name: 'weather', type: 'VARCHAR' }] }), {
    code: 'E_BENCH_COLUMN',
    message: /data\.columns\[0\] 'temp_maxx' is not a column of .*train\.csv.*did you mean 'temp_max'/,
  });
  await t.rejects(prepare({ ...files, id: 'obsid' }, { label: 'weather' }), { code: 'E_BENCH_COLUMN', message: /config\/id.*did you mean 'obs_id'/ });
  await t.rejects(prepare({ ...files, keyColumns: ['locaton'] }, { label: 'weather' }), { code: 'E_BENCH_COLUMN', message: /'locaton'.*did you mean 'location'/ });
  await t.rejects(prepare({ train: 'data/train.csv', split: { method: 'group', column: 'loc' } }, { label: 'weather' }), { code: 'E_BENCH_COLUMN', message: /split column/ });
  await t.rejects(prepare({ train: 'data/train.csv', split: { method: 'time' } }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /needs "column"/ });
});

t.test('metric checks: direction contradicting the name, metric not for the task type, unknown metric', async (t) => {
  await t.rejects(prepare(files, { label: 'weather', metric: 'f1_macro', direction: 'min' }), { code: 'E_METRIC_DIRECTION' });
  await t.rejects(prepare(files, { label: 'weather', metric: 'rmse', direction: 'min' }), { code: 'E_METRIC_TASK', message: /not to a multiclass task/ });
  await t.rejects(prepare({ train: 'data/weather-all.csv' }, { label: 'temp_max', metric: 'accuracy' }), { code: 'E_METRIC_TASK', message: /not to a regression task/ }, 'temp_max has many values: a regression, which accuracy does not score');
  await t.rejects(prepare(files, { label: 'weather', metric: 'acuracy' }), { code: 'E_METRIC_UNKNOWN', message: /did you mean 'accuracy'/ });
  await t.rejects(prepare({ ...files, taskType: 'binary' }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /taskType is 'binary'.*5 distinct/ });
});

t.test('test files come in pairs', async (t) => {
  await t.rejects(prepare({ train: 'data/train.csv', testInputs: 'data/test.csv' }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /"testInputs" is given without "testAnswers"/ });
  await t.rejects(prepare({ train: 'data/train.csv', testAnswers: 'data/test_answers.csv' }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /"testAnswers" is given without "testInputs"/ });
});

t.test('files: missing, unreadable, no format', async (t) => {
  await t.rejects(prepare({ train: 'data/nope.csv' }, { label: 'weather' }), { code: 'E_BENCH_FILE', message: /no such file .*data\/nope\.csv/ });
  writeFileSync(join(tmp.dir, 'data/weather.txt'), 'x');
  await t.rejects(prepare({ train: 'data/weather.txt' }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /cannot tell the format/ });
  writeFileSync(join(tmp.dir, 'data/broken.parquet'), 'not parquet');
  await t.rejects(prepare({ train: 'data/broken.parquet' }, { label: 'weather' }), { code: 'E_BENCH_READ', message: /broken\.parquet \(config\/train\): cannot read it as parquet/ });
});

t.test('answers that do not fit the test inputs name the file and row', async (t) => {
  const answers: Row[] = W.test.map((r) => ({ obs_id: r.obs_id ?? null, weather: r.weather ?? null }));
  writeCsv(join(tmp.dir, 'data/ans-unknown.csv'), [...answers.slice(0, 10), { obs_id: 99999, weather: 'sun' }, ...answers.slice(11)]);
  await t.rejects(prepare({ ...files, testAnswers: 'data/ans-unknown.csv' }, { label: 'weather' }), { code: 'E_BENCH_ANSWERS', message: /ans-unknown\.csv \(config\/testAnswers\) row 11: id 99999 is not an id of the test inputs/ });
  writeCsv(join(tmp.dir, 'data/ans-short.csv'), answers.slice(0, 20), ['weather']);
  await t.rejects(prepare({ ...files, testAnswers: 'data/ans-short.csv' }, { label: 'weather' }), { code: 'E_BENCH_ANSWERS', message: /ans-short\.csv \(config\/testAnswers\) has 20 rows but .*test\.csv \(config\/testInputs\) has 730.*row 21/ });
  writeCsv(join(tmp.dir, 'data/ans-dup.csv'), [...answers.slice(0, 5), answers[2]!, ...answers.slice(5)]);
  await t.rejects(prepare({ ...files, testAnswers: 'data/ans-dup.csv' }, { label: 'weather' }), { code: 'E_BENCH_ANSWERS', message: /row 6: id \d+ appears more than once \(first at row 3\)/ });
  writeCsv(join(tmp.dir, 'data/ans-nolabel.csv'), answers, ['obs_id']);
  await t.rejects(prepare({ ...files, testAnswers: 'data/ans-nolabel.csv' }, { label: 'weather' }), { code: 'E_BENCH_LABEL', message: /ans-nolabel\.csv \(config\/testAnswers\)/ });
});

t.test('a library learner that does not do the task type is refused at prepare', async (t) => {
  await t.rejects(prepare({ ...files, learner: { name: 'linear-regression' } }, { label: 'weather' }), { code: 'E_BENCH_CONFIG', message: /'linear-regression' does not learn multiclass/ });
});
