import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readTable } from '@datamaster/sdk';
import plugin, { preparedFor } from '../src/index.ts';
import { LAYOUT } from '../src/prepare.ts';
import { gapminderFile, weatherFiles } from './fixtures.ts';
import { context, filesUnder, task, tempDir } from './helpers.ts';

const tmp = tempDir('bench-tabular-prepare-');
t.teardown(tmp.remove);
const W = weatherFiles(tmp.dir);
const G = gapminderFile(tmp.dir);
let n = 0;
const work = () => join(tmp.dir, `work-${++n}`);

const rowsOf = async (path: string) => (await readTable(path, 'parquet')).rows;

t.test('given validation file, test answers joined by id: inference, files, and nothing private where the engine looks', async (t) => {
  const config = { train: 'data/train.csv', validation: 'data/val.csv', testInputs: 'data/test.csv', testAnswers: 'data/test_answers.csv' };
  const ctx = context(config, work(), tmp.dir);
  const prepared = await plugin.prepare(task(config, { label: 'weather', metric: 'accuracy' }), ctx);
  const info = prepared.info as Record<string, any>;
  t.equal(info.taskType, 'multiclass');
  t.equal(info.id, 'obs_id', 'obs_id is named like an id and unique');
  t.same(info.classes, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  t.same(info.features.location, 'categorical');
  for (const f of ['precipitation', 'temp_max', 'temp_min', 'wind']) t.equal(info.features[f], 'numeric', f);
  t.notOk('obs_id' in info.features, 'the id is never a feature');
  t.notOk('weather' in info.features, 'the label is never a feature');
  t.same(info.split, {
    method: 'file', fraction: null, testMethod: 'file', testFraction: null, seed: 0, column: null,
    trainRows: W.train.length, valRows: W.val.length, testRows: W.test.length, testAnswersJoin: 'id',
  });
  t.same(info.learner, { name: 'random-forest', params: {}, features: 'declared' });
  t.same(info.metric, { name: 'accuracy', direction: 'max' });
  t.equal(prepared.label, 'weather');
  t.same(prepared.columns.map((c) => c.name), ['location', 'date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'], 'every train column but the id');
  const lab = prepared.columns.find((c) => c.name === 'weather')!;
  t.same(lab.values, info.classes);
  t.same(prepared.columns.find((c) => c.name === 'location')!.values, ['New York', 'Seattle']);
  t.equal(prepared.columns.find((c) => c.name === 'temp_max')!.type, 'DOUBLE');
  t.same(prepared.keyColumns, ['location', 'date', 'precipitation', 'temp_max', 'temp_min', 'wind'], 'key columns: the declared features');
  t.match(info.skipped.date, /DATE column is not encoded/);
  t.match(ctx.lines.find((l) => l.level === 'info')?.msg, /multiclass task, label 'weather'.*id 'obs_id'/);

  // The base is exactly the train file; the test inputs are the test file without the label.
  const base = await rowsOf(prepared.base.path);
  t.equal(base.length, W.train.length);
  t.same(base.map((r) => r.obs_id), W.train.map((r) => r.obs_id), 'file order kept');
  const ti = await readTable(prepared.testInputs!.path, 'parquet');
  t.notOk(ti.columns.some((c) => c.name === 'weather'), 'test inputs have no label column');
  t.same(ti.rows.map((r) => r.obs_id), W.test.map((r) => r.obs_id));

  // The answers were joined by id although the answers file is in another order.
  const privateTest = (await preparedFor(ctx)).test;
  t.same(privateTest.map((r) => [r.obs_id, r.weather]), W.test.map((r) => [r.obs_id, r.weather]));

  // What the engine may read (the folders of base and testInputs) holds no validation or test label.
  const heldOutIds = new Set([...W.val, ...W.test].map((r) => r.obs_id));
  const visible = [dirname(prepared.base.path), dirname(prepared.testInputs!.path)];
  for (const dir of visible) {
    for (const f of filesUnder(dir)) {
      const table = await readTable(f, 'parquet');
      const hasLabel = table.columns.some((c) => c.name === 'weather');
      t.notOk(hasLabel && table.rows.some((r) => heldOutIds.has(r.obs_id as number)), `${relative(ctx.workDir, f)}: no held-out row with its label`);
    }
  }
  // Nothing in the whole work dir (inside the run folder) holds a held-out label.
  for (const f of filesUnder(ctx.workDir)) {
    if (!f.endsWith('.parquet')) continue;
    const table = await readTable(f, 'parquet');
    t.notOk(table.columns.some((c) => c.name === 'weather') && table.rows.some((r) => heldOutIds.has(r.obs_id as number)), `${relative(ctx.workDir, f)}: no held-out label`);
  }
  const state = JSON.parse(readFileSync(join(ctx.workDir, LAYOUT.state), 'utf8'));
  t.notOk(JSON.stringify(state).includes(String(W.test[0]!.obs_id)), 'prepared.json holds decisions, not rows');
});

t.test('test answers matched by row order; prepare is idempotent and deterministic', async (t) => {
  const config = { train: 'data/train.csv', validation: 'data/val.csv', testInputs: 'data/test.csv', testAnswers: 'data/test_labels.csv' };
  const dir = work();
  const ctx = context(config, dir, tmp.dir);
  const tk = task(config, { label: 'weather' });
  const prepared = await plugin.prepare(tk, ctx);
  t.equal((prepared.info as any).split.testAnswersJoin, 'row order');
  const privateTest = (await preparedFor(ctx)).test;
  t.same(privateTest.map((r) => r.weather), W.test.map((r) => r.weather));

  const written = [LAYOUT.base, LAYOUT.testInputs, LAYOUT.state];
  const stamp = (p: string) => statSync(join(dir, p)).mtimeMs;
  const before = written.map(stamp);
  const again = await plugin.prepare(tk, ctx);
  t.same(again, prepared, 'same prepared task');
  t.same(written.map(stamp), before, 'identical files are left alone, not rewritten');

  const other = context(config, work(), tmp.dir);
  await plugin.prepare(tk, other);
  for (const p of [LAYOUT.base, LAYOUT.testInputs]) {
    t.ok(readFileSync(join(dir, p)).equals(readFileSync(join(other.workDir, p))), `${p} is byte-identical in another work dir`);
  }
});

t.test('random split (stratified) carves validation and test from one train file; seeded', async (t) => {
  const config = { train: 'data/weather-all.csv', split: { method: 'random', fraction: 0.25, testFraction: 0.2 } };
  const prep = async (seed: number) => {
    const ctx = context(config, work(), tmp.dir);
    const p = await plugin.prepare(task(config, { label: 'weather', seed }), ctx);
    const held = await preparedFor(ctx);
    return { ctx, p, info: p.info as any, base: await rowsOf(p.base.path), val: held.val, test: held.test };
  };
  const a = await prep(1);
  const total = W.rows.length;
  t.equal(a.base.length + a.val.length + a.test.length, total, 'every row lands on one side');
  t.ok(Math.abs(a.val.length - total * 0.25) <= 5 && Math.abs(a.test.length - total * 0.2) <= 5, `sizes ${a.val.length} / ${a.test.length}`);
  t.equal(a.info.split.seed, 1, "the task's seed is the split's seed");
  t.equal(a.info.split.method, 'random');
  const ids = (rows: Record<string, unknown>[]) => new Set(rows.map((r) => `${r.location}|${r.date}`));
  const [sb, sv, st] = [ids(a.base), ids(a.val), ids(a.test)];
  t.notOk([...sv].some((k) => sb.has(k) || st.has(k)), 'no row on two sides');
  // Stratified: each class keeps its share of the file on the validation side (within rounding).
  for (const cls of ['drizzle', 'fog', 'rain', 'snow', 'sun']) {
    const all = W.rows.filter((r) => r.weather === cls).length;
    const inVal = a.val.filter((r) => r.weather === cls).length;
    t.ok(Math.abs(inVal - all * 0.25) <= 1, `${cls}: ${inVal} of ${all} in validation`);
  }
  const ti = await readTable(a.p.testInputs!.path, 'parquet');
  t.notOk(ti.columns.some((c) => c.name === 'weather'));
  t.equal(ti.rows.length, a.test.length);
  const same = await prep(1);
  t.same(same.val, a.val, 'same seed -> same split');
  const other = await prep(2);
  t.notSame(other.val.map((r) => `${r.location}|${r.date}`), a.val.map((r) => `${r.location}|${r.date}`), 'another seed -> another split');
  t.equal(other.info.id, 'obs_id');
});

t.test('group split: whole countries go to one side (gapminder.json)', async (t) => {
  const config = { train: 'data/gapminder.json', split: { method: 'group', column: 'country', fraction: 0.2, testFraction: 0.2, seed: 5 } };
  const ctx = context(config, work(), tmp.dir);
  const p = await plugin.prepare(task(config, { label: 'life_expect', metric: 'rmse', direction: 'min' }), ctx);
  const info = p.info as any;
  t.equal(info.taskType, 'regression');
  t.equal(info.classes, null);
  t.equal(info.features.country, 'categorical');
  t.equal(info.features.year, 'numeric');
  const side = new Map<string, string>();
  let crossed = 0;
  const held = await preparedFor(ctx);
  for (const [name, rows] of [['train', await rowsOf(p.base.path)], ['val', held.val], ['test', held.test]] as const) {
    t.ok(rows.length > 0, `${name} has rows`);
    for (const r of rows) {
      const prev = side.get(String(r.country));
      if (prev && prev !== name) crossed++;
      side.set(String(r.country), name);
    }
  }
  t.equal(crossed, 0, 'no country crosses sides');
  t.equal(info.split.trainRows + info.split.valRows + info.split.testRows, G.rows.length);
  const again = context(config, work(), tmp.dir);
  const q = await plugin.prepare(task(config, { label: 'life_expect', metric: 'rmse', direction: 'min' }), again);
  t.same((q.info as any).split, info.split);
  const seed6 = context({ ...config, split: { ...config.split, seed: 6 } }, work(), tmp.dir);
  await plugin.prepare(task({ ...config, split: { ...config.split, seed: 6 } }, { label: 'life_expect', metric: 'rmse', direction: 'min' }), seed6);
  const countries = async (c: typeof ctx) => [...new Set((await preparedFor(c)).val.map((r) => r.country))].sort();
  t.notSame(await countries(seed6), await countries(ctx), 'another seed puts other countries in validation');
});

t.test('time split: the latest days are held out, and a day is never split between sides', async (t) => {
  const config = { train: 'data/weather-all.csv', split: { method: 'time', column: 'date', fraction: 0.2, testFraction: 0.1 } };
  const ctx = context(config, work(), tmp.dir);
  const p = await plugin.prepare(task(config, { label: 'weather' }), ctx);
  const days = (rows: Record<string, unknown>[]) => rows.map((r) => String(r.date)).sort();
  const held = await preparedFor(ctx);
  const [train, val, test] = [days(await rowsOf(p.base.path)), days(held.val), days(held.test)];
  t.ok(train.at(-1)! < val[0]!, `train ends ${train.at(-1)} before validation starts ${val[0]}`);
  t.ok(val.at(-1)! < test[0]!, `validation ends ${val.at(-1)} before test starts ${test[0]}`);
  t.equal(test.at(-1), '2015-12-31');
  t.equal(val.length % 2, 0, 'both places of a day stay together');
  t.equal(prepareColumnsType(p.columns, 'date'), 'DATE');
});

function prepareColumnsType(cols: { name: string; type: string }[], name: string): string | undefined {
  return cols.find((c) => c.name === name)?.type;
}

t.test('task types inferred on real columns: binary, multiclass, regression', async (t) => {
  const config = { train: 'data/weather-all.csv' };
  const infer = async (label: string, metric: string, direction: 'max' | 'min' = 'max') =>
    ((await plugin.prepare(task(config, { label, metric, direction }), context(config, work(), tmp.dir))).info as any);
  const bin = await infer('location', 'roc_auc');
  t.equal(bin.taskType, 'binary');
  t.same(bin.classes, ['New York', 'Seattle']);
  const multi = await infer('weather', 'f1_macro');
  t.equal(multi.taskType, 'multiclass');
  const reg = await infer('temp_max', 'rmse', 'min');
  t.equal(reg.taskType, 'regression');
  t.equal(reg.features.weather, 'categorical', 'the former label is a feature now');
  // gapminder's cluster (0..5, numbers) with accuracy: classes, sorted numerically.
  const g = { train: 'data/gapminder.json' };
  const cl = (await plugin.prepare(task(g, { label: 'cluster' }), context(g, work(), tmp.dir))).info as any;
  t.equal(cl.taskType, 'multiclass');
  t.same(cl.classes, ['0', '1', '2', '3', '4', '5']);
});

t.test('declared columns choose the features; types and descriptions come from the task', async (t) => {
  const config = { train: 'data/train.csv', validation: 'data/val.csv', testInputs: 'data/test.csv', testAnswers: 'data/test_answers.csv', keyColumns: ['location', 'temp_max'] };
  const columns = [
    { name: 'obs_id', type: 'BIGINT' as const, description: 'row id' },
    { name: 'location', type: 'VARCHAR' as const },
    { name: 'temp_max', type: 'DOUBLE' as const, unit: 'C' },
    { name: 'weather', type: 'VARCHAR' as const },
  ];
  const p = await plugin.prepare(task(config, { label: 'weather', columns }), context(config, work(), tmp.dir));
  t.same(p.columns.map((c) => c.name), ['obs_id', 'location', 'temp_max', 'weather'], 'the declared columns (the id kept as a column, not a feature)');
  t.same(Object.keys((p.info as any).features), ['location', 'temp_max']);
  t.equal(p.columns.find((c) => c.name === 'temp_max')!.unit, 'C');
  t.same(p.keyColumns, ['location', 'temp_max']);
});
