import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineCodes, nameTokens, qualityScore, suggestMapping } from '../src/engine/index.ts';
import { schemas } from '../src/schema/registry.ts';
import type { TaskColumn } from '../src/schema/types.ts';
import { codeOf, keyOf, openEngine, parseCsv, SEATTLE_COLUMNS, SEATTLE_KEYS, seattleTask, tempDir, VEGA } from './fixtures/engine/helpers.ts';

t.test('column statistics match a hand count of seattle-weather.csv', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const rows = parseCsv(join(VEGA, 'seattle-weather.csv'));
  const p = await engine.profile({ path: join(VEGA, 'seattle-weather.csv'), format: 'csv' }, { label: 'weather' });
  schemas().assert('events/source.profiled', { sourceId: 'local:seattle', profile: p }, 'profile');
  t.equal(p.rows, 1461);
  t.equal(p.duplicates, 0);
  const precip = rows.map((r) => Number(r['precipitation']));
  const col = p.columns.find((c) => c.name === 'precipitation')!;
  t.equal(col.type, 'DOUBLE');
  t.equal(col.nulls, 0);
  t.equal(col.min, Math.min(...precip));
  t.equal(col.max, Math.max(...precip));
  t.ok(Math.abs((col.mean as number) - precip.reduce((a, b) => a + b, 0) / precip.length) < 1e-9, 'mean');
  t.equal(col.distinct, new Set(precip).size);
  const date = p.columns.find((c) => c.name === 'date')!;
  t.equal(date.min, '2012-01-01');
  t.equal(date.max, '2015-12-31');
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r['weather']!] = (counts[r['weather']!] ?? 0) + 1;
  t.same(p.labelBalance, counts, 'labelBalance equals the class counts');
  t.same(counts, { drizzle: 53, rain: 641, sun: 640, snow: 26, fog: 101 });
  // No task: quality is completeness and uniqueness only; both perfect here.
  t.equal(p.quality, 1);
});

t.test('duplicates, nulls, and the documented quality blend', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const path = join(dir, 'small.csv');
  await writeFile(path, 'a,b,y\n1,2,x\n1,2,x\n3,,z\n4,5,\n');
  const task: TaskColumn[] = [
    { name: 'a', type: 'BIGINT' },
    { name: 'b', type: 'BIGINT' },
    { name: 'y', type: 'VARCHAR' },
    { name: 'c', type: 'DOUBLE' },
  ];
  const p = await engine.profile({ path, format: 'csv' }, { taskColumns: task, label: 'y' });
  t.equal(p.rows, 4);
  t.equal(p.duplicates, 1);
  t.equal(p.columns.find((c) => c.name === 'b')!.nulls, 1);
  t.same(p.mapping, { a: '"a"', b: '"b"', y: '"y"' });
  t.same(p.labelBalance, { x: 2, z: 1 });
  // coverage 3/4, null share 2/12, duplicates 1/4, labelled 3/4.
  const expected = 0.4 * 0.75 + 0.25 * (1 - 2 / 12) + 0.15 * (1 - 1 / 4) + 0.2 * 0.75;
  t.ok(Math.abs(p.quality - expected) < 1e-4, `quality ${p.quality} ~ ${expected}`);
  t.match(p.notes!.join('\n'), /task columns without a source column: c/);
  t.equal(qualityScore({ rows: 0, duplicates: 0, nullShare: 0 }), 0, 'no rows, no quality');
});

t.test('mapping suggestion: names, synonyms, glued tokens, types', async (t) => {
  t.same(nameTokens('temp_max'), ['max', 'temp']);
  t.same(nameTokens('TMAX'), ['max', 'temp'], 'glued t+max');
  t.same(nameTokens('maxTemperature'), ['max', 'temp'], 'camelCase + synonym');
  t.same(nameTokens('Beak Length (mm)'), ['beak', 'length', 'mm']);

  const task: TaskColumn[] = [
    { name: 'date', type: 'DATE' },
    { name: 'precipitation', type: 'DOUBLE' },
    { name: 'temp_max', type: 'DOUBLE' },
    { name: 'temp_min', type: 'DOUBLE' },
    { name: 'wind', type: 'DOUBLE' },
    { name: 'weather', type: 'VARCHAR' },
  ];
  const source = [
    { name: 'STATION', type: 'VARCHAR' },
    { name: 'DATE', type: 'DATE' },
    { name: 'PRCP', type: 'DOUBLE' },
    { name: 'TMIN', type: 'DOUBLE' },
    { name: 'max_temperature', type: 'VARCHAR' },
    { name: 'wind_speed', type: 'DOUBLE' },
  ];
  const { mapping, scores } = suggestMapping(task, source);
  t.same(mapping, {
    date: '"DATE"',
    precipitation: '"PRCP"',
    temp_min: '"TMIN"',
    temp_max: 'TRY_CAST("max_temperature" AS DOUBLE)',
    wind: '"wind_speed"',
  });
  t.notOk('weather' in mapping, 'no station -> weather guess');
  t.ok(scores['date']! > scores['wind']!, 'a folded-equal name beats a qualified one');

  const penguinTask: TaskColumn[] = [
    { name: 'species', type: 'VARCHAR' },
    { name: 'beak_length_mm', type: 'DOUBLE' },
    { name: 'flipper_length', type: 'DOUBLE' },
    { name: 'body_mass_g', type: 'DOUBLE' },
  ];
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const p = await engine.profile({ path: join(VEGA, 'penguins.json'), format: 'json' }, { taskColumns: penguinTask, label: 'species' });
  t.same(p.mapping, {
    species: '"Species"',
    beak_length_mm: '"Beak Length (mm)"',
    flipper_length: '"Flipper Length (mm)"',
    body_mass_g: '"Body Mass (g)"',
  });
  t.same(p.labelBalance, { Adelie: 152, Gentoo: 124, Chinstrap: 68 });
  t.equal(p.rows, 344);
});

t.test('test overlap: the contamination check on the mapped source', async (t) => {
  const dir = await tempDir(t);
  const engine = await openEngine(t, dir);
  const task = await seattleTask(dir);
  const testKeys = new Set(task.test.map((r) => keyOf(r, SEATTLE_KEYS)));
  const expected = task.weather.filter((r) => testKeys.has(keyOf(r, SEATTLE_KEYS))).length;
  t.ok(expected >= task.test.length, 'weather.csv holds every held-out Seattle day');

  const p = await engine.profile(
    { path: join(VEGA, 'weather.csv'), format: 'csv' },
    { taskColumns: SEATTLE_COLUMNS, label: 'weather', testInputs: task.testInputs },
  );
  schemas().assert('events/source.profiled', { sourceId: 'local:weather', profile: p }, 'profile');
  t.equal(p.testOverlap, expected);
  t.same(Object.keys(p.mapping!).sort(), SEATTLE_COLUMNS.map((c) => c.name).sort(), 'every task column maps by name');
  t.equal(p.rows, 2922);
  t.match(p.notes!.join('\n'), /equal held-out test inputs/);

  // A mapping that scrambles the keys finds no overlap: the check is on mapped values, not raw columns.
  const scrambled = await engine.profile(
    { path: join(VEGA, 'weather.csv'), format: 'csv' },
    { taskColumns: SEATTLE_COLUMNS, label: 'weather', testInputs: task.testInputs, mapping: { ...p.mapping, temp_max: 'temp_min', temp_min: 'temp_max' } },
  );
  t.ok(scrambled.testOverlap! < expected, 'swapped columns no longer match the test rows');

  const bad = await codeOf(
    engine.profile({ path: join(VEGA, 'weather.csv'), format: 'csv' }, { taskColumns: SEATTLE_COLUMNS, mapping: { wind: 'no_such_column * 2' } }),
  );
  t.equal(bad.code, EngineCodes.mapping);
  t.match(bad.message, /weather\.csv/);
  const label = await codeOf(
    engine.profile({ path: join(VEGA, 'weather.csv'), format: 'csv' }, { taskColumns: SEATTLE_COLUMNS, label: 'weather', testInputs: task.testInputs, keyColumns: ['date', 'weather'] }),
  );
  t.equal(label.code, EngineCodes.arg, 'the label is never a key column');
});
