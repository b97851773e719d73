import t from 'tap';
import { resolvePolicyConfig } from '../src/config.ts';
import { expansionCandidates } from '../src/expansions.ts';
import { refinementCandidates } from '../src/refinements.ts';
import { taskShape } from '../src/task-shape.ts';
import { NOAA_RAW, input, prepared, rootTree, task, weatherPool } from './fixture.ts';

const config = resolvePolicyConfig({});
const shape = taskShape({ task, prepared });

t.test('task shape: prepared columns with the task hints merged in', async (t) => {
  t.equal(shape.label, 'weather');
  t.equal(shape.seed, 7);
  t.equal(shape.columns.find((c) => c.name === 'temp_max')?.unit, 'degC');
  t.same(shape.columns.find((c) => c.name === 'city')?.values, ['Seattle']);
});

t.test('expansions: profiled usable sources, best quality first, pool order on ties', async (t) => {
  const b = rootTree();
  const got = expansionCandidates(b.node('n1'), weatherPool(), shape, config);
  t.same(got.map((c) => (c.steps[0]?.op === 'add_source' ? c.steps[0].source : '?')), ['local:noaa', 'hf:weather', 'local:same-q'],
    'no unlabelled, leaky, rejected or unprofiled source');
  t.ok(got.every((c) => c.kind === 'expand' && c.steps.length === 1));
  const leakyAllowed = expansionCandidates(b.node('n1'), weatherPool(), shape, resolvePolicyConfig({ allowTestOverlap: true }));
  t.equal(leakyAllowed[0]?.rationale.startsWith('add kaggle:leaky'), true, 'allowTestOverlap lets a leaky source in');
});

t.test('expansion mapping comes from the profile, units converted on add', async (t) => {
  const b = rootTree();
  const [noaa, hf] = expansionCandidates(b.node('n1'), weatherPool(), shape, config);
  t.same(noaa?.steps[0], {
    op: 'add_source',
    source: 'local:noaa',
    file: 'daily.csv',
    mapping: { ...NOAA_RAW, temp_max: '(CAST(TMAX AS DOUBLE) / 10)', precipitation: '(CAST(PRCP AS DOUBLE) / 10)' },
  });
  t.match(noaa?.rationale, /quality 0\.9, 50000 rows.*units aligned: temp_max tenths_degC -> degC, precipitation tenths_mm -> mm/);
  t.same(hf?.steps[0], { op: 'add_source', source: 'hf:weather', mapping: { temp_max: '((CAST(tmax_f AS DOUBLE) - 32) / 1.8)', weather: 'condition', city: 'city' } });
  const raw = expansionCandidates(b.node('n1'), weatherPool(), shape, resolvePolicyConfig({ alignUnitsOnAdd: false }));
  t.same(raw[0]?.steps[0], { op: 'add_source', source: 'local:noaa', file: 'daily.csv', mapping: NOAA_RAW });
});

t.test('a source already in the recipe is not expanded again', async (t) => {
  const b = rootTree();
  b.add('n2', 'n1', [{ op: 'add_source', source: 'local:noaa', mapping: NOAA_RAW }], 0.72);
  const got = expansionCandidates(b.node('n2'), weatherPool(), shape, config);
  t.notOk(got.some((c) => c.rationale.startsWith('add local:noaa')));
  t.equal(got.length, 2);
});

t.test('refinements at the root: label filter, dedupe, outliers on numeric non-label columns', async (t) => {
  const b = rootTree();
  const got = refinementCandidates({ node: b.node('n1'), tree: b.tree, pool: weatherPool(), shape, config });
  t.same(got.map((c) => c.rule), ['drop_missing_label', 'dedupe', 'drop_outliers']);
  t.same(got.map((c) => c.steps), [
    [{ op: 'filter', where: '"weather" IS NOT NULL' }],
    [{ op: 'dedupe' }],
    [{ op: 'drop_outliers', columns: ['temp_max', 'precipitation', 'wind'], z: 4 }],
  ]);
});

t.test('refinements after adding a raw source: every rule fires, scoped to the added data', async (t) => {
  const b = rootTree();
  b.add('n2', 'n1', [{ op: 'add_source', source: 'local:noaa', mapping: NOAA_RAW }], 0.72);
  const got = refinementCandidates({ node: b.node('n2'), tree: b.tree, pool: weatherPool(), shape, config });
  t.same(got.map((c) => c.rule), ['align_units', 'drop_missing_label', 'dedupe', 'match_task', 'filter_categories', 'drop_outliers', 'rebalance', 'subsample']);
  const steps = Object.fromEntries(got.map((c) => [c.rule, c.steps]));
  t.same(steps.align_units, [{ op: 'map_columns', mapping: { temp_max: '(CAST("temp_max" AS DOUBLE) / 10)', precipitation: '(CAST("precipitation" AS DOUBLE) / 10)' }, scope: 'local:noaa' }]);
  t.same(steps.drop_missing_label, [{ op: 'filter', where: '"weather" IS NOT NULL', scope: 'added' }]);
  t.same(steps.dedupe, [{ op: 'dedupe', scope: 'added' }]);
  t.same(steps.match_task, [{ op: 'filter', where: `"city" = 'Seattle'`, scope: 'local:noaa' }]);
  t.same(steps.filter_categories, [{ op: 'filter', where: `"weather" IN ('rain', 'sun', 'fog''s')`, scope: 'added' }], 'values quoted as SQL literals');
  t.same(steps.drop_outliers, [{ op: 'drop_outliers', columns: ['temp_max', 'precipitation', 'wind'], z: 4, scope: 'added' }]);
  t.same(steps.rebalance, [{ op: 'rebalance', label: 'weather', strategy: 'undersample', seed: 7 }]);
  t.same(steps.subsample, [{ op: 'sample', n: 5000, seed: 7, scope: 'local:noaa' }], '5x the 1000 base rows');
  t.match(got.find((c) => c.rule === 'rebalance')?.rationale, /skewed 9\.0:1/);
});

t.test('rules that do not apply stay quiet', async (t) => {
  const b = rootTree();
  const converted = expansionCandidates(b.node('n1'), weatherPool(), shape, config)[0]!.steps;
  b.add('n2', 'n1', converted, 0.72);
  const p = weatherPool();
  p.sources['local:noaa']!.profile!.labelBalance = { rain: 200, sun: 100 };
  p.sources['local:noaa']!.profile!.rows = 4000;
  const got = refinementCandidates({ node: b.node('n2'), tree: b.tree, pool: p, shape, config: resolvePolicyConfig({ outlierZ: 3.5 }) });
  const rules = got.map((c) => c.rule);
  t.notOk(rules.includes('align_units'), 'units were converted on add');
  t.notOk(rules.includes('rebalance'), '2:1 is below skewRatio 3');
  t.notOk(rules.includes('subsample'), '4000 rows is under 5x the base');
  t.same(got.find((c) => c.rule === 'drop_outliers')?.steps[0], { op: 'drop_outliers', columns: ['temp_max', 'precipitation', 'wind'], z: 3.5, scope: 'added' });

  // Without a known base row count there is nothing to subsample against.
  const nb = rootTree();
  delete nb.node('n1').artifact;
  nb.add('n2', 'n1', [{ op: 'add_source', source: 'local:noaa', mapping: NOAA_RAW }], 0.72);
  const rules2 = refinementCandidates({ node: nb.node('n2'), tree: nb.tree, pool: weatherPool(), shape, config }).map((c) => c.rule);
  t.notOk(rules2.includes('subsample'));
});

t.test('a cleaning step already applied since the last add is not proposed again; a new source re-opens it', async (t) => {
  const b = rootTree();
  b.add('n2', 'n1', [{ op: 'add_source', source: 'local:noaa', mapping: NOAA_RAW }], 0.72);
  b.add('n3', 'n2', [
    { op: 'dedupe', scope: 'added' },
    { op: 'map_columns', mapping: { temp_max: 'x', precipitation: 'y' }, scope: 'local:noaa' },
    { op: 'sample', n: 5000, seed: 7, scope: 'local:noaa' },
    { op: 'filter', where: `"city" = 'Seattle'`, scope: 'local:noaa' },
  ], 0.73);
  const rules = refinementCandidates({ node: b.node('n3'), tree: b.tree, pool: weatherPool(), shape, config }).map((c) => c.rule);
  t.notOk(rules.includes('dedupe'));
  t.notOk(rules.includes('align_units'), 'already mapped after the add');
  t.notOk(rules.includes('subsample'));
  t.notOk(rules.includes('match_task'));
  b.add('n4', 'n3', [{ op: 'add_source', source: 'local:same-q', mapping: { weather: 'label' } }], 0.74);
  const after = refinementCandidates({ node: b.node('n4'), tree: b.tree, pool: weatherPool(), shape, config }).map((c) => c.rule);
  t.ok(after.includes('dedupe'), 'new rows arrived after the dedupe');
});

t.test('fixture input helper builds a full PolicyInput', async (t) => {
  const b = rootTree();
  t.equal(input(b, b.node('n1'), 3).want, 3);
});
