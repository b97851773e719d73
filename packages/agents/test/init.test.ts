import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginHost, schemas, silentLogger, type Task } from '@datamaster/core';
import { readTable, withDuck, type TableRow } from '@datamaster/sdk';
import { initTask, splitCommandLine, type InitOptions, type InitResult } from '../src/cli/init-command.ts';
import { main } from '../src/cli/main.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const data = join(root, 'node_modules/vega-datasets/data');
const cli = join(root, 'packages/agents/bin/datamaster.js');

function tmp(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'dm-init-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function init(o: InitOptions): Promise<{ result: InitResult; lines: string[] }> {
  const lines: string[] = [];
  const result = await initTask(o, (l) => lines.push(l));
  return { result, lines };
}

const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const rowKey = (r: TableRow, cols: string[]) => cols.map((c) => cell(r[c])).join('\u0001');

/** The carved files put back together equal the original rows, as multisets. */
async function checkCarve(t: Test, original: string, dir: string, label: string, ext: string, id: string | null) {
  const orig = await readTable(original);
  const cols = orig.columns.map((c) => c.name);
  const train = await readTable(join(dir, `data/train.${ext}`));
  const inputs = await readTable(join(dir, `data/test-inputs.${ext}`));
  const answers = await readTable(join(dir, `data/test-answers.${ext}`));
  t.same(train.columns.map((c) => c.name), cols, 'train keeps every column');
  t.same(inputs.columns.map((c) => c.name), cols.filter((c) => c !== label), 'test inputs have every column but the label');
  t.same(answers.columns.map((c) => c.name), id ? [id, label] : [label], 'test answers: id (if any) and label');
  t.equal(inputs.rows.length, answers.rows.length, 'one answer per test input');
  t.notOk(answers.rows.some((r) => r[label] === null), 'no test answer is empty');
  const rebuilt = [...train.rows, ...inputs.rows.map((r, i) => ({ ...r, [label]: answers.rows[i]![label]! }))];
  if (id) for (const [i, r] of inputs.rows.entries()) t.equal(r[id], answers.rows[i]![id], `answer ${i} has its input's id`, { diagnostic: false });
  t.same(rebuilt.map((r) => rowKey(r, cols)).sort(), orig.rows.map((r) => rowKey(r, cols)).sort(), 'train + test = the original rows');
  return { orig, train, inputs, answers };
}

t.test('multiclass: weather.csv, label weather; stratified seeded carve; the task passes its schema', async (t) => {
  const dir = tmp(t);
  const { result, lines } = await init({ train: join(data, 'weather.csv'), label: 'weather', cwd: dir });
  t.equal(result.taskType, 'multiclass');
  t.equal(result.metric.name, 'accuracy');
  t.equal(result.metric.direction, 'max');
  t.equal(result.id, null, 'no id column in weather.csv');
  t.same(
    result.columns.map((c) => [c.name, c.type]),
    [['location', 'VARCHAR'], ['date', 'DATE'], ['precipitation', 'DOUBLE'], ['temp_max', 'DOUBLE'], ['temp_min', 'DOUBLE'], ['wind', 'DOUBLE'], ['weather', 'VARCHAR']],
  );
  t.same(result.classes, { sun: 1466, rain: 1087, fog: 139, snow: 119, drizzle: 111 });
  t.match(lines.join('\n'), /task type: multiclass \(the label is text with 5 distinct values\)/);
  t.match(lines.join('\n'), /metric: accuracy \(max/);
  t.match(lines.join('\n'), /wrote data\/test-inputs\.csv \(584 rows, no weather\)/);

  const task = JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8')) as Task;
  t.same(schemas().parseInput<Task>('task', task, 'task.json').id, 'weather', 'the task passes schemas/task.schema.json');
  const cfg = task.benchmark.config as Record<string, unknown>;
  t.equal(task.benchmark.plugin, '@datamaster/bench-tabular');
  t.same(cfg.split, { method: 'random', fraction: 0.2, seed: 0 }, 'validation is a declared split');
  t.equal(cfg.train, 'data/train.csv');
  t.equal(cfg.testInputs, 'data/test-inputs.csv');
  t.equal(cfg.testAnswers, 'data/test-answers.csv');
  t.same(cfg.learner, { name: 'random-forest', params: {}, features: 'declared' });
  t.equal(task.data?.label, 'weather');
  t.same(task.data?.columns?.find((c) => c.name === 'weather')?.values, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  t.notOk(task.sources, 'no pool, no sources');

  const { answers } = await checkCarve(t, join(data, 'weather.csv'), dir, 'weather', 'csv', null);
  const byClass: Record<string, number> = {};
  for (const r of answers.rows) byClass[String(r.weather)] = (byClass[String(r.weather)] ?? 0) + 1;
  t.same(byClass, { sun: Math.round(1466 * 0.2), rain: Math.round(1087 * 0.2), fog: Math.round(139 * 0.2), snow: Math.round(119 * 0.2), drizzle: Math.round(111 * 0.2) }, 'every class carved in proportion');

  // Same seed, same files; another seed, another split.
  const again = tmp(t);
  await init({ train: join(data, 'weather.csv'), label: 'weather', cwd: again });
  t.equal(readFileSync(join(again, 'data/test-inputs.csv'), 'utf8'), readFileSync(join(dir, 'data/test-inputs.csv'), 'utf8'), 'seeded: the same carve twice');
  const other = tmp(t);
  await init({ train: join(data, 'weather.csv'), label: 'weather', cwd: other, seed: 7 });
  t.not(readFileSync(join(other, 'data/test-inputs.csv'), 'utf8'), readFileSync(join(dir, 'data/test-inputs.csv'), 'utf8'), 'another seed, another carve');
  t.equal((JSON.parse(readFileSync(join(other, 'task.json'), 'utf8')) as Task).seed, 7);
});

t.test('binary: balanced gets accuracy, an imbalanced label gets f1_macro', async (t) => {
  const dir = tmp(t);
  const { result } = await init({ train: join(data, 'weather.csv'), label: 'location', cwd: dir });
  t.equal(result.taskType, 'binary');
  t.equal(result.metric.name, 'accuracy');

  const riots = tmp(t);
  const r = await init({ train: join(data, 'la-riots.csv'), label: 'gender', cwd: riots });
  t.equal(r.result.taskType, 'binary');
  t.same(r.result.classes, { Male: 56, Female: 7 });
  t.equal(r.result.metric.name, 'f1_macro', 'the rarer class is 11% of rows');
  t.match(r.result.metric.reason, /11\.1%/);
  const { answers } = await checkCarve(t, join(data, 'la-riots.csv'), riots, 'gender', 'csv', null);
  t.same(answers.rows.filter((x) => x.gender === 'Female').length, 1, 'the rare class is in the test split too (round(7 * 0.2) = 1)');

  const bad = tmp(t);
  await t.rejects(init({ train: join(data, 'la-riots.csv'), label: 'gender', metric: 'rmse', cwd: bad }), { code: 'E_METRIC_TASK', message: /--metric rmse: metric 'rmse' applies to regression tasks, not to a binary task/ });
  await t.rejects(init({ train: join(data, 'la-riots.csv'), label: 'gender', metric: 'acuracy', cwd: bad }), { code: 'E_METRIC_UNKNOWN', message: /--metric acuracy: unknown metric 'acuracy' \(did you mean 'accuracy'\?\)/ });
  const given = await init({ train: join(data, 'la-riots.csv'), label: 'gender', metric: 'AUC', cwd: bad });
  t.equal(given.result.metric.reason, 'given by --metric');
  t.same(given.result.task.metric, { name: 'roc_auc', direction: 'max' }, 'an alias is written under its canonical name, with its direction');
});

t.test('regression: cars.json mpg (JSON in, JSONL out, empty labels never tested); integer labels with few values are classes', async (t) => {
  const dir = tmp(t);
  const { result, lines } = await init({ train: join(data, 'cars.json'), label: 'Miles_per_Gallon', cwd: dir, budget: 5 });
  t.equal(result.taskType, 'regression');
  t.equal(result.metric.name, 'rmse');
  t.equal(result.metric.direction, 'min');
  t.match(lines.join('\n'), /note: 8 row\(s\) have no Miles_per_Gallon/);
  t.same(result.columns.find((c) => c.name === 'Year')?.type, 'DATE');
  t.same(result.columns.find((c) => c.name === 'Cylinders')?.type, 'BIGINT');
  const task = JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8')) as Task;
  t.same(task.budget, { nodes: 5, seconds: 600, parallel: 2 });
  t.notOk(task.data?.columns?.find((c) => c.name === 'Miles_per_Gallon')?.values, 'a regression label lists no values');
  t.ok(existsSync(join(dir, 'data/train.jsonl')), 'JSON input is written as JSONL');
  const { train } = await checkCarve(t, join(data, 'cars.json'), dir, 'Miles_per_Gallon', 'jsonl', null);
  t.equal(train.rows.filter((r) => r.Miles_per_Gallon === null).length, 8, 'unlabelled rows stay in train');

  const cyl = tmp(t);
  const c = await init({ train: join(data, 'cars.json'), label: 'Cylinders', cwd: cyl });
  t.equal(c.result.taskType, 'multiclass', '5 whole-number values over 406 rows');
  t.same(c.result.task.data?.columns?.find((x) => x.name === 'Cylinders')?.values, [3, 4, 5, 6, 8]);
  const hp = await init({ train: join(data, 'cars.json'), label: 'Horsepower', cwd: tmp(t) });
  t.equal(hp.result.taskType, 'regression', 'many whole-number values: an amount');
  const forced = await init({ train: join(data, 'cars.json'), label: 'Cylinders', taskType: 'regression', cwd: tmp(t) });
  t.equal(forced.result.taskType, 'regression');
  t.equal(forced.result.taskTypeReason, 'given by --task-type');
  await t.rejects(init({ train: join(data, 'cars.json'), label: 'Origin', taskType: 'regression', cwd: tmp(t) }), { code: 'E_USAGE', message: /needs a numeric label/ });
  await t.rejects(init({ train: join(data, 'cars.json'), label: 'Miles_per_Gallon', learner: 'naive-bayes', cwd: tmp(t) }), { code: 'E_USAGE', message: /does not handle regression/ });
});

t.test('an id column is found by name and uniqueness, and the answers carry it (TSV in, TSV out)', async (t) => {
  const dir = tmp(t);
  const { result } = await init({ train: join(data, 'unemployment.tsv'), label: 'rate', cwd: dir });
  t.equal(result.id, 'id');
  t.equal(result.taskType, 'regression');
  t.equal((result.task.benchmark.config as { id?: string }).id, 'id');
  await checkCarve(t, join(data, 'unemployment.tsv'), dir, 'rate', 'tsv', 'id');
  t.match(readFileSync(join(dir, 'data/test-answers.tsv'), 'utf8').split('\n')[0]!, /^id\trate$/);

  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', id: 'location', cwd: tmp(t) }), { code: 'E_ID', message: /not unique.*'(New York|Seattle)' 1461 times/ });
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', id: 'dat', cwd: tmp(t) }), { code: 'E_COLUMN', message: /did you mean 'date'/ });
});

t.test('time and group splits carve the test the same way validation is split', async (t) => {
  const dir = tmp(t);
  const { result, lines } = await init({ train: join(data, 'weather.csv'), label: 'weather', split: 'time', cwd: dir });
  const cfg = result.task.benchmark.config as { split: Record<string, unknown> };
  t.same(cfg.split, { method: 'time', fraction: 0.2, column: 'date', seed: 0 }, 'the one date column is the time column');
  t.match(lines.join('\n'), /latest rows by 'date'/);
  const train = await readTable(join(dir, 'data/train.csv'));
  const inputs = await readTable(join(dir, 'data/test-inputs.csv'));
  const lastTrain = train.rows.map((r) => String(r.date)).sort().pop()!;
  const firstTest = inputs.rows.map((r) => String(r.date)).sort()[0]!;
  t.ok(firstTest > lastTrain, `test starts (${firstTest}) after train ends (${lastTrain})`);
  t.equal(inputs.rows.length % 2, 0, 'both cities of a day go to the same side');

  const g = tmp(t);
  await init({ train: join(data, 'cars.json'), label: 'Miles_per_Gallon', split: 'group', splitColumn: 'Name', cwd: g });
  const gTrain = new Set((await readTable(join(g, 'data/train.jsonl'))).rows.map((r) => r.Name));
  const gTest = (await readTable(join(g, 'data/test-inputs.jsonl'))).rows.map((r) => r.Name);
  t.ok(gTest.length > 0);
  t.notOk(gTest.some((n) => gTrain.has(n)), 'no car name on both sides');

  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', split: 'group', cwd: tmp(t) }), { code: 'E_USAGE', message: /needs --split-column/ });
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', split: 'group', splitColumn: 'locaton', cwd: tmp(t) }), { message: /did you mean 'location'/ });
});

t.test('given validation and test files are referenced in place and checked', async (t) => {
  const first = tmp(t);
  await init({ train: join(data, 'weather.csv'), label: 'weather', cwd: first });
  const dir = tmp(t);
  const { result, lines } = await init({
    train: join(first, 'data/train.csv'),
    val: join(first, 'data/test-inputs.csv').replace('test-inputs', 'train'),
    testInputs: join(first, 'data/test-inputs.csv'),
    testAnswers: join(first, 'data/test-answers.csv'),
    label: 'weather',
    cwd: dir,
  });
  t.notOk(existsSync(join(dir, 'data')), 'nothing carved');
  const cfg = result.task.benchmark.config as Record<string, unknown>;
  t.match(String(cfg.testInputs), /\/data\/test-inputs\.csv$/);
  t.notOk(cfg.split, 'a validation file, no split');
  t.ok(cfg.validation);
  t.equal(result.rows.test, 584);
  t.match(lines.join('\n'), /test: .*test-inputs\.csv \(584 rows\)/);

  await t.rejects(
    init({ train: join(first, 'data/train.csv'), testInputs: join(first, 'data/train.csv'), testAnswers: join(first, 'data/test-answers.csv'), label: 'weather', cwd: tmp(t) }),
    { code: 'E_COLUMN', message: /has the label column 'weather'; test inputs must not carry answers/ },
  );
  await t.rejects(init({ train: join(first, 'data/train.csv'), testInputs: join(first, 'data/test-inputs.csv'), label: 'weather', cwd: tmp(t) }), { code: 'E_USAGE', message: /go together/ });
  await t.rejects(init({ train: join(first, 'data/train.csv'), val: join(first, 'data/train.csv'), valFraction: 0.3, label: 'weather', cwd: tmp(t) }), { code: 'E_USAGE', message: /--val-fraction sizes a carved validation split/ });
});

t.test('--pool: every data file of the folder is a candidate through source-local, no catalog to write', async (t) => {
  const dir = tmp(t);
  const pool = join(dir, 'candidates');
  mkdirSync(join(pool, 'more'), { recursive: true });
  copyFileSync(join(data, 'seattle-weather.csv'), join(pool, 'seattle.csv'));
  copyFileSync(join(data, 'cars.json'), join(pool, 'more', 'cars.json'));
  await withDuck(async (c) => {
    await c.run(`COPY (SELECT * FROM read_csv('${join(data, 'weather.csv')}') WHERE location = 'New York' LIMIT 100) TO '${join(pool, 'ny.parquet')}' (FORMAT PARQUET)`);
    // The same columns named another way: shared columns are counted ignoring case and punctuation.
    await c.run(`COPY (SELECT location AS "Location", "date" AS "DATE", weather AS "Weather" FROM read_csv('${join(data, 'weather.csv')}') LIMIT 10) TO '${join(pool, 'caps.csv')}' (FORMAT CSV, HEADER)`);
  });
  writeFileSync(join(pool, 'notes.txt'), 'not data');
  writeFileSync(join(pool, 'broken.json'), '{ "rows": [1, 2');
  const work = join(dir, 'task');
  const { result, lines } = await init({ train: join(data, 'weather.csv'), label: 'weather', pool, out: join(work, 'task.json'), cwd: dir });
  t.same(result.task.sources, [{ plugin: '@datamaster/source-local', config: { dirs: ['../candidates'] } }], 'a folder, relative to the task file');
  t.same(result.pool?.files.map((f) => f.file), ['broken.json', 'caps.csv', 'more/cars.json', 'ny.parquet', 'seattle.csv']);
  t.same(result.pool!.files.find((f) => f.file === 'caps.csv')!.shared, ['location', 'date', 'weather'], 'Location, DATE and Weather are the train columns');
  const ny = result.pool!.files.find((f) => f.file === 'ny.parquet')!;
  t.equal(ny.rows, 100);
  t.equal(ny.shared.length, 7, 'every column shared with train');
  t.match(result.pool!.files.find((f) => f.file === 'broken.json')!.error, /cannot read/);
  t.match(lines.join('\n'), /more\/cars\.json {2}json {2}406 rows, 0\/9 columns shared with train, no 'weather' column/);
  t.notOk(existsSync(join(pool, 'catalog.json')), 'no catalog written');

  // The source plugin, loaded the way a run loads it, offers those files.
  const host = new PluginHost({ runDir: join(dir, 'run'), logger: silentLogger });
  const loaded = await host.loadSource(result.task.sources![0]!, { baseDir: work });
  const found = await loaded.plugin.search({ text: 'weather', task: { id: result.task.id, title: result.task.title!, description: result.task.description, label: 'weather', columns: result.task.data!.columns! }, limit: 50 }, loaded.ctx);
  t.same(found.map((s) => s.id).sort(), ['local:candidates/broken.json', 'local:candidates/caps.csv', 'local:candidates/more/cars.json', 'local:candidates/ny.parquet', 'local:candidates/seattle.csv']);

  await t.rejects(init({ train: join(pool, 'seattle.csv'), label: 'weather', pool, cwd: tmp(t) }), { code: 'E_POOL', message: /holds .*seattle\.csv, a file of the task itself/ });
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', pool: dir, out: join(dir, 'x.json'), cwd: dir }), { code: 'E_POOL', message: /would hold the carved test answers/ });
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', pool: empty, cwd: tmp(t) }), { code: 'E_POOL', message: /no csv, tsv, json, jsonl, parquet or arrow file/ });
});

t.test('--learner-command is split like a shell would, and paths the user typed still point at the file', async (t) => {
  t.same(splitCommandLine('python3 train.py'), ['python3', 'train.py']);
  t.same(splitCommandLine(`  python3   "my learners/train.py" --name 'a b' c\\ d "say \\"hi\\"" '' x"y"z  `), ['python3', 'my learners/train.py', '--name', 'a b', 'c d', 'say "hi"', '', 'xyz']);
  t.same(splitCommandLine(`node -e 'console.log("$HOME")'`), ['node', '-e', 'console.log("$HOME")'], 'no expansion inside single quotes');
  t.throws(() => splitCommandLine('python3 "train.py'), { code: 'E_USAGE', message: /unterminated " quote/ });
  t.throws(() => splitCommandLine("python3 'train.py"), { code: 'E_USAGE', message: /unterminated ' quote/ });
  t.throws(() => splitCommandLine('   '), { code: 'E_USAGE', message: /empty/ });

  const dir = tmp(t);
  mkdirSync(join(dir, 'learners'));
  writeFileSync(join(dir, 'learners', 'my train.py'), '# a learner\n');
  const { result, lines } = await init({ train: join(data, 'weather.csv'), label: 'weather', learnerCommand: 'python3 "learners/my train.py" --trees 50', out: 'tasks/w.json', cwd: dir });
  const learner = (result.task.benchmark.config as { learner: Record<string, unknown> }).learner;
  t.same(learner, { command: ['python3', '../learners/my train.py', '--trees', '50'], features: 'declared' }, 'the script path is rewritten relative to the task file');
  t.match(lines.join('\n'), /rewritten: learners\/my train\.py -> \.\.\/learners\/my train\.py/);
  t.ok(existsSync(join(dir, 'tasks/data/train.csv')), 'data goes next to the task file');
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', learner: 'random-forest', learnerCommand: 'x', cwd: tmp(t) }), { code: 'E_USAGE', message: /not both/ });
  await t.rejects(init({ train: join(data, 'weather.csv'), label: 'weather', learner: 'random-forrest', cwd: tmp(t) }), { code: 'E_USAGE', message: /did you mean 'random-forest'/ });
});

t.test('the CLI: a label typo exits 1 naming the file, the columns and the likely name; an existing task is never overwritten without --force', async (t) => {
  const dir = tmp(t);
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'init', ...args], { encoding: 'utf8', cwd: dir });
  const weather = join(dir, 'weather.csv');
  copyFileSync(join(data, 'weather.csv'), weather);

  const typo = run('--train', 'weather.csv', '--label', 'wether');
  t.equal(typo.status, 1);
  t.match(typo.stderr, `--label wether: no such column in ${weather} (did you mean 'weather'?); its columns are: location, date, precipitation, temp_max, temp_min, wind, weather [E_LABEL]`);
  t.notOk(existsSync(join(dir, 'task.json')), 'nothing written');
  t.notOk(existsSync(join(dir, 'data')), 'no data written');

  const ok = run('--train', 'weather.csv', '--label', 'weather', '--budget', '4');
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /task type: multiclass/);
  t.match(ok.stdout, /next: datamaster run task\.json/);
  const before = readFileSync(join(dir, 'task.json'), 'utf8');

  const again = run('--train', 'weather.csv', '--label', 'location');
  t.equal(again.status, 1);
  t.match(again.stderr, /task\.json already exists; pass --force to overwrite it.*\[E_EXISTS\]/);
  t.equal(readFileSync(join(dir, 'task.json'), 'utf8'), before, 'the task file is untouched');

  rmSync(join(dir, 'task.json'));
  const data2 = run('--train', 'weather.csv', '--label', 'location');
  t.equal(data2.status, 1, 'carved files from before are not overwritten either');
  t.match(data2.stderr, /data\/train\.csv already exists; pass --force/);

  const forced = run('--train', 'weather.csv', '--label', 'location', '--force');
  t.equal(forced.status, 0, forced.stderr);
  t.match(readFileSync(join(dir, 'task.json'), 'utf8'), /"label": "location"/);

});

t.test('flag errors, in process through main()', async (t) => {
  const dir = tmp(t);
  copyFileSync(join(data, 'weather.csv'), join(dir, 'weather.csv'));
  const lines: string[] = [];
  const cmd = (...args: string[]) => main(['init', ...args, '--out', join(dir, 'task.json')], (l) => lines.push(l));
  await t.rejects(cmd('--train', join(dir, 'weather.csv')), { code: 'E_USAGE', message: /--label is required.*\n.*usage: datamaster init/s });
  await t.rejects(cmd('--train', join(dir, 'weather.csv'), '--label', 'weather', '--bogus'), { code: 'E_USAGE', message: /Unknown option '--bogus'/ });
  await t.rejects(cmd('--train', join(dir, 'nope.csv'), '--label', 'weather'), { code: 'E_FILE_NOT_FOUND', message: /--train .*nope\.csv: no such file/ });
  await t.rejects(cmd('--train', join(dir, 'weather.csv'), '--label', 'weather', '--test-fraction', '1.5'), { code: 'E_USAGE', message: /--test-fraction must be a number between 0 and 1/ });
  await t.rejects(cmd('--train', join(dir, 'weather.csv'), '--label', 'weather', '--seed', 'x'), { code: 'E_USAGE', message: /--seed must be a number, got 'x'/ });
  await t.rejects(cmd('--train', join(dir, 'weather.csv'), '--label', 'weather', 'extra'), { code: 'E_USAGE', message: /unexpected argument 'extra'/ });
  t.notOk(existsSync(join(dir, 'task.json')), 'no error wrote a task');
  t.equal(await main(['init', '--help'], (l) => lines.push(l)), 0);
  t.match(lines.pop(), /^usage: datamaster init --train FILE --label COLUMN/);
  t.equal(await main(['help'], (l) => lines.push(l)), 0);
  t.match(lines.pop(), /datamaster init --train FILE --label COL/);
});
