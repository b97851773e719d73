import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A plugin written outside the repository depends on the packed SDK only, passes `plugin check` and is used in a run.
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/agents/bin/datamaster.js');

t.test('the SDK packs with its schemas; a benchmark scaffolded outside the repository passes check and runs', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dm-outside-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.notOk(dir.startsWith(root), 'the plugin lives outside the repository');

  const pack = spawnSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: join(root, 'packages/sdk'), encoding: 'utf8' });
  t.equal(pack.status, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path);
  t.ok(files.includes('schemas/task.schema.json') && files.includes('schemas/events/run.started.schema.json'), 'the schemas are inside the tarball');
  t.ok(files.includes('src/index.ts'));

  const pluginDir = join(dir, 'bench-penguins');
  const made = spawnSync(process.execPath, [cli, 'plugin', 'new', 'benchmark', 'bench-penguins', '--dir', pluginDir], { encoding: 'utf8', cwd: dir });
  t.equal(made.status, 0, made.stderr);

  // Install the packed SDK (and its dependencies, from the npm cache) into the plugin, as its user would.
  const tarball = join(dir, info!.filename);
  const install = spawnSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: pluginDir, encoding: 'utf8', timeout: 300_000 });
  t.equal(install.status, 0, install.stderr.slice(-2000));
  t.ok(readdirSync(join(pluginDir, 'node_modules/@datamaster')).includes('sdk'));
  t.notOk(readdirSync(join(pluginDir, 'node_modules/@datamaster')).includes('core'), 'the runtime is not installed');

  const check = spawnSync(process.execPath, [cli, 'plugin', 'check', pluginDir], { encoding: 'utf8', cwd: dir });
  t.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
  t.match(check.stdout, /✓ evaluate: the task data as a Parquet artifact scores/);
  t.match(check.stdout, 'bench-penguins is ready');

  const example = JSON.parse(readFileSync(join(pluginDir, 'datamaster-plugin.json'), 'utf8')).configSchema.examples[0] as Record<string, string>;
  const config = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, k === 'label' ? v : `bench-penguins/${v}`]));
  const task = {
    id: 'outside',
    description: 'penguin species from bill, flipper and mass, with a benchmark plugin written outside the repository',
    benchmark: { plugin: './bench-penguins', config },
    metric: { name: 'accuracy', direction: 'max' },
    data: { label: 'species' },
    budget: { nodes: 3, parallel: 1, seconds: 300 },
  };
  writeFileSync(join(dir, 'task.json'), JSON.stringify(task, null, 2));
  const run = spawnSync(process.execPath, [cli, 'run', 'task.json', '--run-dir', join(dir, 'run'), '--json'], { encoding: 'utf8', cwd: dir, timeout: 300_000 });
  t.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { baseline: { val: number; test: number }; best: { test: number } };
  t.ok(summary.baseline.val > 0.6 && summary.baseline.test > 0.6, `baseline val ${summary.baseline.val}, test ${summary.baseline.test}`);
  t.type(summary.best.test, 'number', 'the pick is graded on test');
});
