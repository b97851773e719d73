import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTable, sqlIdent, withDuck } from '@datamaster/sdk';
import plugin, { clearCaches, preparedFor } from '../src/index.ts';
import { weatherFiles } from './fixtures.ts';
import { context, majorityShare, task, tempDir, type Row } from './helpers.ts';

const tmp = tempDir('bench-tabular-evaluate-');
t.teardown(tmp.remove);
const W = weatherFiles(tmp.dir);
const LEARNERS = fileURLToPath(new URL('./learners/', import.meta.url));
let n = 0;
const files = { train: 'data/train.csv', validation: 'data/val.csv', testInputs: 'data/test.csv', testAnswers: 'data/test_answers.csv' };

async function setup(config: Record<string, unknown>, o: Parameters<typeof task>[1]) {
  const ctx = context(config, join(tmp.dir, `work-${++n}`), tmp.dir);
  const prepared = await plugin.prepare(task(config, o), ctx);
  return { ctx, prepared };
}

/** Writes `rows` (only `columns`, in that order) as a Parquet artifact the way the engine would. */
async function artifact(name: string, from: string, select: string): Promise<{ path: string; format: 'parquet' }> {
  const path = join(tmp.dir, 'artifacts', `${name}.parquet`);
  await withDuck(async (conn) => {
    await conn.run(`CREATE TABLE a AS SELECT * FROM read_parquet('${from}')`);
    await conn.run(`COPY (SELECT ${select} FROM a ORDER BY rowid) TO '${path}' (FORMAT parquet)`);
  });
  return { path, format: 'parquet' };
}

await import('node:fs').then((fs) => fs.mkdirSync(join(tmp.dir, 'artifacts'), { recursive: true }));

t.test('random forest: evaluate on validation beats guessing the majority, is deterministic, and grade scores the test answers', async (t) => {
  const { ctx, prepared } = await setup(files, { label: 'weather', metric: 'accuracy' });
  const first = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  const again = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.equal(again.score, first.score, 'same artifact and seed, same score');
  t.same(again.metrics, { ...first.metrics });
  const baseline = majorityShare(W.val.map((r) => r.weather ?? null));
  t.ok(first.score > baseline + 0.1, `accuracy ${first.score} vs always '${'sun'}' ${baseline}`);
  t.equal(first.metrics!.accuracy, first.score);
  for (const m of ['balanced_accuracy', 'f1_macro', 'f1_weighted', 'trainRows', 'droppedRows', 'evalRows']) t.ok(m in first.metrics!, `metrics has ${m}`);
  t.equal(first.metrics!.trainRows, W.train.length);
  t.equal(first.metrics!.droppedRows, 0);
  t.equal(first.metrics!.evalRows, W.val.length);
  t.ok(typeof first.seconds === 'number' && first.seconds >= 0);

  const graded = await plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.equal(graded.metrics!.evalRows, W.test.length, 'graded on every test input');
  t.ok(graded.score > majorityShare(W.test.map((r) => r.weather ?? null)) + 0.1, `test accuracy ${graded.score}`);

  // A cheaper fidelity is still a valid estimate.
  const cheap = await plugin.evaluate({ artifact: prepared.base, fidelity: 0.2, seed: 0 }, ctx);
  t.ok(cheap.score > baseline, `fidelity 0.2: ${cheap.score}`);
});

t.test('a second library learner (logistic regression) on the same task', async (t) => {
  const { ctx, prepared } = await setup({ ...files, learner: { name: 'logistic-regression' } }, { label: 'weather', metric: 'f1_macro' });
  t.same((prepared.info as any).learner, { name: 'logistic-regression', params: {}, features: 'declared' });
  const r = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.equal(r.score, r.metrics!.f1_macro);
  t.ok(r.metrics!.accuracy! > majorityShare(W.val.map((x) => x.weather ?? null)), `accuracy ${r.metrics!.accuracy}`);
  t.ok('log_loss' in r.metrics!, 'a probabilistic learner also gets the probability metrics');
});

t.test('regression with rmse (direction min): random forest and linear regression beat predicting the mean', async (t) => {
  const vals = W.val.map((r) => r.temp_max as number);
  const mean = W.train.reduce((s, r) => s + (r.temp_max as number), 0) / W.train.length;
  const meanRmse = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length);
  for (const name of ['random-forest', 'linear-regression']) {
    // The test inputs hold no temp_max answers: the test split is carved from the train file.
    const { ctx, prepared } = await setup({ train: files.train, validation: files.validation, learner: { name } }, { label: 'temp_max', metric: 'rmse', direction: 'min' });
    t.equal((prepared.info as any).taskType, 'regression');
    t.equal((prepared.info as any).features.weather, 'categorical');
    const r = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 1 }, ctx);
    t.equal(r.score, r.metrics!.rmse);
    t.ok(r.score < meanRmse * 0.6, `${name}: rmse ${r.score} vs ${meanRmse} for the mean`);
    t.ok(r.metrics!.r2! > 0.6, `${name}: r2 ${r.metrics!.r2}`);
    const g = await plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 1 }, ctx);
    t.ok(g.score < meanRmse, `${name}: test rmse ${g.score}`);
  }
});

t.test('features "declared" ignores an extra helpful column; "all" uses it', async (t) => {
  // The task declares no precipitation: the learner does not see it unless features is "all".
  const columns = [
    { name: 'location', type: 'VARCHAR' as const },
    { name: 'temp_max', type: 'DOUBLE' as const },
    { name: 'temp_min', type: 'DOUBLE' as const },
    { name: 'wind', type: 'DOUBLE' as const },
    { name: 'weather', type: 'VARCHAR' as const },
  ];
  const declared = await setup(files, { label: 'weather', columns });
  const all = await setup({ ...files, learner: { name: 'random-forest', features: 'all' } }, { label: 'weather', columns });
  t.same(Object.keys((declared.prepared.info as any).features), ['location', 'temp_max', 'temp_min', 'wind']);
  const art = await artifact('with-precipitation', declared.prepared.base.path, ['location', 'temp_max', 'temp_min', 'wind', 'weather', 'precipitation'].map(sqlIdent).join(', '));
  const d = await plugin.evaluate({ artifact: art, fidelity: 1, seed: 0 }, declared.ctx);
  const a = await plugin.evaluate({ artifact: art, fidelity: 1, seed: 0 }, all.ctx);
  t.ok(a.score > d.score + 0.05, `with precipitation ${a.score}, without ${d.score}`);
});

t.test('an artifact lacking a column (nulls), with unusable labels, or with none usable', async (t) => {
  const { ctx, prepared } = await setup(files, { label: 'weather' });
  const noWind = await artifact('no-wind', prepared.base.path, `* EXCLUDE (wind)`);
  const r = await plugin.evaluate({ artifact: noWind, fidelity: 1, seed: 0 }, ctx);
  t.equal(r.metrics!.trainRows, W.train.length, 'every row still trains');
  t.ok(r.score > majorityShare(W.val.map((x) => x.weather ?? null)), `without wind: ${r.score}`);

  const odd = await artifact('odd-labels', prepared.base.path, `* REPLACE (CASE WHEN obs_id % 10 = 0 THEN 'hail' WHEN obs_id % 10 = 1 THEN NULL ELSE weather END AS weather)`);
  const o = await plugin.evaluate({ artifact: odd, fidelity: 1, seed: 0 }, ctx);
  const dropped = W.train.filter((x) => [0, 1].includes((x.obs_id as number) % 10)).length;
  t.equal(o.metrics!.droppedRows, dropped, 'rows labelled hail (no class) or null are dropped');
  t.equal(o.metrics!.trainRows, W.train.length - dropped);

  const none = await artifact('no-labels', prepared.base.path, `* REPLACE ('hail' AS weather)`);
  await t.rejects(plugin.evaluate({ artifact: none, fidelity: 1, seed: 0 }, ctx), { code: 'E_BENCH_EMPTY', message: /no row with a usable 'weather' label \(one of drizzle, fog, rain, snow, sun\).*map the source's label column/ });
});

t.test('a learner command: scored exactly, and its failure keeps its stderr', async (t) => {
  const learner = { command: ['node', join(LEARNERS, 'majority.mjs')], timeoutSeconds: 60 };
  const { ctx, prepared } = await setup({ ...files, learner }, { label: 'weather' });
  t.same((prepared.info as any).learner, { command: learner.command, features: 'declared' });
  const r = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  // The majority learner guesses the most common training label everywhere: its accuracy is that label's share.
  const counts = new Map<string, number>();
  for (const x of W.train) counts.set(String(x.weather), (counts.get(String(x.weather)) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  t.equal(r.score, W.val.filter((x) => x.weather === top).length / W.val.length);
  const g = await plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.equal(g.score, W.test.filter((x) => x.weather === top).length / W.test.length, 'graded against the answers joined by id');
  t.notOk(existsSync(join(ctx.workDir, 'learner-runs')) && (await import('node:fs')).readdirSync(join(ctx.workDir, 'learner-runs')).length > 0, 'scratch folders of successful runs are removed');

  const bad = await setup({ ...files, learner: { command: ['node', join(LEARNERS, 'fails.mjs')] } }, { label: 'weather' });
  const err = await plugin.evaluate({ artifact: bad.prepared.base, fidelity: 1, seed: 0 }, bad.ctx).then(() => null, (e) => e);
  t.equal(err?.code, 'E_LEARNER_EXIT');
  t.match(err.message, /could not convert string to float: "sunny-ish"/, 'the stderr tail is in the message');
  t.match(err.message, /learner command failed on .*train\.parquet \(evaluate\)/);
  t.match(String(err.details.stderrTail), /sunny-ish/);
});

t.test('a process that did not prepare prepares again from prepared.json; nothing prepared is an error', async (t) => {
  const { ctx, prepared } = await setup(files, { label: 'weather' });
  const before = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 3 }, ctx);
  clearCaches();
  const after = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 3 }, ctx);
  t.equal(after.score, before.score);
  t.equal((await preparedFor(ctx)).val.length, W.val.length);
  const empty = context(files, join(tmp.dir, 'never-prepared'), tmp.dir);
  await t.rejects(plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, empty), { code: 'E_BENCH_NOT_PREPARED' });
});

t.test('the artifact is read through the sdk reader: a broken one is named', async (t) => {
  const { ctx } = await setup(files, { label: 'weather' });
  const broken = join(tmp.dir, 'artifacts', 'broken.parquet');
  await import('node:fs').then((fs) => fs.writeFileSync(broken, 'nope'));
  await t.rejects(plugin.evaluate({ artifact: { path: broken, format: 'parquet' }, fidelity: 1, seed: 0 }, ctx), { code: 'E_BENCH_ARTIFACT', message: /broken\.parquet/ });
  const rows: Row[] = (await readTable(join(ctx.workDir, 'base/train.parquet'), 'parquet')).rows;
  t.equal(rows.length, W.train.length);
});
