import t from 'tap';
import { declaredFeaturesReport, encodedWidth, encodeRow, featuresFromDeclared, inferFeatures, inferFeaturesReport, makeEncoder, median, rowText, tokenize, type Row } from '../src/index.ts';
import { spam, vega } from './library-data.ts';

t.test('inferFeatures on real tables', async (t) => {
  const penguins = vega('penguins.json');
  const f = inferFeatures(penguins, { exclude: ['Species'] });
  t.same(
    f.map((c) => [c.name, c.kind]),
    [
      ['Island', 'categorical'],
      ['Beak Length (mm)', 'numeric'],
      ['Beak Depth (mm)', 'numeric'],
      ['Flipper Length (mm)', 'numeric'],
      ['Body Mass (g)', 'numeric'],
      ['Sex', 'categorical'],
    ],
  );
  t.same(f[0]!.values, ['Biscoe', 'Dream', 'Torgersen'], 'categorical values sorted');
  // Sex holds MALE, FEMALE, '.' and nulls: null is missing, '.' is a value like any other.
  t.same(f[5]!.values, ['.', 'FEMALE', 'MALE']);
  const masses = penguins.map((r) => r['Body Mass (g)']).filter((v): v is number => typeof v === 'number');
  t.equal(f[4]!.impute, median(masses), 'numeric impute is the median of the column');
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([]), 0);

  // cars: Name has ~300 distinct names, some repeated: only the repeated ones are kept (at most maxCategories).
  const cars = inferFeaturesReport(vega('cars.json'), { exclude: ['Miles_per_Gallon'], maxCategories: 10 });
  const name = cars.features.find((c) => c.name === 'Name');
  t.equal(name?.kind, 'categorical');
  t.equal(name?.values?.length, 10);
  t.ok(name?.values?.includes('ford pinto'), 'the most repeated names are kept');
  t.same(cars.features.find((c) => c.name === 'Origin')?.values, ['Europe', 'Japan', 'USA']);
  // Year is a date string with 12 distinct values: categorical.
  t.equal(cars.features.find((c) => c.name === 'Year')?.kind, 'categorical');

  // Free text is text; the label is excluded.
  const mail = inferFeaturesReport(spam(40), { exclude: ['label'] });
  t.same(mail.features, [{ name: 'text', kind: 'text' }]);

  // An id column (all distinct short strings) is left out, with the reason.
  const airports = inferFeaturesReport(
    vega('flights-2k.json').map((r, i) => ({ id: `row-${i}`, delay: r.delay ?? null })),
    { exclude: ['delay'] },
  );
  t.same(airports.features, []);
  t.match(airports.skipped, [{ name: 'id', reason: /all 2000 values are distinct/ }]);
});

t.test('inferFeatures rules on small tables', async (t) => {
  const rows: Row[] = [
    { n: 1, s: '2.5', b: true, c: 'x', e: null, long: 'the quick brown fox jumps', y: 1 },
    { n: 3, s: '', b: false, c: 'y', e: null, long: 'over the lazy dog again and again', y: 0 },
    { n: null, s: '4.5', b: null, c: 'x', e: '', long: 'a completely different sentence here', y: 1 },
  ];
  const r = inferFeaturesReport(rows, { exclude: ['y'] });
  t.same(r.features, [
    { name: 'n', kind: 'numeric', impute: 2 },
    { name: 's', kind: 'numeric', impute: 3.5 },
    { name: 'b', kind: 'categorical', values: ['false', 'true'] },
    { name: 'c', kind: 'categorical', values: ['x', 'y'] },
    { name: 'long', kind: 'text' },
  ]);
  t.same(r.skipped, [{ name: 'e', reason: 'every value is missing' }]);
  t.same(inferFeatures(rows, { exclude: ['y', 'long', 'n', 's', 'b', 'e'] }), [{ name: 'c', kind: 'categorical', values: ['x', 'y'] }]);
  // A long value repeated many times (few distinct values) is a category, not text.
  const repeated = Array.from({ length: 30 }, (_, i) => ({ v: i % 2 ? 'aerial photograph of the coast' : 'satellite image of the city' }));
  t.same(inferFeatures(repeated), [{ name: 'v', kind: 'categorical', values: ['aerial photograph of the coast', 'satellite image of the city'] }]);
});

t.test('featuresFromDeclared: declared task columns', async (t) => {
  const rows: Row[] = [
    { price: 10, rooms: 2, kind: 'flat', city: 'Oslo', note: null, sold: '2020-01-01', ok: true },
    { price: 30, rooms: 4, kind: 'house', city: 'Bergen', note: null, sold: '2021-01-01', ok: false },
    { price: 20, rooms: null, kind: 'flat', city: 'Oslo', note: null, sold: null, ok: true },
  ];
  const columns = [
    { name: 'price', type: 'DOUBLE' },
    { name: 'rooms', type: 'BIGINT' },
    { name: 'kind', type: 'VARCHAR', values: ['house', 'flat', 'cabin'] },
    { name: 'city', type: 'VARCHAR' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'sold', type: 'DATE' },
    { name: 'ok', type: 'BOOLEAN' },
  ];
  const r = declaredFeaturesReport(columns, rows, { exclude: ['price'] });
  t.same(r.features, [
    { name: 'rooms', kind: 'numeric', impute: 3 },
    { name: 'kind', kind: 'categorical', values: ['house', 'flat', 'cabin'] },
    { name: 'city', kind: 'categorical', values: ['Bergen', 'Oslo'] },
    { name: 'ok', kind: 'categorical', values: ['false', 'true'] },
  ]);
  t.same(
    r.skipped.map((s) => s.name),
    ['note', 'sold'],
  );
  t.match(r.skipped[1]!.reason, /DATE column is not encoded/);
  t.same(featuresFromDeclared(columns, rows), [{ name: 'price', kind: 'numeric', impute: 20 }, ...r.features]);
});

t.test('the fixed encoder', async (t) => {
  const features = [
    { name: 'a', kind: 'numeric' as const, impute: 7 },
    { name: 'c', kind: 'categorical' as const, values: ['x', 'y'] },
    { name: 't', kind: 'text' as const },
    { name: 'b', kind: 'numeric' as const },
  ];
  t.equal(encodedWidth(features), 5);
  const e = makeEncoder(features);
  t.same(e.names, ['a', 'c=x', 'c=y', 'c=<other>', 'b']);
  t.same(e.source, [0, 1, 1, 1, 3]);
  t.same(encodeRow(features, { a: 1.5, c: 'y', t: 'hello', b: 2 }), [1.5, 0, 1, 0, 2]);
  t.same(encodeRow(features, { a: null, c: 'z', b: 'nope' }), [7, 0, 0, 1, 0], 'null -> impute, unseen -> other, non-numeric -> impute (default 0)');
  t.same(encodeRow(features, { a: ' 3 ', c: null, b: true }), [3, 0, 0, 1, 1], 'numeric strings parse; booleans are 1/0; null category -> other');
  t.same(encodeRow(features, {}), [7, 0, 0, 1, 0], 'a missing column is null');
  t.same(tokenize('Hello, WORLD! a $100 deal', 100), ['hello', 'world!', '$100', 'deal']);
  t.same(tokenize('abcdef ghij', 4), ['abcd']);
  t.equal(rowText(features, { t: 'x y', a: 1 }), 'x y');
  t.equal(rowText([...features, { name: 'u', kind: 'text' }], { t: 'one', u: null }), 'one\n');
});
