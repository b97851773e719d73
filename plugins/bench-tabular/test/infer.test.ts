import t from 'tap';
import { chooseTaskType, columnTypeOf, inferId, labelShape, looksLikeId, sortClasses, typedValue } from '../src/infer.ts';

t.test('id-like names', async (t) => {
  for (const n of ['id', 'ID', 'Id', 'passenger_id', 'PassengerId', 'row-id', 'USER_ID', 'Passenger ID']) t.ok(looksLikeId(n), n);
  for (const n of ['paid', 'valid', 'idea', 'width', 'Android']) t.notOk(looksLikeId(n), n);
});

t.test('inferId: the first id-like column with unique values, never the label', async (t) => {
  const rows = [
    { group_id: 1, row_id: 1, y: 1 },
    { group_id: 1, row_id: 2, y: 2 },
    { group_id: 2, row_id: 3, y: 3 },
  ];
  t.equal(inferId(['group_id', 'row_id', 'y'], rows, 'y'), 'row_id', 'group_id repeats, so it is no id');
  t.equal(inferId(['row_id', 'y'], rows, 'row_id'), undefined, 'the label is never the id');
  t.equal(inferId(['id'], [{ id: 1 }, { id: null }], 'y'), undefined, 'a null is not an id');
});

t.test('labelShape and chooseTaskType', async (t) => {
  const many = Array.from({ length: 50 }, (_, i) => i * 1.5);
  t.equal(labelShape(many).suggested, 'regression');
  t.equal(labelShape(['a', 'b', 'a', null]).suggested, 'binary');
  t.equal(labelShape([0, 1, 2, 3]).suggested, 'multiclass');
  t.same(labelShape([0, 1, 2, 3]).feasible, ['multiclass', 'regression']);
  // A 0..10 score with an rmse metric is a regression; with accuracy, classes.
  const score = Array.from({ length: 11 }, (_, i) => i);
  t.equal(chooseTaskType(labelShape(score), ['regression']), 'regression');
  t.equal(chooseTaskType(labelShape(score), ['binary', 'multiclass']), 'multiclass');
  t.equal(chooseTaskType(labelShape(['x', 'y']), ['binary']), 'binary');
  // Many distinct numbers are only a regression, whatever the metric (the metric check then refuses it).
  t.equal(chooseTaskType(labelShape(many), ['binary', 'multiclass']), 'regression');
  // Strings are never a regression: the metric check reports the contradiction.
  t.equal(chooseTaskType(labelShape(['x', 'y', 'z']), ['regression']), 'multiclass');
});

t.test('sortClasses: numbers numerically, strings by code point', async (t) => {
  t.same(sortClasses([10, 2, 1, 2]), ['1', '2', '10']);
  t.same(sortClasses(['sun', 'fog', 'rain', null, 'fog']), ['fog', 'rain', 'sun']);
  t.same(sortClasses([true, false]), ['false', 'true']);
});

t.test('column types and typed values', async (t) => {
  t.equal(columnTypeOf('BIGINT'), 'BIGINT');
  t.equal(columnTypeOf('INTEGER'), 'BIGINT');
  t.equal(columnTypeOf('DECIMAL(5,2)'), 'DOUBLE');
  t.equal(columnTypeOf('TIMESTAMP WITH TIME ZONE'), 'TIMESTAMP');
  t.equal(columnTypeOf('DATE'), 'DATE');
  t.equal(columnTypeOf('STRUCT(a INTEGER)'), 'VARCHAR');
  t.equal(typedValue('3', 'BIGINT'), 3);
  t.equal(typedValue('true', 'BOOLEAN'), true);
  t.equal(typedValue('x', 'VARCHAR'), 'x');
});
