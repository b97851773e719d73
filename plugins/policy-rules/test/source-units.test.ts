import t from 'tap';
import { resolvePolicyConfig } from '../src/config.ts';
import { expansionCandidates } from '../src/expansions.ts';
import { bareColumn, sourceUnits, unitOfMapped } from '../src/source-units.ts';
import { taskShape } from '../src/task-shape.ts';
import { pool } from '@datamaster/core/testing';
import { prepared, rootTree, task } from './fixture.ts';

// The catalog shape that bench-local writes: per-column units on the source's columns.
const imperial = pool([
  {
    id: 'local:seattle-imperial',
    profile: {
      quality: 0.8,
      rows: 400,
      mapping: { precipitation: '"precip_in"', temp_max: 'TRY_CAST("tmax_f" AS DOUBLE)', wind: 'wind_ms', weather: 'conditions', city: "'Seattle'" },
    },
    meta: {
      columns: [
        { name: 'precip_in', type: 'DOUBLE', unit: 'in' },
        { name: 'tmax_f', type: 'DOUBLE', unit: 'degF' },
        { name: 'wind_ms', type: 'DOUBLE', unit: 'm/s' },
        { name: 'wind', type: 'DOUBLE', unit: 'km/h' },
        { name: 'conditions', type: 'VARCHAR' },
      ],
      units: { wind_ms: 'm/s' },
    },
  },
]);
const entry = imperial.sources['local:seattle-imperial']!;

t.test('units from meta.columns and meta.units', async (t) => {
  t.same(sourceUnits(entry), { precip_in: 'in', tmax_f: 'degF', wind_ms: 'm/s', wind: 'km/h' });
  t.equal(unitOfMapped(entry, 'wind', 'wind_ms'), 'm/s', 'the column the mapping reads, not a same-named other column');
  t.equal(unitOfMapped(entry, 'precipitation', 'precip_in * 25.4'), undefined, 'a computed expression has no known unit');
});

t.test('bareColumn reads plain, quoted and TRY_CAST column references', async (t) => {
  t.equal(bareColumn('tmax'), 'tmax');
  t.equal(bareColumn('"precip in"'), 'precip in');
  t.equal(bareColumn('"a""b"'), 'a"b');
  t.equal(bareColumn('TRY_CAST("tmax_f" AS DOUBLE)'), 'tmax_f');
  t.equal(bareColumn('(tmax_f - 32) * 5 / 9'), null);
});

t.test('an imperial source is added with its values converted to the task units', async (t) => {
  const b = rootTree();
  const [c] = expansionCandidates(b.node('n1'), imperial, taskShape({ task, prepared }), resolvePolicyConfig({}));
  t.same(c?.steps[0], {
    op: 'add_source',
    source: 'local:seattle-imperial',
    mapping: {
      precipitation: '(CAST("precip_in" AS DOUBLE) * 25.4)',
      temp_max: '((CAST(TRY_CAST("tmax_f" AS DOUBLE) AS DOUBLE) - 32) / 1.8)',
      wind: 'wind_ms',
      weather: 'conditions',
      city: "'Seattle'",
    },
  });
});
