/**
 * Runs bench-tabular on a person-shaped task built from vega-datasets' weather.csv: writes the CSV and a
 * task file into a folder, loads the plugin through the real plugin host (so the manifest checks the
 * config), prepares, evaluates the base data on validation and grades it on test.
 *
 *   npx tsx plugins/bench-tabular/scripts/example.ts [folder] [--learner NAME] [--split random|time]
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PluginHost } from '@datamaster/core';
import type { Task } from '@datamaster/sdk';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const learner = flag('--learner') ?? 'random-forest';
const method = flag('--split') ?? 'time';
const dir = resolve(args[0] ?? join(tmpdir(), `bench-tabular-example-${process.pid}`));
mkdirSync(join(dir, 'data'), { recursive: true });
let pkg = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
while (!existsSync(join(pkg, 'package.json'))) pkg = dirname(pkg);
copyFileSync(join(pkg, 'data', 'weather.csv'), join(dir, 'data', 'weather.csv'));

const task: Task = {
  id: 'weather-example',
  title: 'Weather type from daily measurements',
  description: 'Predict the weather (sun, rain, fog, drizzle, snow) of a day in Seattle or New York from its measurements.',
  benchmark: {
    plugin: '@datamaster/bench-tabular',
    config: {
      train: 'data/weather.csv',
      split: { method, fraction: 0.2, testFraction: 0.2, ...(method === 'random' ? {} : { column: method === 'group' ? 'location' : 'date' }) },
      learner: { name: learner },
    },
  },
  metric: { name: 'accuracy', direction: 'max' },
  data: { label: 'weather' },
  seed: 0,
};
const taskFile = join(dir, 'weather.task.json');
writeFileSync(taskFile, JSON.stringify(task, null, 2) + '\n');

const logger = {
  debug: () => undefined,
  info: (msg: string) => console.log(msg),
  warn: (msg: string) => console.log(`warn: ${msg}`),
  error: (msg: string) => console.error(msg),
};
const host = new PluginHost({ runDir: join(dir, 'run'), logger });
const bench = await host.loadBenchmark(task.benchmark, { baseDir: dir, file: taskFile, path: '/benchmark/config' });
const prepared = await bench.plugin.prepare(task, bench.ctx);
console.log(`task file ${taskFile}`);
console.log(`base ${prepared.base.path}`);
console.log(`test inputs ${prepared.testInputs?.path}`);
const evaluated = await bench.plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, bench.ctx);
console.log(`validation ${task.metric.name} ${evaluated.score.toFixed(4)} (${evaluated.metrics?.trainRows} training rows, ${evaluated.metrics?.evalRows} validation rows, ${evaluated.seconds?.toFixed(2)} s)`);
const graded = await bench.plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 0 }, bench.ctx);
console.log(`test ${task.metric.name} ${graded.score.toFixed(4)} (${graded.metrics?.evalRows} test rows)`);
