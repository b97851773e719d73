import t from 'tap';
import { join } from 'node:path';
import plugin from '../src/index.ts';
import { ensureTask } from '../src/ensure.ts';
import { readTaskTable } from '../src/learner.ts';
import { mapSource, type AnswerKeyEntry } from '../src/measure.ts';
import { taskSpec } from '../src/suite/index.ts';
import { tableColumns } from '../src/suite/spec.ts';
import { writeTable } from '../src/write.ts';
import { readFileSync } from 'node:fs';
import { context, tempDir } from './helpers.ts';

const tmp = tempDir('bench-local-plugin-');
t.teardown(tmp.remove);
const dataDir = join(tmp.dir, 'data');

// The claimed gains: base + the helpful source (with its sensible mapping) beats the base on val.
for (const name of ['seattle-weather', 'cars', 'spam']) {
  t.test(`${name}: evaluate is deterministic and the helpful source beats the baseline on val`, async (t) => {
    const ctx = context({ task: name, dataDir }, tmp.dir);
    const task = JSON.parse(readFileSync(new URL(`../tasks/${name}.task.json`, import.meta.url), 'utf8'));
    const prepared = await plugin.prepare(task, ctx);
    const spec = taskSpec(name);
    t.equal(prepared.label, spec.label.name);
    t.equal(prepared.base.format, 'parquet');
    t.ok(prepared.testInputs);
    const first = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
    const second = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
    t.equal(first.score, second.score, 'same artifact and seed -> same score');
    t.same(first.metrics, second.metrics);
    t.equal(first.metrics?.trainRows, (await readTaskTable(spec, prepared.base.path)).length);

    const files = await ensureTask(name, dataDir);
    const helpful = (JSON.parse(readFileSync(files.answerKey, 'utf8')) as AnswerKeyEntry[]).find((k) => k.role === 'helpful');
    const entry = (JSON.parse(readFileSync(files.catalog, 'utf8')) as { entries: { id: string; file: string; format: string }[] }).entries.find((e) => e.id === helpful?.id);
    if (!helpful?.mapping || !entry) throw new Error(`no helpful source in ${files.answerKey}`);
    const added = await mapSource(spec, join(files.dir, 'pool', entry.file), entry.format, helpful.mapping);
    const artifact = join(tmp.dir, `${name}-with-helpful.parquet`);
    await writeTable(artifact, 'parquet', tableColumns(spec), [...(await readTaskTable(spec, prepared.base.path)), ...added]);
    const better = await plugin.evaluate({ artifact: { path: artifact, format: 'parquet' }, fidelity: 1, seed: 0 }, ctx);
    if (spec.metric.direction === 'max') t.ok(better.score > first.score, `val ${better.score} > ${first.score}`);
    else t.ok(better.score < first.score, `val ${better.score} < ${first.score}`);
    const graded = await plugin.grade({ artifact: { path: artifact, format: 'parquet' }, fidelity: 1, seed: 0 }, ctx);
    t.type(graded.score, 'number');
  });
}

t.test('unknown task and unusable artifacts fail with codes', async (t) => {
  const bad = context({ task: 'nope', dataDir }, tmp.dir);
  await t.rejects(plugin.prepare({} as never, bad), { code: 'E_BENCH_TASK' });
  const ctx = context({ task: 'cars', dataDir }, tmp.dir);
  const empty = join(tmp.dir, 'no-label.parquet');
  await writeTable(empty, 'parquet', [{ name: 'horsepower', type: 'DOUBLE' }], [{ horsepower: 100 }]);
  await t.rejects(plugin.evaluate({ artifact: { path: empty, format: 'parquet' }, fidelity: 1, seed: 0 }, ctx), { code: 'E_BENCH_EMPTY' });
  await t.rejects(plugin.evaluate({ artifact: { path: join(tmp.dir, 'missing.parquet'), format: 'parquet' }, fidelity: 1, seed: 0 }, ctx), { code: 'E_BENCH_ARTIFACT' });
});
