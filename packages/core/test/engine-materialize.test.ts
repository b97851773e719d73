import t from 'tap';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactOf, EngineCodes, type MaterializeResult } from '../src/engine/index.ts';
import type { DataEngine } from '../src/engine/index.ts';
import { recipeHash } from '../src/recipe/hash.ts';
import { schemas } from '../src/schema/registry.ts';
import type { Recipe, RecipeStep } from '../src/schema/types.ts';
import { sha256File } from '../src/engine/artifact.ts';
import { codeOf, keyOf, openEngine, SEATTLE_KEYS, seattleTask, tempDir, VEGA, type SeattleTask } from './fixtures/engine/helpers.ts';

const WEATHER = 'local:weather';
const IDENTITY = { date: 'date', precipitation: 'precipitation', temp_max: 'temp_max', temp_min: 'temp_min', wind: 'wind', weather: 'weather' };
const ALL = [...SEATTLE_KEYS, 'weather'];

interface Fixture {
  engine: DataEngine;
  task: SeattleTask;
  dir: string;
  run(steps: RecipeStep[], outDir?: string): Promise<MaterializeResult>;
  read(r: MaterializeResult, sql?: string): Promise<Record<string, unknown>[]>;
}

/** The `t` a subtest callback gets. */
type TapTest = { teardown(fn: () => unknown): void };

async function fixture(t: TapTest): Promise<Fixture> {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const task = await seattleTask(dir);
  return {
    engine,
    task,
    dir,
    run: (steps, outDir = join(dir, 'artifacts')) => {
      const recipe: Recipe = { v: 1, base: 'task', steps };
      return engine.materialize({
        recipe,
        recipeHash: recipeHash(recipe),
        base: task.base,
        label: task.label,
        columns: task.columns,
        sources: { [WEATHER]: { file: { path: join(VEGA, 'weather.csv'), format: 'csv' } } },
        testInputs: task.testInputs,
        outDir,
        runDir: dir,
      });
    },
    read: (r, sql = 'SELECT * EXCLUDE (file_row_number) FROM data') =>
      engine.query(`WITH data AS (SELECT * FROM read_parquet('${r.file}', file_row_number = true)) ${sql}`) as Promise<Record<string, unknown>[]>,
  };
}

t.test('root recipe: the base as Parquet, content-addressed and reused', async (t) => {
  const f = await fixture(t);
  const r = await f.run([]);
  t.equal(r.rows, 1000);
  t.same(r.rowsBySource, { base: 1000 });
  t.equal(r.reused, false);
  t.equal(r.path, join('artifacts', `${recipeHash({ v: 1, base: 'task', steps: [] })}.parquet`), 'relative to the run dir');
  t.equal(r.sha256, await sha256File(r.file));
  schemas().assert('events/node.materialized', { nodeId: 'n1', recipeHash: recipeHash({ v: 1, base: 'task', steps: [] }), artifact: artifactOf(r) }, 'event');

  const cols = await f.engine.query(`DESCRIBE SELECT * FROM read_parquet('${r.file}')`);
  t.same(cols.map((c) => c['column_name']), ALL, 'task column order, no bookkeeping columns');
  t.same(cols.map((c) => c['column_type']), ['DATE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR']);
  const first = await f.read(r, 'SELECT * EXCLUDE (file_row_number) FROM data LIMIT 1');
  t.same(first[0], { date: '2012-01-01', precipitation: 0, temp_max: 12.8, temp_min: 5, wind: 4.7, weather: 'drizzle' }, 'file order kept');

  const again = await f.run([]);
  t.equal(again.reused, true);
  t.equal(again.sha256, r.sha256);
  t.same(again.rowsBySource, r.rowsBySource, 'reuse keeps rowsBySource from the manifest');
  const elsewhere = await f.run([], join(f.dir, 'other'));
  t.equal(elsewhere.reused, false);
  t.equal(elsewhere.sha256, r.sha256, 'same recipe, same bytes');
});

t.test('add_source: mapping, contamination filter, dedupe and filter by scope', async (t) => {
  const f = await fixture(t);
  const testKeys = new Set(f.task.test.map((r) => keyOf(r, SEATTLE_KEYS)));
  const clean = f.task.weather.filter((r) => !testKeys.has(keyOf(r, SEATTLE_KEYS)));
  const contaminated = f.task.weather.length - clean.length;
  t.ok(contaminated >= 461, 'weather.csv repeats the held-out days');

  const added = await f.run([{ op: 'add_source', source: WEATHER, mapping: IDENTITY }]);
  t.equal(added.contamination[WEATHER], contaminated, 'contaminated rows counted');
  t.same(added.rowsBySource, { base: 1000, [WEATHER]: clean.length });
  t.equal(added.steps![0]!.rows, 1000 + clean.length);
  const leaks = await f.read(added, `SELECT count(*) AS n FROM data d SEMI JOIN read_csv('${f.task.testInputs.path}') t ON d.date = t.date AND d.precipitation = t.precipitation AND d.temp_max = t.temp_max AND d.temp_min = t.temp_min AND d.wind = t.wind`);
  t.equal(leaks[0]!['n'], '0', 'no artifact row equals a held-out input');

  // Dedupe the added rows against everything before them: the Seattle training days come back out.
  const seen = new Set(f.task.train.map((r) => keyOf(r, ALL)));
  let kept = 0;
  for (const r of clean) {
    const k = keyOf(r, ALL);
    if (!seen.has(k)) {
      seen.add(k);
      kept++;
    }
  }
  const deduped = await f.run([
    { op: 'add_source', source: WEATHER, mapping: IDENTITY },
    { op: 'dedupe', scope: 'added' },
  ]);
  t.same(deduped.rowsBySource, { base: 1000, [WEATHER]: kept });

  const warm = clean.filter((r) => Number(r['temp_max']) > 10).length;
  const filtered = await f.run([
    { op: 'add_source', source: WEATHER, mapping: IDENTITY },
    { op: 'filter', where: 'temp_max > 10', scope: WEATHER },
  ]);
  t.same(filtered.rowsBySource, { base: 1000, [WEATHER]: warm }, 'base rows outside the scope stay');

  // where + limit + an expression mapping; a missing task column is NULL.
  const limited = await f.run([
    { op: 'add_source', source: WEATHER, mapping: { ...IDENTITY, wind: 'NULL', temp_max: 'temp_max * 1.8 + 32' }, where: "weather = 'snow'", limit: 10 },
  ]);
  t.equal(limited.rowsBySource[WEATHER], 10);
  const snow = await f.read(limited, `SELECT count(*) FILTER (WHERE wind IS NULL) AS nulls, max(temp_max) AS hi FROM data WHERE weather = 'snow' AND date >= '2012-01-01' AND file_row_number >= 1000`);
  t.equal(snow[0]!['nulls'], '10');
  const firstSnow = clean.filter((r) => r['weather'] === 'snow').slice(0, 10);
  t.ok(Math.abs(Number(snow[0]!['hi']) - Math.max(...firstSnow.map((r) => Number(r['temp_max']) * 1.8 + 32))) < 1e-9, 'limit keeps the first rows in file order');
});

t.test('sample is deterministic by seed; fraction and scope', async (t) => {
  const f = await fixture(t);
  const a = await f.run([{ op: 'sample', n: 100, seed: 7 }]);
  const b = await f.run([{ op: 'sample', n: 100, seed: 7 }], join(f.dir, 'again'));
  const c = await f.run([{ op: 'sample', n: 100, seed: 8 }]);
  t.equal(a.rows, 100);
  t.equal(a.sha256, b.sha256, 'same seed, same rows, same bytes');
  t.not(a.sha256, c.sha256, 'another seed, other rows');
  const frac = await f.run([
    { op: 'add_source', source: WEATHER, mapping: IDENTITY },
    { op: 'sample', fraction: 0.25, seed: 1, scope: 'base' },
  ]);
  t.equal(frac.rowsBySource['base'], 250);
  t.ok(frac.rowsBySource[WEATHER]! > 1000, 'added rows untouched');
  const both = await codeOf(f.run([{ op: 'sample', n: 5, fraction: 0.5, seed: 1 }]));
  t.equal(both.code, EngineCodes.step);
});

t.test('impute, map_columns, cast', async (t) => {
  const f = await fixture(t);
  const windMean = f.task.train.reduce((s, r) => s + Number(r['wind']), 0) / f.task.train.length;
  const noWind = { ...IDENTITY, wind: 'NULL' };
  const imputed = await f.run([
    { op: 'add_source', source: WEATHER, mapping: noWind, limit: 50 },
    { op: 'impute', columns: { wind: 'mean' } },
  ]);
  const w = await f.read(imputed, 'SELECT count(*) FILTER (WHERE wind IS NULL) AS nulls, max(wind) FILTER (WHERE file_row_number >= 1000) AS filled FROM data');
  t.equal(w[0]!['nulls'], '0');
  t.ok(Math.abs(Number(w[0]!['filled']) - windMean) < 1e-9, 'filled with the mean of the non-null (base) winds');
  const dropped = await f.run([
    { op: 'add_source', source: WEATHER, mapping: noWind, limit: 50 },
    { op: 'impute', columns: { wind: 'drop' }, scope: WEATHER },
  ]);
  t.same(dropped.rowsBySource, { base: 1000, [WEATHER]: 0 });
  const textMean = await codeOf(f.run([{ op: 'impute', columns: { weather: 'mean' } }]));
  t.equal(textMean.code, EngineCodes.step);
  t.match(textMean.message, /step 0 \(impute\)/);

  const fahrenheit = await f.run([{ op: 'map_columns', mapping: { temp_max: 'temp_max * 1.8 + 32' }, scope: 'base' }]);
  const mean = f.task.train.reduce((s, r) => s + Number(r['temp_max']), 0) / 1000;
  const got = await f.read(fahrenheit, 'SELECT avg(temp_max) AS m FROM data');
  t.ok(Math.abs(Number(got[0]!['m']) - (mean * 1.8 + 32)) < 1e-9);

  const casted = await f.run([{ op: 'cast', columns: { temp_max: 'BIGINT', date: 'VARCHAR' } }]);
  const types = await f.engine.query(`DESCRIBE SELECT * FROM read_parquet('${casted.file}')`);
  t.same(types.map((c) => c['column_type']), ['VARCHAR', 'DOUBLE', 'BIGINT', 'DOUBLE', 'DOUBLE', 'VARCHAR']);
});

t.test('rebalance and drop_outliers', async (t) => {
  const f = await fixture(t);
  const counts: Record<string, number> = {};
  for (const r of f.task.train) counts[r['weather']!] = (counts[r['weather']!] ?? 0) + 1;
  const min = Math.min(...Object.values(counts));
  const max = Math.max(...Object.values(counts));
  const classCounts = async (r: MaterializeResult) =>
    Object.fromEntries((await f.read(r, 'SELECT weather, count(*) AS n FROM data GROUP BY 1')).map((x) => [x['weather'], Number(x['n'])]));

  const under = await f.run([{ op: 'rebalance', label: 'weather', strategy: 'undersample', seed: 3 }]);
  t.same(await classCounts(under), Object.fromEntries(Object.keys(counts).map((k) => [k, min])));
  const over = await f.run([{ op: 'rebalance', label: 'weather', strategy: 'oversample', seed: 3 }]);
  t.same(await classCounts(over), Object.fromEntries(Object.keys(counts).map((k) => [k, max])));
  const overAgain = await f.run([{ op: 'rebalance', label: 'weather', strategy: 'oversample', seed: 3 }], join(f.dir, 'again'));
  t.equal(overAgain.sha256, over.sha256, 'deterministic');
  // Every original row survives oversampling.
  const distinct = await f.read(over, 'SELECT count(*) AS n FROM (SELECT DISTINCT * EXCLUDE (file_row_number) FROM data)');
  t.equal(Number(distinct[0]!['n']), new Set(f.task.train.map((r) => keyOf(r, ALL))).size);

  const p = f.task.train.map((r) => Number(r['precipitation']));
  const m = p.reduce((a, b) => a + b, 0) / p.length;
  const sd = Math.sqrt(p.reduce((a, b) => a + (b - m) ** 2, 0) / p.length);
  const outliers = p.filter((x) => Math.abs((x - m) / sd) > 2).length;
  t.ok(outliers > 0);
  const trimmed = await f.run([{ op: 'drop_outliers', columns: ['precipitation'], z: 2 }]);
  t.equal(trimmed.rows, 1000 - outliers, 'population z-score > 2 dropped');
});

t.test('sql step, its sandbox, and failures', async (t) => {
  const f = await fixture(t);
  const noSnow = await f.run([
    { op: 'add_source', source: WEATHER, mapping: IDENTITY },
    { op: 'sql', query: "SELECT * FROM data WHERE weather <> 'snow';" },
  ]);
  const snow = await f.read(noSnow, "SELECT count(*) AS n FROM data WHERE weather = 'snow'");
  t.equal(snow[0]!['n'], '0');
  t.ok(noSnow.rowsBySource[WEATHER]! > 0, 'origins kept through SELECT *');
  const projected = await f.run([{ op: 'sql', query: 'SELECT date, precipitation, temp_max, temp_min, wind, weather FROM data WHERE wind > 3' }]);
  t.same(Object.keys(projected.rowsBySource), ['base', 'sql'], "rows without __origin count as 'sql'");
  t.equal(projected.rowsBySource['sql'], f.task.train.filter((r) => Number(r['wind']) > 3).length);

  const outDir = join(f.dir, 'failing');
  const cases: [RecipeStep[], RegExp][] = [
    [[{ op: 'sql', query: "SELECT * FROM read_csv('/etc/passwd')" }], /Permission|disabled/],
    [[{ op: 'sql', query: `SELECT d.* FROM data d, read_text('/etc/hostname')` }], /Permission|disabled/],
    [[{ op: 'sql', query: 'DROP TABLE data' }], /only a SELECT/],
    [[{ op: 'sql', query: 'SELECT * FROM data; DROP TABLE data' }], /one SQL statement/],
    [[{ op: 'sql', query: 'SELECT date FROM data' }], /lacks task columns/],
    [[{ op: 'filter', where: "TRUE); DROP TABLE data; SELECT (1" }], /one SQL statement|parse/],
    [[{ op: 'add_source', source: 'hf:nope', mapping: IDENTITY }], /was not given/],
    [[{ op: 'dedupe', scope: 'hf:nope' }], /names no source/],
    [[{ op: 'add_source', source: WEATHER, mapping: IDENTITY }, { op: 'cast', columns: { weather: 'DOUBLE' } }], /step 1 \(cast\).*Conversion Error/],
  ];
  for (const [steps, message] of cases) {
    const err = await codeOf(f.run(steps, outDir));
    t.equal(err.code, EngineCodes.step, JSON.stringify(steps.at(-1)));
    t.match(err.message, message);
    t.equal(err.details['index'], steps.length - 1);
    t.equal(err.details['op'], steps.at(-1)!.op);
  }
  t.same(await readdir(outDir), [], 'a failed recipe leaves no artifact and no temp file');

  const recipe: Recipe = { v: 1, base: 'task', steps: [] };
  const args = { recipe, base: f.task.base, label: 'weather', columns: f.task.columns, outDir };
  t.equal((await codeOf(f.engine.materialize({ ...args, recipeHash: 'f'.repeat(64) }))).code, EngineCodes.arg, 'hash must match the recipe');
  t.equal((await codeOf(f.engine.materialize({ ...args, recipeHash: recipeHash(recipe), outDir: '/var/tmp/dm-not-allowed' }))).code, EngineCodes.path);
  t.notOk(existsSync('/var/tmp/dm-not-allowed'), 'a refused outDir is not created');
  t.equal((await codeOf(f.engine.materialize({ ...args, recipeHash: recipeHash(recipe), label: 'nope' }))).code, EngineCodes.arg);
  const badRecipe = { v: 1, base: 'task', steps: [{ op: 'explode' }] } as unknown as Recipe;
  t.equal((await codeOf(f.engine.materialize({ ...args, recipe: badRecipe, recipeHash: recipeHash(badRecipe) }))).code, 'E_SCHEMA');
});

t.test('concurrent calls on one engine keep their working tables apart', async (t) => {
  const f = await fixture(t);
  const [a, b, p] = await Promise.all([
    f.run([{ op: 'sample', n: 10, seed: 1 }]),
    f.run([{ op: 'add_source', source: WEATHER, mapping: IDENTITY }]),
    f.engine.profile({ path: join(VEGA, 'cars.json'), format: 'json' }),
  ]);
  t.equal(a.rows, 10);
  t.equal(b.rowsBySource['base'], 1000);
  t.equal(p.rows, 406);
});
