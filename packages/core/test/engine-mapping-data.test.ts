import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataEngine, type TaskColumn } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'dm-mapdata-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

async function profileOf(file: string, format: 'csv' | 'jsonl', columns: TaskColumn[], label: string) {
  const eng = await DataEngine.open({ workDir: join(dir, 'work'), allowedDirs: [dir] });
  try {
    return await eng.profile({ path: file, format }, { label, taskColumns: columns });
  } finally {
    await eng.close();
  }
}

t.test('a category label is found by its values and a month by a date column', async (t) => {
  const f = join(dir, 'w.csv');
  writeFileSync(f, 'obs_date,conditions,rainfall\n2013-01-05,rain,3.1\n2013-02-07,sun,0\n2013-03-01,Fog ,0.2\n2013-07-04,sun,0\n');
  const columns: TaskColumn[] = [
    { name: 'month', type: 'DOUBLE' },
    { name: 'weather', type: 'VARCHAR', values: ['rain', 'sun', 'fog'] },
  ];
  const p = await profileOf(f, 'csv', columns, 'weather');
  t.equal(p.mapping?.weather, 'lower(trim("conditions"))', 'values match after lower(trim())');
  t.match(p.mapping?.month, /^month\(/, 'month extracted from the date column');
  t.same(p.labelBalance, { rain: 1, sun: 2, fog: 1 });
  t.equal(p.columns.length, 3);
});

t.test('an is_<class> flag becomes the two-class label and prose columns become the text', async (t) => {
  const f = join(dir, 'm.jsonl');
  writeFileSync(
    f,
    [
      { subject: 'cheap pills', message: 'buy now', is_spam: true, meta: { a: 1 } },
      { subject: 'meeting', message: 'see you at 3', is_spam: false, meta: { a: 2 } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  const columns: TaskColumn[] = [
    { name: 'text', type: 'VARCHAR' },
    { name: 'label', type: 'VARCHAR', values: ['ham', 'spam'] },
  ];
  const p = await profileOf(f, 'jsonl', columns, 'label');
  t.equal(p.mapping?.label, `CASE WHEN "is_spam" THEN 'spam' WHEN NOT "is_spam" THEN 'ham' END`);
  t.match(p.mapping?.text, /subject.*\|\| chr\(10\) \|\|.*message/);
  t.same(p.labelBalance, { spam: 1, ham: 1 });
});

t.test('a column that cannot be compared as text is skipped, not fatal', async (t) => {
  const f = join(dir, 'j.jsonl');
  writeFileSync(f, [{ Title: { x: 1 }, Origin: 'USA' }, { Title: { x: 2 }, Origin: 'Japan' }].map((r) => JSON.stringify(r)).join('\n'));
  const p = await profileOf(f, 'jsonl', [{ name: 'origin_region', type: 'VARCHAR', values: ['Europe', 'Japan', 'USA'] }], 'origin_region');
  t.equal(p.mapping?.origin_region, '"Origin"');
});
