import t from 'tap';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataEngine, EngineCodes } from '../src/engine/index.ts';
import { codeOf, openEngine, parseCsv, tempDir, VEGA } from './fixtures/engine/helpers.ts';

t.test('reads every tabular format into a table', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);

  const seattle = await engine.describe({ path: join(VEGA, 'seattle-weather.csv'), format: 'csv' });
  t.equal(seattle.format, 'csv');
  t.equal(seattle.rows, 1461, 'seattle-weather has 1461 days');
  t.same(seattle.columns.map((c) => c.name), ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
  t.equal(seattle.columns[0]!.type, 'DATE');

  const tsvLines = (await readFile(join(VEGA, 'unemployment.tsv'), 'utf8')).trim().split('\n').length;
  const tsv = await engine.describe({ path: join(VEGA, 'unemployment.tsv'), format: 'tsv' });
  t.equal(tsv.rows, tsvLines - 1);
  t.same(tsv.columns.map((c) => c.name), ['id', 'rate']);

  const penguins = JSON.parse(await readFile(join(VEGA, 'penguins.json'), 'utf8')) as unknown[];
  t.equal((await engine.describe({ path: join(VEGA, 'penguins.json'), format: 'json' })).rows, penguins.length);
  t.equal((await engine.describe({ path: join(VEGA, 'cars.json'), format: 'json' })).rows, 406);
  t.equal((await engine.describe({ path: join(VEGA, 'flights-2k.json'), format: 'json' })).rows, 2000);

  // JSON Lines, declared as 'json' as sources often do: the first character decides.
  const cars = JSON.parse(await readFile(join(VEGA, 'cars.json'), 'utf8')) as object[];
  const jsonl = join(dir, 'cars.jsonl');
  await writeFile(jsonl, cars.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const jl = await engine.describe({ path: jsonl, format: 'json' });
  t.equal(jl.format, 'jsonl');
  t.equal(jl.rows, 406);

  const arrow = await engine.profile({ path: join(VEGA, 'flights-200k.arrow'), format: 'arrow' });
  t.equal(arrow.rows, 200000, 'Arrow IPC read through apache-arrow');
  t.same(arrow.columns.map((c) => c.name), ['delay', 'distance', 'time']);
  t.equal(arrow.columns[0]!.type, 'BIGINT');

  const big = await engine.describe({ path: join(VEGA, 'flights-3m.parquet'), format: 'parquet' });
  t.equal(big.rows, 3000000, 'Parquet counted from its footer');
});

t.test('sniffs the format when it is not declared', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const noExt = join(dir, 'download');
  await copyFile(join(VEGA, 'seattle-weather.csv'), noExt);
  const csv = await engine.describe({ path: noExt, format: 'other' });
  t.equal(csv.format, 'csv');
  t.equal(csv.rows, 1461);
  const pq = join(dir, 'blob.bin');
  await copyFile(join(VEGA, 'flights-3m.parquet'), pq);
  t.equal((await engine.describe({ path: pq, format: 'other' })).format, 'parquet', 'PAR1 magic');
  const arrow = join(dir, 'data.bin');
  await copyFile(join(VEGA, 'flights-200k.arrow'), arrow);
  t.equal((await engine.describe({ path: arrow, format: 'text' })).format, 'arrow', 'ARROW1 magic');
});

t.test('malformed files fail with a code that names the file', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const write = async (name: string, body: string | Buffer) => {
    const p = join(dir, name);
    await writeFile(p, body);
    return p;
  };
  const lines = ['x,y', ...Array.from({ length: 30000 }, (_, i) => `${i},${i * 2}`), 'abc,1'];
  const cases: [string, string | Buffer, 'csv' | 'json' | 'jsonl' | 'parquet' | 'zip', string][] = [
    ['empty.csv', '', 'csv', EngineCodes.empty],
    ['header.csv', 'a,b\n', 'csv', EngineCodes.empty],
    ['empty.json', '[]', 'json', EngineCodes.empty],
    ['ragged.csv', 'a,b\n1,2\n3,4,5\n6\n', 'csv', EngineCodes.parse],
    ['quote.csv', '"a,b\n1,"unterminated\n2,3\n', 'csv', EngineCodes.parse],
    ['late-type.csv', lines.join('\n') + '\n', 'csv', EngineCodes.parse],
    ['truncated.json', '[{"a":1},{"a":', 'json', EngineCodes.parse],
    ['bad.jsonl', '{"a":1}\n{"a":2\n', 'jsonl', EngineCodes.parse],
    ['bad.parquet', 'not parquet at all', 'parquet', EngineCodes.parse],
    ['archive.zip', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'zip', EngineCodes.format],
  ];
  for (const [name, body, format, code] of cases) {
    const path = await write(name, body);
    const err = await codeOf(engine.profile({ path, format }));
    t.equal(err.code, code, `${name} -> ${code}`);
    t.match(err.message, path, `${name}: message names the file`);
  }
  const missing = await codeOf(engine.profile({ path: join(dir, 'nope.csv'), format: 'csv' }));
  t.equal(missing.code, EngineCodes.notFound);
});

t.test('row and byte limits', async (t) => {
  const dir = await tempDir(t);
  const rowLimited = await openEngine(t, dir, { maxRows: 100 });
  const rows = await codeOf(rowLimited.profile({ path: join(VEGA, 'seattle-weather.csv'), format: 'csv' }));
  t.equal(rows.code, EngineCodes.tooLarge);
  t.match(rows.message, /seattle-weather\.csv.*100 rows/);
  const arrow = await codeOf(rowLimited.profile({ path: join(VEGA, 'flights-200k.arrow'), format: 'arrow' }));
  t.equal(arrow.code, EngineCodes.tooLarge);
  const byteLimited = await openEngine(t, await tempDir(t), { maxBytes: 1000 });
  const bytes = await codeOf(byteLimited.profile({ path: join(VEGA, 'seattle-weather.csv'), format: 'csv' }));
  t.equal(bytes.code, EngineCodes.tooLarge);
  t.match(bytes.message, /bytes/);
});

t.test('sandbox: files outside allowed folders, writes, settings', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const outside = await codeOf(engine.profile({ path: '/etc/passwd', format: 'csv' }));
  t.equal(outside.code, EngineCodes.path, 'checked before DuckDB sees the path');
  t.match(outside.message, /allowed directories/);
  const read = await codeOf(engine.query(`SELECT * FROM read_text('/etc/passwd')`));
  t.equal(read.code, EngineCodes.sql);
  t.match(read.message, /Permission|disabled/);
  t.equal((await codeOf(engine.query(`SET enable_external_access=true`))).code, EngineCodes.sql, 'only SELECT');
  t.equal((await codeOf(engine.query(`SELECT 1; SELECT 2`))).code, EngineCodes.sql, 'one statement');
  const inside = await engine.query(`SELECT count(*) AS n FROM read_csv('${join(VEGA, 'seattle-weather.csv')}')`);
  t.equal(inside[0]!['n'], '1461', 'reads inside allowed folders work');
});

t.test('close waits for running calls, then refuses new ones', async (t) => {
  const dir = await tempDir(t);
  const engine = await DataEngine.open({ workDir: join(dir, 'work'), allowedDirs: [VEGA], threads: 2 });
  const running = engine.profile({ path: join(VEGA, 'seattle-weather.csv'), format: 'csv' });
  const closed = engine.close();
  const profile = await running;
  await closed;
  t.equal(profile.rows, parseCsv(join(VEGA, 'seattle-weather.csv')).length, 'the in-flight profile finished');
  t.equal(engine.closed, true);
  t.equal((await codeOf(engine.describe({ path: join(VEGA, 'cars.json'), format: 'json' }))).code, EngineCodes.closed);
  await engine.close(); // idempotent
});
