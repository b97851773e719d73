/**
 * Data engine next to the raw DuckDB it wraps (npx tsx bench/engine.bench.ts [-- --n 5]).
 * load:        engine.profile of flights-200k.arrow (apache-arrow + appender + statistics) vs raw DuckDB
 *              profiling the same rows already in Parquet form (flights-3m.parquet LIMIT 200000).
 * materialize: engine.materialize of the Seattle task + weather.csv (add_source with contamination filter,
 *              dedupe, sample, Parquet COPY, sha256, manifest) vs the raw SQL of the same pipeline.
 * Median of n runs each, alternating, fresh output folder per run. The last line printed is one JSON object.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DataEngine } from '../packages/core/src/engine/index.ts';
import { recipeHash } from '../packages/core/src/recipe/hash.ts';
import type { Recipe, TaskColumn } from '../packages/core/src/schema/types.ts';

const i = process.argv.indexOf('--n');
const N = i >= 0 ? Number(process.argv[i + 1]) : 5;
const VEGA = fileURLToPath(new URL('../node_modules/vega-datasets/data', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dm-engine-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

const lines = readFileSync(join(VEGA, 'seattle-weather.csv'), 'utf8').trim().split('\n');
writeFileSync(join(dir, 'train.csv'), lines.slice(0, 1001).join('\n') + '\n');
writeFileSync(join(dir, 'test.csv'), ['date,precipitation,temp_max,temp_min,wind', ...lines.slice(1001).map((l) => l.split(',').slice(0, 5).join(','))].join('\n') + '\n');
const columns: TaskColumn[] = [
  { name: 'date', type: 'DATE' }, { name: 'precipitation', type: 'DOUBLE' }, { name: 'temp_max', type: 'DOUBLE' },
  { name: 'temp_min', type: 'DOUBLE' }, { name: 'wind', type: 'DOUBLE' }, { name: 'weather', type: 'VARCHAR' },
];
const ident = Object.fromEntries(columns.map((c) => [c.name, c.name]));

const engine = await DataEngine.open({ workDir: join(dir, 'work'), allowedDirs: [VEGA, dir] });
const raw = await DuckDBInstance.create(':memory:');
const out = { load: { engine: [] as number[], raw: [] as number[] }, materialize: { engine: [] as number[], raw: [] as number[] } };

for (let k = 0; k < N; k++) {
  out.load.engine.push(await time(() => engine.profile({ path: join(VEGA, 'flights-200k.arrow'), format: 'arrow' })));
  out.load.raw.push(await time(async () => {
    const c = await raw.connect();
    await c.run(`CREATE TEMP TABLE f AS SELECT * FROM read_parquet('${join(VEGA, 'flights-3m.parquet')}') LIMIT 200000`);
    await c.run(`SELECT count(*) - count(delay), count(DISTINCT delay), min(delay), max(delay), avg(delay) FROM f`);
    await c.run(`SELECT count(*) FROM (SELECT DISTINCT * FROM f)`);
    c.closeSync();
  }));
  const recipe: Recipe = { v: 1, base: 'task', steps: [
    { op: 'add_source', source: 'local:weather', mapping: ident },
    { op: 'dedupe', scope: 'added' },
    { op: 'sample', n: 2000, seed: k },
  ] };
  out.materialize.engine.push(await time(() => engine.materialize({
    recipe, recipeHash: recipeHash(recipe), base: { path: join(dir, 'train.csv'), format: 'csv' }, label: 'weather', columns,
    sources: { 'local:weather': { file: { path: join(VEGA, 'weather.csv'), format: 'csv' } } },
    testInputs: { path: join(dir, 'test.csv'), format: 'csv' }, outDir: join(dir, `e${k}`),
  })));
  out.materialize.raw.push(await time(async () => {
    const c = await raw.connect();
    const cols = columns.map((x) => x.name).join(', ');
    await c.run(`CREATE TEMP TABLE b AS SELECT * FROM read_csv('${join(dir, 'train.csv')}')`);
    await c.run(`CREATE TEMP TABLE d AS SELECT ${cols}, 'base' AS o, rowid AS r FROM b`);
    await c.run(`CREATE TEMP TABLE t AS SELECT * FROM read_csv('${join(VEGA, 'weather.csv')}')`);
    await c.run(`INSERT INTO d SELECT ${cols}, 'w', 1000 + rowid FROM t ANTI JOIN read_csv('${join(dir, 'test.csv')}') x USING (date, precipitation, temp_max, temp_min, wind)`);
    await c.run(`DELETE FROM d WHERE o <> 'base' AND r IN (SELECT r FROM (SELECT r, row_number() OVER (PARTITION BY ${cols} ORDER BY r) rn FROM d) WHERE rn > 1)`);
    await c.run(`COPY (SELECT ${cols} FROM d ORDER BY hash(${k}, r) LIMIT 2000) TO '${join(dir, `r${k}.parquet`)}' (FORMAT parquet)`);
    c.closeSync();
  }));
}
await engine.close();
raw.closeSync();
rmSync(dir, { recursive: true, force: true });
const summary = {
  n: N,
  loadMs: { engine: median(out.load.engine), rawDuckDB: median(out.load.raw) },
  materializeMs: { engine: median(out.materialize.engine), rawDuckDB: median(out.materialize.raw) },
};
console.log(`load 200k rows + profile   engine ${summary.loadMs.engine.toFixed(1)} ms   raw DuckDB (Parquet) ${summary.loadMs.rawDuckDB.toFixed(1)} ms`);
console.log(`materialize (3 steps)      engine ${summary.materializeMs.engine.toFixed(1)} ms   raw DuckDB SQL ${summary.materializeMs.rawDuckDB.toFixed(1)} ms`);
console.log(JSON.stringify(summary));
