import t from 'tap';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaffoldPlugin, checkPlugin } from '../packages/agents/src/cli/plugin-commands.ts';
import { runEmbedded } from '../packages/agents/src/run/embedded.ts';
import { createLogger } from '../packages/agents/src/host/logger.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so the scaffold's '@datamaster/core' import resolves through node_modules.
const scratch = join(root, 'test', `.tmp-scaffold-run-${process.pid}`);

t.test('a scaffolded source plugin passes check and is used by the Scout in a run', async (t) => {
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const pluginDir = join(scratch, 'source-csvdir');
  scaffoldPlugin({ kind: 'source', name: '@acme/source-csvdir', dir: pluginDir });
  const report = await checkPlugin(pluginDir);
  t.ok(report.ok, `plugin check passes: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);

  // The plugin serves a folder of CSV files; give it the real Seattle daily weather table.
  mkdirSync(join(scratch, 'csvs'), { recursive: true });
  copyFileSync(join(root, 'node_modules/vega-datasets/data/seattle-weather.csv'), join(scratch, 'csvs', 'seattle-weather.csv'));
  const task = JSON.parse(readFileSync(join(root, 'plugins/bench-local/tasks/seattle-weather.task.json'), 'utf8')) as Record<string, unknown>;
  task.id = 'scaffold-run';
  task.sources = [{ plugin: './source-csvdir', config: { folder: 'csvs' } }];
  const taskFile = join(scratch, 'task.json');
  writeFileSync(taskFile, JSON.stringify(task, null, 2));

  const { state } = await runEmbedded({ taskFile, runDir: join(scratch, 'run'), budget: 3, logger: createLogger('scaffold', 'error') });
  const entry = state.pool.sources['@acme/source-csvdir:seattle-weather.csv'];
  t.ok(entry, 'the Scout discovered the file through the scaffolded plugin');
  t.equal(entry?.source.plugin, '@acme/source-csvdir');
  t.not(entry?.status, 'discovered', 'the Curator fetched and judged it');
  t.equal(state.tree.order.length, 3, 'the run used its budget');
  t.ok(state.graded.best, 'and finished with a graded pick');
});
