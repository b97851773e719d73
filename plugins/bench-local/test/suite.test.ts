import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemas, sha256Hex } from '@datamaster/core';
import { columnsOf, withDuck } from '../src/duck.ts';
import { ensureTask } from '../src/ensure.ts';
import { readTaskTable } from '../src/learner.ts';
import { SUITE, taskSpec } from '../src/suite/index.ts';
import { tempDir } from './helpers.ts';

const tasksDir = new URL('../tasks/', import.meta.url);

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = sha256Hex(readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}

t.test('every task file validates against the task schema and names its suite task', async (t) => {
  t.equal(SUITE.length >= 5, true, 'at least five tasks');
  for (const spec of SUITE) {
    const task = JSON.parse(readFileSync(new URL(`${spec.name}.task.json`, tasksDir), 'utf8')) as unknown;
    const parsed = schemas().parseInput<{ benchmark: { config: { task: string } }; metric: { direction: string } }>('task', task, `${spec.name}.task.json`);
    t.equal(parsed.benchmark.config.task, spec.name);
    t.equal(parsed.metric.direction, spec.metric.direction);
  }
});

// Building twice into two folders gives byte-identical files; splits are disjoint; test inputs lack the label.
for (const name of ['seattle-weather', 'cars', 'spam']) {
  t.test(`${name}: deterministic build, disjoint splits, unlabelled test inputs`, async (t) => {
    const a = tempDir('bench-local-a-');
    const b = tempDir('bench-local-b-');
    t.teardown(() => {
      a.remove();
      b.remove();
    });
    const fa = await ensureTask(name, a.dir);
    const fb = await ensureTask(name, b.dir);
    const ha = hashes(fa.dir);
    t.same(ha, hashes(fb.dir), 'identical bytes');
    t.ok(ha['pool/catalog.json'] && ha['train.parquet'] && ha['test-inputs.parquet']);
    const again = await ensureTask(name, a.dir);
    t.same(hashes(again.dir), ha, 'idempotent: a second ensure keeps the files');

    const spec = taskSpec(name);
    const key = (r: Record<string, unknown>) => JSON.stringify(spec.keyColumns.map((c) => r[c]));
    const [train, val, test] = await Promise.all([fa.train, fa.val, fa.test].map((f) => readTaskTable(spec, f)));
    const trainKeys = new Set(train!.map(key));
    const valKeys = new Set(val!.map(key));
    t.equal(val!.filter((r) => trainKeys.has(key(r))).length, 0, 'val disjoint from train');
    t.equal(test!.filter((r) => trainKeys.has(key(r)) || valKeys.has(key(r))).length, 0, 'test disjoint from train and val');
    const inputCols = await withDuck((c) => columnsOf(c, fa.testInputs, 'parquet'));
    t.notOk(inputCols.includes(spec.label.name), 'test inputs have no label column');
    t.same(inputCols, spec.features.map((f) => f.name));
  });
}
