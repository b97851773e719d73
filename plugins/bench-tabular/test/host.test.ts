import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginHost } from '@datamaster/core';
import { weatherFiles } from './fixtures.ts';
import { task, tempDir } from './helpers.ts';

const tmp = tempDir('bench-tabular-host-');
t.teardown(tmp.remove);
weatherFiles(tmp.dir);
const taskFile = join(tmp.dir, 'task.json');
const origin = { baseDir: tmp.dir, file: taskFile, path: '/benchmark/config' };

t.test('loaded through the plugin host: the manifest checks the config, the plugin prepares, evaluates and grades', async (t) => {
  const config = { train: 'data/weather-all.csv', split: { method: 'time', column: 'date', fraction: 0.2 }, learner: { name: 'random-forest', params: { trees: 20 } } };
  const tk = task(config, { label: 'weather', metric: 'accuracy', seed: 4 });
  writeFileSync(taskFile, JSON.stringify(tk, null, 2));
  const host = new PluginHost({ runDir: join(tmp.dir, 'run') });
  const loaded = await host.loadBenchmark(tk.benchmark, origin);
  t.equal(loaded.name, '@datamaster/bench-tabular');
  t.equal(loaded.ctx.workDir, join(tmp.dir, 'run', 'plugins', loaded.ctx.workDir.split('/').at(-1)!));
  const prepared = await loaded.plugin.prepare(tk, loaded.ctx);
  const info = prepared.info as any;
  t.equal(info.split.method, 'time');
  t.equal(info.split.testMethod, 'time');
  t.same(info.learner, { name: 'random-forest', params: { trees: 20 }, features: 'declared' });
  t.ok(prepared.base.path.startsWith(loaded.ctx.workDir), 'files under the plugin work dir');
  const r = await loaded.plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, loaded.ctx);
  t.ok(r.score > 0.4 && r.score <= 1, `accuracy ${r.score}`);
  const g = await loaded.plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 0 }, loaded.ctx);
  t.equal(g.metrics!.evalRows, info.split.testRows);
});

t.test('a bad config is refused by the manifest schema, naming the JSON path', async (t) => {
  const host = new PluginHost({ runDir: join(tmp.dir, 'run-bad') });
  const load = (config: unknown) => host.loadBenchmark({ plugin: '@datamaster/bench-tabular', config: config as {} }, origin);
  await t.rejects(load({ train: 'data/train.csv', learner: { name: 'random-forest', trees: 50 } }), {
    code: 'E_PLUGIN_CONFIG',
    message: /\/benchmark\/config\/learner: unknown property 'trees'/,
  });
  await t.rejects(load({ train: 'data/train.csv', learner: { name: 'random-forrest' } }), { code: 'E_PLUGIN_CONFIG', message: /\/benchmark\/config\/learner\/name/ });
  await t.rejects(load({ train: 'data/train.csv', learner: { command: [], timeoutSeconds: 5 } }), { code: 'E_PLUGIN_CONFIG', message: /\/benchmark\/config\/learner\/command/ });
  await t.rejects(load({ train: 'data/train.csv', split: { method: 'random', fraction: 1.5 } }), { code: 'E_PLUGIN_CONFIG', message: /\/benchmark\/config\/split\/fraction/ });
  await t.rejects(load({ train: 'data/train.csv', testInputs: 'data/test.csv' }), { code: 'E_PLUGIN_CONFIG', message: /testAnswers/ });
  await t.rejects(load({ train: 'data/train.csv', labels: 'weather' }), { code: 'E_PLUGIN_CONFIG', message: /unknown property 'labels'/ });
  await t.rejects(load({ validation: 'data/val.csv' }), { code: 'E_PLUGIN_CONFIG', message: /train/ });
  const ok = await load({ train: { path: 'data/train.csv', format: 'csv' }, learner: { command: ['python3', 'train.py'], timeoutSeconds: 30, memoryMb: 512, env: { A: '1' }, format: 'parquet', features: 'all' } });
  t.equal(ok.kind, 'benchmark', 'a full command learner config passes');
});
